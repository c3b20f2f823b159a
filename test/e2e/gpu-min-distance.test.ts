// Minimum descriptor distances on WebGPU (runtime/src/gpu/min-distance.ts) against the float64
// reference (uncertainty/descriptor-distance.ts): 1e-5 relative on every distance (issue 7), also for
// near-duplicates of training vectors (the double-float split keeps their tiny differences), the same
// nearest index wherever the float64 runner-up is not within that tolerance, leave-one-out, tiles and
// query chunks of every size giving the same bits, and repeated runs bit-identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import { gpuMinimumDistances } from '../../runtime/src/gpu/min-distance.js';
import { minimumDistances, vectorSet, type VectorSet } from '../../runtime/src/uncertainty/descriptor-distance.js';
import { rng } from '../helpers/random-model.js';

let ctx: GpuContext;
beforeAll(async () => {
    ctx = await acquireGpu();
});
afterAll(async () => {
    await ctx?.destroy();
});

function randomSet(count: number, dim: number, seed: number): VectorSet {
    const u = rng(seed);
    // scaled descriptors lie in [−1, 1]-ish ranges with an offset, as after scale_center
    return vectorSet(Float64Array.from({ length: count * dim }, (_, k) => 0.3 * (k % dim) / dim + 2 * u() - 1), dim);
}

/** Float64 distances of query i to every reference vector, sorted ascending (for the runner-up gap). */
function twoBest(q: VectorSet, r: VectorSet, i: number, skip = -1): [number, number] {
    const d: number[] = [];
    for (let j = 0; j < r.count; j++) {
        if (j === skip) continue;
        let s = 0;
        for (let k = 0; k < q.dim; k++) s += (q.data[i * q.dim + k]! - r.data[j * r.dim + k]!) ** 2;
        d.push(Math.sqrt(s));
    }
    d.sort((a, b) => a - b);
    return [d[0]!, d[1]!];
}

describe('minimum descriptor distance on WebGPU', () => {
    it('matches the float64 reference to 1e-5 relative, near-duplicates included; same nearest vector', async () => {
        const dim = 24;
        const reference = randomSet(1500, dim, 3);
        const far = randomSet(200, dim, 4);
        // near-duplicates: training vectors moved by 1e-4 … 1e-2
        const u = rng(5);
        const near = vectorSet(Float64Array.from({ length: 100 * dim }, (_, k) => reference.data[(7 * Math.floor(k / dim)) * dim + (k % dim)]! + 10 ** (-4 + 2 * u()) * (u() - 0.5)), dim);
        for (const queries of [far, near]) {
            const exact = minimumDistances(queries, reference);
            const gpu = await gpuMinimumDistances(ctx, queries, reference, { tile: 256 });
            for (let i = 0; i < queries.count; i++) {
                expect(Math.abs(gpu.distance[i]! - exact.distance[i]!) / exact.distance[i]!).toBeLessThan(1e-5);
                const [first, second] = twoBest(queries, reference, i);
                if (second - first > 1e-5 * first) expect(gpu.nearest[i]).toBe(exact.nearest[i]);
            }
        }
    });

    it('leave-one-out, tiles and query chunks: the same bits whatever the split; repeat runs identical', async () => {
        const set = randomSet(700, 16, 9);
        const exact = minimumDistances(set, set, { leaveOneOut: true });
        const whole = await gpuMinimumDistances(ctx, set, set, { leaveOneOut: true, tile: 4096 });
        for (let i = 0; i < set.count; i++) {
            expect(whole.nearest[i]).not.toBe(i);
            expect(Math.abs(whole.distance[i]! - exact.distance[i]!) / exact.distance[i]!).toBeLessThan(1e-5);
        }
        for (const [tile, queryChunk] of [[1, 700], [97, 64], [700, 1], [256, 333]] as const) {
            const split = await gpuMinimumDistances(ctx, set, set, { leaveOneOut: true, tile, queryChunk });
            expect(Array.from(split.distance)).toEqual(Array.from(whole.distance));
            expect(Array.from(split.nearest)).toEqual(Array.from(whole.nearest));
        }
        const again = await gpuMinimumDistances(ctx, set, set, { leaveOneOut: true, tile: 4096 });
        expect(Array.from(again.distance)).toEqual(Array.from(whole.distance));
    });

    it('empty sets: +∞ and −1, as the reference', async () => {
        const empty = vectorSet(new Float64Array(0), 5);
        const one = randomSet(3, 5, 1);
        const r = await gpuMinimumDistances(ctx, one, empty);
        expect(Array.from(r.distance)).toEqual([Infinity, Infinity, Infinity]);
        expect(Array.from(r.nearest)).toEqual([-1, -1, -1]);
        expect((await gpuMinimumDistances(ctx, empty, one)).distance.length).toBe(0);
    });
});
