// Crystals the spec can generate (`crystal <lattice> <element> a <a> [c <c>] [supercell n n n]`):
// conventional cells and their bases in fractional coordinates, repeated into a supercell.
import type { Structure } from '../structure.js';

export type Lattice = 'sc' | 'bcc' | 'fcc' | 'hcp' | 'diamond' | 'beta_tin' | 'bct';

const FCC = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];

/** Fractional basis of each conventional cell. */
const BASIS: Readonly<Record<Lattice, number[][]>> = {
    sc: [[0, 0, 0]],
    bcc: [[0, 0, 0], [0.5, 0.5, 0.5]],
    fcc: FCC,
    diamond: [...FCC, ...FCC.map((p) => p.map((x) => x + 0.25))],
    hcp: [[0, 0, 0], [1 / 3, 2 / 3, 0.5]],
    // β-tin (A5, I4₁/amd) in its conventional body-centred tetragonal cell, 4 atoms
    beta_tin: [[0, 0, 0], [0.5, 0, 0.25], [0.5, 0.5, 0.5], [0, 0.5, 0.75]],
    // body-centred tetragonal a×a×c, 2 atoms: the Bain path (c/a = 1 bcc, c/a = √2 fcc seen along [001])
    bct: [[0, 0, 0], [0.5, 0.5, 0.5]],
};

/** Default c/a of the non-cubic lattices: ideal hcp √(8/3); β-Sn-like 0.55 (Si: 0.552). */
export const DEFAULT_C_OVER_A: Readonly<Partial<Record<Lattice, number>>> = { hcp: Math.sqrt(8 / 3), beta_tin: 0.55 };

export function crystal(lattice: Lattice, element: string, a: number, options: { c?: number; supercell?: readonly [number, number, number] } = {}): Structure {
    const c = options.c ?? a * (DEFAULT_C_OVER_A[lattice] ?? 1);
    const cell = lattice === 'hcp'
        ? [a, 0, 0, -a / 2, (a * Math.sqrt(3)) / 2, 0, 0, 0, c]
        : [a, 0, 0, 0, a, 0, 0, 0, lattice === 'beta_tin' || lattice === 'bct' ? c : a];
    const [n1, n2, n3] = options.supercell ?? [1, 1, 1];
    const positions: number[] = [];
    for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) for (let k = 0; k < n3; k++) {
        for (const f of BASIS[lattice]) {
            const u = [f[0]! + i, f[1]! + j, f[2]! + k];
            for (let x = 0; x < 3; x++) positions.push(u[0]! * cell[x]! + u[1]! * cell[3 + x]! + u[2]! * cell[6 + x]!);
        }
    }
    const big = cell.map((v, idx) => v * [n1, n2, n3][Math.floor(idx / 3)]!);
    return {
        symbols: Array.from({ length: positions.length / 3 }, () => element),
        positions: Float64Array.from(positions),
        cell: Float64Array.from(big),
        pbc: [true, true, true],
        info: { lattice },
    };
}
