// Generated crystals: atom counts, nearest-neighbour distances and coordination numbers.
import { expect, it } from 'vitest';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import { crystal, type Lattice } from '../../runtime/src/structures/crystal.js';

/** Nearest-neighbour distance and how many neighbours each atom has at it. */
function shell(lattice: Lattice, a: number, c?: number) {
    const s = crystal(lattice, 'Si', a, { ...(c ? { c } : {}), supercell: [2, 2, 2] });
    const list = buildNeighborList(s, 1.2 * a);
    const distances = Array.from({ length: list.neighbors.length }, (_, e) => Math.hypot(list.displacements[3 * e]!, list.displacements[3 * e + 1]!, list.displacements[3 * e + 2]!));
    const nearest = Math.min(...distances);
    const counts = new Set<number>();
    for (let i = 0; i < s.symbols.length; i++) {
        let k = 0;
        for (let e = list.offsets[i]!; e < list.offsets[i + 1]!; e++) if (distances[e]! < nearest * 1.001) k++;
        counts.add(k);
    }
    return { atoms: s.symbols.length, nearest, coordination: [...counts] };
}

it('builds the cubic lattices with the right shells', () => {
    expect(shell('sc', 3)).toEqual({ atoms: 8, nearest: 3, coordination: [6] });
    const bcc = shell('bcc', 3);
    expect([bcc.atoms, bcc.coordination]).toEqual([16, [8]]);
    expect(bcc.nearest).toBeCloseTo((3 * Math.sqrt(3)) / 2, 12);
    const fcc = shell('fcc', 4);
    expect([fcc.atoms, fcc.coordination]).toEqual([32, [12]]);
    expect(fcc.nearest).toBeCloseTo(4 / Math.SQRT2, 12);
    const diamond = shell('diamond', 5.431);
    expect([diamond.atoms, diamond.coordination]).toEqual([64, [4]]);
    expect(diamond.nearest).toBeCloseTo((5.431 * Math.sqrt(3)) / 4, 12);
});

it('builds ideal hcp (12 neighbours) and β-tin (4 nearest neighbours)', () => {
    const hcp = shell('hcp', 3);
    expect([hcp.atoms, hcp.coordination]).toEqual([16, [12]]);
    expect(hcp.nearest).toBeCloseTo(3, 12);
    const tin = shell('beta_tin', 4.8, 0.552 * 4.8);
    expect([tin.atoms, tin.coordination]).toEqual([32, [4]]);
});
