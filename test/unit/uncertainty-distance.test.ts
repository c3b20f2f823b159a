// Descriptor-space distances (runtime/src/uncertainty/descriptor-distance.ts) against direct float64
// computations written out here the textbook way: nearest neighbours by a full scan, Mahalanobis
// distances through an explicitly inverted covariance, Ledoit–Wolf's δ from its definition.
import { describe, expect, it } from 'vitest';
import { uniforms } from '../../runtime/src/math/random.js';
import {
    mahalanobisDistances, minimumDistances, percentile, shrinkageCovariance, vectorSet, type VectorSet,
} from '../../runtime/src/uncertainty/descriptor-distance.js';

function randomSet(seed: number, count: number, dim: number, scales?: number[]): VectorSet {
    const u = uniforms(seed);
    // correlated components: x = A g with g uniform in [−1, 1]
    const A = Array.from({ length: dim * dim }, (_, k) => (k % (dim + 1) === 0 ? 1 : 0.3 * (u() - 0.5)));
    const data = new Float64Array(count * dim);
    for (let i = 0; i < count; i++) {
        const g = Array.from({ length: dim }, (_, k) => (2 * u() - 1) * (scales?.[k] ?? 1));
        for (let a = 0; a < dim; a++) {
            let s = 0.1 * a;
            for (let b = 0; b < dim; b++) s += A[a * dim + b]! * g[b]!;
            data[i * dim + a] = s;
        }
    }
    return vectorSet(data, dim);
}

function row(v: VectorSet, i: number): number[] {
    return Array.from(v.data.subarray(i * v.dim, (i + 1) * v.dim));
}

function bruteNearest(q: VectorSet, r: VectorSet, loo: boolean): { d: number[]; j: number[] } {
    const d: number[] = [];
    const js: number[] = [];
    for (let i = 0; i < q.count; i++) {
        let best = Infinity;
        let bj = -1;
        for (let j = 0; j < r.count; j++) {
            if (loo && i === j) continue;
            const a = row(q, i);
            const b = row(r, j);
            const dist = Math.sqrt(a.reduce((s, x, k) => s + (x - b[k]!) ** 2, 0));
            if (dist < best) {
                best = dist;
                bj = j;
            }
        }
        d.push(best);
        js.push(bj);
    }
    return { d, j: js };
}

/** Gauss–Jordan inverse with partial pivoting. */
function invert(A: number[][]): number[][] {
    const n = A.length;
    const M = A.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
    for (let c = 0; c < n; c++) {
        let p = c;
        for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
        [M[c], M[p]] = [M[p]!, M[c]!];
        const pivot = M[c]![c]!;
        for (let k = 0; k < 2 * n; k++) M[c]![k]! /= pivot;
        for (let r = 0; r < n; r++) {
            if (r === c) continue;
            const f = M[r]![c]!;
            for (let k = 0; k < 2 * n; k++) M[r]![k]! -= f * M[c]![k]!;
        }
    }
    return M.map((r) => r.slice(n));
}

