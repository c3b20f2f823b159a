// Supercells (phonons, invariance tests): copies of a periodic structure, image (a, b, c) outermost and
// atoms innermost, with the cell scaled accordingly.
import type { Structure } from '../structure.js';

export function supercell(s: Structure, [na, nb, nc]: readonly [number, number, number]): Structure {
    const c = s.cell!;
    const n = s.symbols.length;
    const symbols: string[] = [];
    const positions: number[] = [];
    for (let a = 0; a < na; a++) for (let b = 0; b < nb; b++) for (let k = 0; k < nc; k++) {
        for (let i = 0; i < n; i++) {
            symbols.push(s.symbols[i]!);
            for (let x = 0; x < 3; x++) positions.push(s.positions[3 * i + x]! + a * c[x]! + b * c[3 + x]! + k * c[6 + x]!);
        }
    }
    const cell = Float64Array.from(c, (v, idx) => v * [na, nb, nc][Math.floor(idx / 3)]!);
    return { ...s, symbols, positions: Float64Array.from(positions), cell };
}
