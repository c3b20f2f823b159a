// Neighbour lists: the cell list against a brute-force loop over periodic images (including cells
// smaller than 2 r_c, where one atom appears several times), and the skin list against fresh lists.
import { expect, it } from 'vitest';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import { SkinNeighborList } from '../../runtime/src/neighbors/skin-list.js';
import type { CsrNeighbors } from '../../runtime/src/neighbors/slot-list.js';
import type { Structure } from '../../runtime/src/structure.js';
import { randomStructure, rng } from '../helpers/random-model.js';

/** All (j, image) within r_c by looping over ±n images: the slow, obvious definition. */
function bruteForce(s: Structure, rc: number): string[][] {
    const n = s.symbols.length;
    const cell = s.cell;
    const reach = cell ? 6 : 0;
    const out: string[][] = [];
    for (let i = 0; i < n; i++) {
        const found: string[] = [];
        for (let a = -reach; a <= reach; a++) for (let b = -reach; b <= reach; b++) for (let c = -reach; c <= reach; c++) {
            for (let j = 0; j < n; j++) {
                if (i === j && a === 0 && b === 0 && c === 0) continue;
                const d = [0, 1, 2].map((k) => s.positions[3 * j + k]! - s.positions[3 * i + k]! + (cell ? a * cell[k]! + b * cell[3 + k]! + c * cell[6 + k]! : 0));
                if (Math.hypot(...d) < rc) found.push(key(j, d));
            }
        }
        out.push(found.sort());
    }
    return out;
}

const key = (j: number, d: readonly number[]) => `${j}:${d.map((x) => x.toFixed(9)).join(',')}`;

function asKeys(list: CsrNeighbors, rc: number): string[][] {
    const out: string[][] = [];
    for (let i = 0; i < list.offsets.length - 1; i++) {
        const found: string[] = [];
        for (let e = list.offsets[i]!; e < list.offsets[i + 1]!; e++) {
            const d = [0, 1, 2].map((k) => list.displacements[3 * e + k]!);
            if (Math.hypot(...d) < rc) found.push(key(list.neighbors[e]!, d));
        }
        out.push(found.sort());
    }
    return out;
}

it('finds exactly the pairs of a brute-force image loop (small triclinic cells, molecules)', () => {
    for (let seed = 1; seed <= 6; seed++) {
        for (const periodic of [true, false]) {
            const s = randomStructure(seed, 5, periodic);
            for (const rc of [2.0, 4.5, 7.0]) expect(asKeys(buildNeighborList(s, rc), rc)).toEqual(bruteForce(s, rc));
        }
    }
});

it('handles atoms outside the cell and partial periodicity', () => {
    const s = randomStructure(9, 4, true);
    const outside = { ...s, positions: s.positions.map((x, i) => x + (i % 3 === 0 ? 3 * s.cell![0]! : -2.5)) };
    expect(asKeys(buildNeighborList(outside, 4), 4)).toEqual(bruteForce(outside, 4));
    const slab: Structure = { ...s, pbc: [true, true, false] };
    const list = buildNeighborList(slab, 4);
    // no pair may reach across the non-periodic c direction: every displacement's c component
    // (fractional) must be what the positions give directly
    const cz = s.cell![8]!;
    for (let e = 0; e < list.neighbors.length; e++) expect(Math.abs(list.displacements[3 * e + 2]!)).toBeLessThan(cz + 1e-9);
});

it('a skin list gives the pairs within r_c as fresh lists do, and rebuilds only when an atom moved more than half the skin', () => {
    const s = randomStructure(3, 8, true);
    const skin = new SkinNeighborList(4, 1.0);
    const random = rng(5);
    let positions = Float64Array.from(s.positions);
    for (let step = 0; step < 20; step++) {
        positions = positions.map((x) => x + 0.02 * (random() - 0.5));
        const moved = { ...s, positions };
        const fresh = buildNeighborList(moved, 4);
        // the pairs within r_c only (none of the skin's), as a fresh search at r_c finds them
        const within = skin.update(moved);
        expect(within.neighbors.length).toBe(fresh.neighbors.length);
        expect(asKeys(within, 4)).toEqual(asKeys(fresh, 4));
    }
    expect(skin.rebuilds).toBe(1);
    const jumped = Float64Array.from(positions);
    jumped[0]! += 0.6;
    skin.update({ ...s, positions: jumped });
    expect(skin.rebuilds).toBe(2);
});