/** Ledoit–Wolf from the definitions: S, ν, d² = ‖S − νI‖², b̄² = (1/n²) Σ ‖y yᵀ − S‖². */
function ledoitWolf(v: VectorSet): { mean: number[]; S: number[][]; nu: number; delta: number } {
    const n = v.count;
    const p = v.dim;
    const mean = Array.from({ length: p }, (_, k) => Array.from({ length: n }, (_, i) => v.data[i * p + k]!).reduce((a, b) => a + b, 0) / n);
    const ys = Array.from({ length: n }, (_, i) => row(v, i).map((x, k) => x - mean[k]!));
    const S = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => ys.reduce((s, y) => s + y[a]! * y[b]!, 0) / n));
    const nu = S.reduce((s, r, k) => s + r[k]!, 0) / p;
    let d2 = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) d2 += (S[a]![b]! - (a === b ? nu : 0)) ** 2;
    let bbar2 = 0;
    for (const y of ys) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) bbar2 += (y[a]! * y[b]! - S[a]![b]!) ** 2;
    bbar2 /= n * n;
    return { mean, S, nu, delta: Math.min(bbar2, d2) / d2 };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('descriptor distances', () => {
    it('minimum distance and its nearest vector agree with a full scan (1e-12), also leave-one-out', () => {
        const train = randomSet(1, 400, 9);
        const queries = randomSet(2, 60, 9, [3, 1, 1, 1, 1, 1, 1, 1, 2]);
        const direct = bruteNearest(queries, train, false);
        const got = minimumDistances(queries, train);
        for (let i = 0; i < queries.count; i++) expect(rel(got.distance[i]!, direct.d[i]!)).toBeLessThanOrEqual(1e-12);
        expect(Array.from(got.nearest)).toEqual(direct.j);
        const loo = minimumDistances(train, train, { leaveOneOut: true });
        const directLoo = bruteNearest(train, train, true);
        for (let i = 0; i < train.count; i++) expect(rel(loo.distance[i]!, directLoo.d[i]!)).toBeLessThanOrEqual(1e-12);
        expect(Array.from(loo.nearest)).toEqual(directLoo.j);
        // without leave-one-out every training vector is its own nearest, at distance 0
        expect(Array.from(minimumDistances(train, train).distance).every((d) => d === 0)).toBe(true);
    });

    it('tiling gives bit-identical distances and nearest indices', () => {
        const train = randomSet(3, 257, 6);
        const queries = randomSet(4, 40, 6);
        const untiled = minimumDistances(queries, train, { tile: 1 << 30 });
        for (const tile of [1, 2, 7, 64, 256, 257]) {
            const t = minimumDistances(queries, train, { tile });
            expect(Array.from(t.distance)).toEqual(Array.from(untiled.distance));
            expect(Array.from(t.nearest)).toEqual(Array.from(untiled.nearest));
            const loo = minimumDistances(train, train, { tile, leaveOneOut: true });
            expect(Array.from(loo.distance)).toEqual(Array.from(minimumDistances(train, train, { leaveOneOut: true, tile: 1 << 30 }).distance));
        }
        // ties: the first index at the minimum
        const dup = vectorSet(Float64Array.from([1, 1, 0, 0, 1, 1]), 2);
        expect(Array.from(minimumDistances(vectorSet(Float64Array.from([1, 1]), 2), dup, { tile: 1 }).nearest)).toEqual([0]);
        expect(minimumDistances(vectorSet(Float64Array.from([1, 1]), 2), vectorSet(new Float64Array(0), 2)).distance[0]).toBe(Infinity);
    });

    it('Mahalanobis distances with the Ledoit–Wolf covariance agree with an explicit inverse (1e-12)', () => {
        for (const [seed, n, p] of [[5, 300, 8], [6, 40, 12], [7, 9, 12]] as const) {
            const train = randomSet(seed, n, p, Array.from({ length: p }, (_, k) => 0.2 + k));
            const c = shrinkageCovariance(train);
            const lw = ledoitWolf(train);
            expect(rel(c.shrinkage, lw.delta)).toBeLessThanOrEqual(1e-12);
            expect(rel(c.target, lw.nu)).toBeLessThanOrEqual(1e-12);
            expect(c.ridge).toBe(0);
            const sigma = lw.S.map((r, a) => r.map((s, b) => (1 - lw.delta) * s + (a === b ? lw.delta * lw.nu : 0)));
            const inv = invert(sigma);
            const queries = randomSet(seed + 100, 30, p, Array.from({ length: p }, () => 2));
            const got = mahalanobisDistances(queries, c);
            for (let i = 0; i < queries.count; i++) {
                const y = row(queries, i).map((x, k) => x - lw.mean[k]!);
                const q = y.reduce((s, ya, a) => s + ya * y.reduce((t, yb, b) => t + inv[a]![b]! * yb, 0), 0);
                expect(rel(got[i]!, Math.sqrt(q))).toBeLessThanOrEqual(1e-12);
            }
        }
    });

    it('shrinkage: δ in [0, 1], near 1 for isotropic data, small for strongly correlated data; fixed δ; singular sets', () => {
        const u = uniforms(11);
        const iso = vectorSet(Float64Array.from({ length: 5000 * 4 }, () => 2 * u() - 1), 4);
        const cIso = shrinkageCovariance(iso);
        expect(cIso.shrinkage).toBeGreaterThan(0.5);
        expect(cIso.shrinkage).toBeLessThanOrEqual(1);
        // two nearly collinear components with very different variances: S is far from νI
        const skew = new Float64Array(5000 * 4);
        for (let i = 0; i < 5000; i++) {
            const g = 2 * u() - 1;
            skew.set([10 * g, 10 * g + 0.1 * (u() - 0.5), 0.01 * (u() - 0.5), u()], 4 * i);
        }
        const cSkew = shrinkageCovariance(vectorSet(skew, 4));
        expect(cSkew.shrinkage).toBeGreaterThanOrEqual(0);
        expect(cSkew.shrinkage).toBeLessThan(0.01);
        // δ = 1: the scaled identity, d_M = ‖x − μ‖/√ν
        const one = shrinkageCovariance(iso, { shrinkage: 1 });
        const x = vectorSet(Float64Array.from([0.3, -0.2, 0.9, 0.1]), 4);
        const norm = Math.sqrt(Array.from(x.data).reduce((s, v, k) => s + (v - one.mean[k]!) ** 2, 0) / one.target);
        expect(rel(mahalanobisDistances(x, one)[0]!, norm)).toBeLessThanOrEqual(1e-14);
        expect(shrinkageCovariance(iso, { shrinkage: 0.3 }).shrinkage).toBe(0.3);
        // fewer vectors than components, and a component without spread: still positive definite
        const few = randomSet(12, 3, 10);
        const cFew = shrinkageCovariance(few);
        expect(cFew.shrinkage).toBeGreaterThan(0);
        expect(Number.isFinite(mahalanobisDistances(randomSet(13, 2, 10), cFew)[0]!)).toBe(true);
        const flat = vectorSet(Float64Array.from({ length: 50 * 3 }, (_, k) => (k % 3 === 1 ? 0.5 : u())), 3);
        const cFlat = shrinkageCovariance(flat, { shrinkage: 0 });
        expect(cFlat.ridge).toBeGreaterThan(0);
        expect(Number.isFinite(mahalanobisDistances(flat, cFlat)[0]!)).toBe(true);
        // a single vector: no spread at all, the identity
        const single = shrinkageCovariance(vectorSet(Float64Array.from([1, 2]), 2));
        expect(mahalanobisDistances(vectorSet(Float64Array.from([4, 6]), 2), single)[0]).toBeCloseTo(5, 14);
    });

    it('percentiles interpolate linearly between order statistics (Hyndman–Fan type 7)', () => {
        expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
        expect(percentile([4, 1, 3, 2], 0)).toBe(1);
        expect(percentile([4, 1, 3, 2], 100)).toBe(4);
        expect(percentile([4, 1, 3, 2], 99)).toBeCloseTo(3.97, 14);
        expect(percentile([7], 99)).toBe(7);
        expect(Number.isNaN(percentile([], 99))).toBe(true);
        // leave-one-out thresholds of points on a line: nearest other point
        const line = vectorSet(Float64Array.from([0, 1, 3, 7, 7.5]), 1);
        expect(Array.from(minimumDistances(line, line, { leaveOneOut: true }).distance)).toEqual([1, 1, 2, 0.5, 0.5]);
    });
});
