// The float64 reference neighbour list against a brute-force loop over lattice images: small
// triclinic cells (several images of one atom, also of the atom itself), partial periodicity,
// molecules, atoms outside the cell; strict r < r_c; deterministic order; speed at 3240 atoms.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseN2p2Data } from '../../runtime/src/io/n2p2-data.js';
import { det3 } from '../../runtime/src/math/mat3.js';
import { buildReferenceNeighbors } from '../../runtime/src/neighbors/reference-neighbors.js';
import type { Structure } from '../../runtime/src/structure.js';
import { sharedData } from '../helpers/shared-data.js';
import { rng } from '../helpers/random-model.js';
import { supercell } from '../helpers/supercell.js';

type Pbc = [boolean, boolean, boolean];

function structure(positions: number[], cell: number[] | undefined, pbc: Pbc): Structure {
    return {
        symbols: positions.filter((_, k) => k % 3 === 0).map(() => 'H'),
        positions: Float64Array.from(positions),
        ...(cell ? { cell: Float64Array.from(cell) } : {}),
        pbc: cell ? pbc : [false, false, false],
        info: {},
    };
}

/** A random triclinic cell with rows of length ≈ `size` and random atoms in (and around) it. */
function randomStructure(seed: number, atoms: number, size: number, pbc: Pbc, outside = 0.3): Structure {
    const r = rng(seed);
    const cell = [size * (0.8 + 0.4 * r()), 0, 0, size * (r() - 0.5) * 0.6, size * (0.8 + 0.4 * r()), 0, size * (r() - 0.5) * 0.6, size * (r() - 0.5) * 0.6, size * (0.8 + 0.4 * r())];
    const pos: number[] = [];
    for (let i = 0; i < atoms; i++) {
        // fractional coordinates in [−outside, 1 + outside): some atoms lie outside the cell
        const f = [0, 1, 2].map(() => -outside + (1 + 2 * outside) * r());
        for (let c = 0; c < 3; c++) pos.push(f[0]! * cell[c]! + f[1]! * cell[3 + c]! + f[2]! * cell[6 + c]!);
    }
    return structure(pos, cell, pbc);
}

/** All (j, n) with |r_j − r_i + n·cell| < r_c by looping over enough images. */
function bruteForce(s: Structure, rc: number): Array<Array<[number, number, number, number, number]>> {
    const n = s.symbols.length;
    const p = s.positions;
    const c = s.cell ?? new Float64Array(9);
    const reach = [0, 1, 2].map((a) => {
        if (!s.cell || !s.pbc[a]) return 0;
        const u = (a + 1) % 3;
        const v = (a + 2) % 3;
        const cross = [c[3 * u + 1]! * c[3 * v + 2]! - c[3 * u + 2]! * c[3 * v + 1]!, c[3 * u + 2]! * c[3 * v]! - c[3 * u]! * c[3 * v + 2]!, c[3 * u]! * c[3 * v + 1]! - c[3 * u + 1]! * c[3 * v]!];
        const spacing = Math.abs(det3(c)) / Math.hypot(...cross);
        // positions may be up to ~1.6 cells apart (atoms outside the cell): generous range
        return Math.ceil(rc / spacing) + 3;
    });
    const out: Array<Array<[number, number, number, number, number]>> = [];
    for (let i = 0; i < n; i++) {
        const list: Array<[number, number, number, number, number]> = [];
        for (let j = 0; j < n; j++) {
            for (let a = -reach[0]!; a <= reach[0]!; a++) {
                for (let b = -reach[1]!; b <= reach[1]!; b++) {
                    for (let d = -reach[2]!; d <= reach[2]!; d++) {
                        if (i === j && a === 0 && b === 0 && d === 0) continue;
                        const x = p[3 * j]! - p[3 * i]! + a * c[0]! + b * c[3]! + d * c[6]!;
                        const y = p[3 * j + 1]! - p[3 * i + 1]! + a * c[1]! + b * c[4]! + d * c[7]!;
                        const z = p[3 * j + 2]! - p[3 * i + 2]! + a * c[2]! + b * c[5]! + d * c[8]!;
                        const r2 = x * x + y * y + z * z;
                        if (r2 < rc * rc) list.push([j, a + 0, b + 0, d + 0, Math.sqrt(r2)]); // + 0: no −0
                    }
                }
            }
        }
        list.sort((u, v) => u[0] - v[0] || u[1] - v[1] || u[2] - v[2] || u[3] - v[3]);
        out.push(list);
    }
    return out;
}

function listOf(s: Structure, rc: number): Array<Array<[number, number, number, number, number]>> {
    const nl = buildReferenceNeighbors(s, rc);
    return Array.from({ length: s.symbols.length }, (_, i) => {
        const rows: Array<[number, number, number, number, number]> = [];
        for (let e = nl.offsets[i]!; e < nl.offsets[i + 1]!; e++) {
            rows.push([nl.neighbors[e]!, nl.shifts[3 * e]!, nl.shifts[3 * e + 1]!, nl.shifts[3 * e + 2]!, nl.distances[e]!]);
        }
        return rows;
    });
}

function expectSameLists(s: Structure, rc: number): number {
    const got = listOf(s, rc);
    const want = bruteForce(s, rc);
    let pairs = 0;
    for (let i = 0; i < want.length; i++) {
        expect(got[i]!.map((r) => r.slice(0, 4)), `atom ${i}`).toEqual(want[i]!.map((r) => r.slice(0, 4)));
        got[i]!.forEach((r, k) => expect(r[4]).toBeCloseTo(want[i]![k]![4], 12));
        pairs += want[i]!.length;
    }
    return pairs;
}

