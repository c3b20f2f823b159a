// The WebGPU evaluator respects the symmetries of physics: translation, rotation, permutation of
// atoms, choice of periodic image, supercells; and it is deterministic (bit-identical reruns).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import { GpuEvaluator } from '../../runtime/src/gpu/hdnnp-evaluator.js';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import type { Structure } from '../../runtime/src/structure.js';
import { allTypesSpec, lowerModelText, randomParameters, randomStructure, rng } from '../helpers/random-model.js';
import { supercell } from '../helpers/supercell.js';

let ctx: GpuContext;
let ev: GpuEvaluator;

beforeAll(async () => {
    ctx = await acquireGpu();
    const model = await lowerModelText(allTypesSpec('cosine 4.5 A inner 0.1'));
    ev = await GpuEvaluator.create(ctx, model, randomParameters(model, 7), buildNeighborList);
});

afterAll(async () => {
    ev?.destroy();
    await ctx?.destroy();
});

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
function maxDiff(a: Float64Array, b: Float64Array): number {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
    return m;
}

function rotate(s: Structure, seed: number): { s: Structure; R: number[] } {
    const random = rng(seed);
    // random rotation from a random unit quaternion
    const [a, b, c, d] = (() => {
        const q = [random() - 0.5, random() - 0.5, random() - 0.5, random() - 0.5];
        const n = Math.hypot(...q);
        return q.map((x) => x / n) as [number, number, number, number];
    })();
    const R = [
        a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
        2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
        2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d,
    ];
    const apply = (v: Float64Array) => {
        const out = new Float64Array(v.length);
        for (let i = 0; i < v.length / 3; i++) for (let r = 0; r < 3; r++) out[3 * i + r] = R[3 * r]! * v[3 * i]! + R[3 * r + 1]! * v[3 * i + 1]! + R[3 * r + 2]! * v[3 * i + 2]!;
        return out;
    };
    return { s: { ...s, positions: apply(s.positions), cell: s.cell ? apply(s.cell) : undefined }, R };
}

describe('WebGPU HDNNP evaluation', () => {
    it('is bit-identical when run twice', async () => {
        const s = randomStructure(11, 12, true);
        const a = await ev.evaluate(s);
        const b = await ev.evaluate(s);
        expect(a.energy).toBe(b.energy);
        expect([...a.forces]).toEqual([...b.forces]);
        expect([...a.virial]).toEqual([...b.virial]);
    });

    it('is invariant under translation and under rotation (forces rotate along)', async () => {
        for (const periodic of [false, true]) {
            const s = randomStructure(21, 10, periodic);
            const base = await ev.evaluate(s);
            const shifted = await ev.evaluate({ ...s, positions: s.positions.map((x, i) => x + [1.7, -0.4, 2.9][i % 3]!) });
            expect(rel(shifted.energy, base.energy)).toBeLessThan(2e-6);
            expect(maxDiff(shifted.forces, base.forces)).toBeLessThan(1e-4);
            const { s: turned, R } = rotate(s, 5);
            const rot = await ev.evaluate(turned);
            expect(rel(rot.energy, base.energy)).toBeLessThan(2e-6);
            const expected = new Float64Array(base.forces.length);
            for (let i = 0; i < expected.length / 3; i++) for (let r = 0; r < 3; r++) expected[3 * i + r] = R[3 * r]! * base.forces[3 * i]! + R[3 * r + 1]! * base.forces[3 * i + 1]! + R[3 * r + 2]! * base.forces[3 * i + 2]!;
            expect(maxDiff(rot.forces, expected)).toBeLessThan(1e-4);
        }
    });

    it('is invariant under permutation of atoms and under the choice of periodic image', async () => {
        const s = randomStructure(31, 9, true);
        const base = await ev.evaluate(s);
        const perm = [4, 0, 8, 2, 6, 1, 7, 3, 5];
        const permuted = await ev.evaluate({ ...s, symbols: perm.map((i) => s.symbols[i]!), positions: Float64Array.from(perm.flatMap((i) => [...s.positions.subarray(3 * i, 3 * i + 3)])) });
        expect(rel(permuted.energy, base.energy)).toBeLessThan(2e-6);
        perm.forEach((i, k) => expect(maxDiff(permuted.forces.subarray(3 * k, 3 * k + 3), base.forces.subarray(3 * i, 3 * i + 3))).toBeLessThan(1e-4));
        // move atom 3 by a + b − c: the same crystal
        const moved = Float64Array.from(s.positions);
        for (let c = 0; c < 3; c++) moved[9 + c]! += s.cell![c]! + s.cell![3 + c]! - s.cell![6 + c]!;
        const imaged = await ev.evaluate({ ...s, positions: moved });
        expect(rel(imaged.energy, base.energy)).toBeLessThan(2e-6);
        expect(maxDiff(imaged.forces, base.forces)).toBeLessThan(1e-4);
    });

    it('gives 8× the energy, the same forces and the same stress for a 2×2×2 supercell', async () => {
        const s = randomStructure(41, 6, true);
        const base = await ev.evaluate(s);
        const big = await ev.evaluate(supercell(s, [2, 2, 2]));
        expect(rel(big.energy, 8 * base.energy)).toBeLessThan(2e-6);
        expect(maxDiff(big.forces.subarray(0, 18), base.forces)).toBeLessThan(1e-4);
        expect(maxDiff(big.stress!, base.stress!)).toBeLessThan(1e-5);
    });

    it('stress equals the strain derivative of the energy', async () => {
        const s = randomStructure(51, 8, true);
        const base = await ev.evaluate(s);
        const volume = Math.abs(s.cell![0]! * (s.cell![4]! * s.cell![8]! - s.cell![5]! * s.cell![7]!) - s.cell![1]! * (s.cell![3]! * s.cell![8]! - s.cell![5]! * s.cell![6]!) + s.cell![2]! * (s.cell![3]! * s.cell![7]! - s.cell![4]! * s.cell![6]!));
        const h = 2e-3;
        for (const [a, b] of [[0, 0], [1, 1], [0, 1], [1, 2]] as const) {
            const strained = (e: number) => {
                const f = (v: Float64Array) => {
                    const out = Float64Array.from(v);
                    // x_a += e x_b (symmetric strain: half each way)
                    for (let i = 0; i < v.length / 3; i++) {
                        out[3 * i + a]! += (e / (a === b ? 1 : 2)) * v[3 * i + b]!;
                        if (a !== b) out[3 * i + b]! += (e / 2) * v[3 * i + a]!;
                    }
                    return out;
                };
                return { ...s, positions: f(s.positions), cell: f(s.cell!) };
            };
            const ep = (await ev.evaluate(strained(h))).energy;
            const em = (await ev.evaluate(strained(-h))).energy;
            const fd = (ep - em) / (2 * h) / volume;
            expect(Math.abs(fd - base.stress![3 * a + b]!)).toBeLessThan(2e-3 * Math.max(1e-2, Math.abs(fd)) + 2e-5);
        }
    });
});
