// Silicon structures outside a diamond-crystal training set: a random packing (no two atoms closer than
// 2.1 Å) and a (001) slab with vacuum, both from the 2×2×2 diamond cell (a = 5.431 Å, 64 atoms).
import { uniforms } from '../../runtime/src/math/random.js';
import type { Structure } from '../../runtime/src/structure.js';
import { crystal } from '../../runtime/src/structures/crystal.js';

const A = 5.431;

export function randomPacking(seed: number): Structure {
    const base = crystal('diamond', 'Si', A, { supercell: [2, 2, 2] });
    const L = 2 * A;
    const u = uniforms(seed);
    const pos: number[] = [];
    while (pos.length < 3 * 64) {
        const p = [u() * L, u() * L, u() * L];
        let ok = true;
        for (let j = 0; j < pos.length / 3 && ok; j++) {
            let d2 = 0;
            for (let c = 0; c < 3; c++) {
                const d = p[c]! - pos[3 * j + c]!;
                d2 += (d - L * Math.round(d / L)) ** 2;
            }
            ok = d2 >= 2.1 * 2.1;
        }
        if (ok) pos.push(...p);
    }
    return { ...base, positions: Float64Array.from(pos) };
}

export function slab(): Structure {
    const s = crystal('diamond', 'Si', A, { supercell: [2, 2, 2] });
    const cell = Float64Array.from(s.cell!);
    cell[8] = 4 * A;
    return { ...s, cell, positions: s.positions.map((x, i) => (i % 3 === 2 ? x + A / 4 : x)) };
}