describe('reference neighbour list', () => {
    it('matches a brute-force image loop in small triclinic cells (several images per atom, self images)', () => {
        for (let seed = 1; seed <= 12; seed++) {
            const s = randomStructure(seed, 4 + (seed % 5), 3 + (seed % 3), [true, true, true]);
            const rc = 4.5 + seed * 0.3; // cell rows 2.4–6 Å: r_c well above half the cell
            const pairs = expectSameLists(s, rc);
            // every atom sees several images of itself
            const got = listOf(s, rc);
            expect(got.every((rows, i) => rows.filter((r) => r[0] === i).length >= 2)).toBe(true);
            expect(pairs).toBeGreaterThan(s.symbols.length * 10);
        }
    });

    it('counts images correctly in a tiny cubic cell: one atom, r_c = 2.5 a', () => {
        const s = structure([0.1, 0.2, 0.3], [1, 0, 0, 0, 1, 0, 0, 0, 1], [true, true, true]);
        const got = listOf(s, 2.5)[0]!;
        // lattice points n ≠ 0 with |n| < 2.5
        let count = 0;
        for (let a = -3; a <= 3; a++) for (let b = -3; b <= 3; b++) for (let c = -3; c <= 3; c++) if ((a || b || c) && a * a + b * b + c * c < 6.25) count++;
        expect(got.length).toBe(count);
        expect(got.every((r) => r[0] === 0)).toBe(true);
    });

    it('is strict: a neighbour exactly at r_c is excluded', () => {
        const s = structure([0, 0, 0, 2, 0, 0], undefined, [false, false, false]);
        expect(listOf(s, 2)[0]).toEqual([]);
        expect(listOf(s, 2.000000001)[0]!.map((r) => r[0])).toEqual([1]);
    });

    it('honours partial periodicity and non-periodic structures', () => {
        for (const pbc of [[true, false, true], [false, true, false], [false, false, false], [true, true, false]] as Pbc[]) {
            for (let seed = 20; seed < 24; seed++) expectSameLists(randomStructure(seed, 7, 3.5, pbc), 5.2);
        }
        // a molecule without a cell
        const r = rng(7);
        const mol = structure(Array.from({ length: 3 * 15 }, () => 6 * r() - 3), undefined, [false, false, false]);
        const pairs = expectSameLists(mol, 2.5);
        expect(pairs).toBeGreaterThan(0);
    });

    it('gives d = r_j − r_i + n·cell from the input positions (atoms outside the cell are not wrapped)', () => {
        const s = randomStructure(5, 6, 3, [true, true, true], 1.5);
        const nl = buildReferenceNeighbors(s, 4);
        const c = s.cell!;
        const p = s.positions;
        for (let i = 0; i < 6; i++) {
            for (let e = nl.offsets[i]!; e < nl.offsets[i + 1]!; e++) {
                const j = nl.neighbors[e]!;
                const n = [nl.shifts[3 * e]!, nl.shifts[3 * e + 1]!, nl.shifts[3 * e + 2]!];
                for (let k = 0; k < 3; k++) {
                    const want = p[3 * j + k]! - p[3 * i + k]! + n[0]! * c[k]! + n[1]! * c[3 + k]! + n[2]! * c[6 + k]!;
                    expect(nl.displacements[3 * e + k]).toBe(want);
                }
            }
        }
        expectSameLists(s, 4);
    });

    it('is symmetric: (i, j, n) ⇔ (j, i, −n)', () => {
        const s = randomStructure(9, 8, 3.2, [true, true, true]);
        const got = listOf(s, 5);
        const key = (i: number, r: number[]) => `${i} ${r[0]} ${r[1]} ${r[2]} ${r[3]}`;
        const all = new Set(got.flatMap((rows, i) => rows.map((r) => key(i, r))));
        for (const [i, rows] of got.entries()) for (const r of rows) expect(all.has(key(r[0]!, [i, -r[1]!, -r[2]!, -r[3]!]))).toBe(true);
    });

    it('builds the list of 3240 water atoms (3×1×1 copies of H2O_1080_liquid, r_c = 12 bohr) right', () => {
        const L = 0.529177210903;
        const path = sharedData('n2p2', 'structures', 'H2O_1080_liquid.data');
        const one = parseN2p2Data(readFileSync(path, 'utf8'), path, { length: L, energy: 1 })[0]!;
        expect(one.symbols.length).toBe(1080);
        const s = supercell(one, [3, 1, 1]);
        const nl = buildReferenceNeighbors(s, 12 * L);
        expect(s.symbols.length).toBe(3240);
        // spot check a few atoms against a binning-free loop over the 27 nearest images
        const rc = 12 * L;
        const c = s.cell!;
        const p = s.positions;
        for (const i of [0, 1, 777, 1080, 3239]) {
            let count = 0;
            for (let j = 0; j < 3240; j++) {
                for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let d = -1; d <= 1; d++) {
                    if (i === j && !(a || b || d)) continue;
                    const x = p[3 * j]! - p[3 * i]! + a * c[0]! + b * c[3]! + d * c[6]!;
                    const y = p[3 * j + 1]! - p[3 * i + 1]! + a * c[1]! + b * c[4]! + d * c[7]!;
                    const z = p[3 * j + 2]! - p[3 * i + 2]! + a * c[2]! + b * c[5]! + d * c[8]!;
                    if (x * x + y * y + z * z < rc * rc) count++;
                }
            }
            expect(nl.offsets[i + 1]! - nl.offsets[i]!).toBe(count);
        }
    });
});

