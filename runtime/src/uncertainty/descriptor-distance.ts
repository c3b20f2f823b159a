// Distances in descriptor space: how far an atom's (scaled) symmetry-function vector x lies from the
// vectors t_1..t_n of the training set (same element). Float64, on the CPU: the reference for any
// faster implementation. Vectors are rows of a row-major (count, dim) array; dimensionless.
//
//   minimum      d_min(x) = min_j ‖x − t_j‖₂                     (exact nearest neighbour)
//                leave-one-out for a training vector t_i: min_{j≠i} ‖t_i − t_j‖₂
//   mahalanobis  d_M(x) = √((x − μ)ᵀ Σ⁻¹ (x − μ)),  μ the mean, Σ a shrinkage covariance:
//                Σ = (1 − δ) S + δ ν I,  S = (1/n) Σ_j (t_j − μ)(t_j − μ)ᵀ,  ν = tr S / p
//                with δ by Ledoit & Wolf (J. Multivariate Anal. 88, 365 (2004)), Lemma 3.3/Theorem 3.4:
//                  d² = ‖S − ν I‖²_F,  b̄² = (1/n²) Σ_j ‖y_j y_jᵀ − S‖²_F (y_j = t_j − μ),
//                  b² = min(b̄², d²),  δ = b² / d²
//                (δ = 1 when S = 0; a fixed δ may be given instead). Solved through the Cholesky factor L (Σ = L Lᵀ):
//                d_M = ‖L⁻¹ (x − μ)‖₂.
//
// The minimum distance goes over the reference set in tiles of `tile` vectors: every query passes
// over one tile (kept hot in cache) before the next is touched, so the working set is bounded by the
// tile whatever the size of the set. A candidate whose partial sum of squares already reaches the
// best one so far is abandoned (sums of squares only grow), which changes nothing in the result: the
// winning distance is always summed in full and in the same order, so tiled and untiled give
// bit-identical distances and nearest indices (the first index reaching the minimum).
import { cholesky } from '../math/linear-solve.js';

export interface VectorSet {
    /** (count, dim) row-major. */
    readonly data: Float64Array;
    readonly count: number;
    readonly dim: number;
}

export function vectorSet(data: Float64Array, dim: number): VectorSet {
    if (dim < 0 || (dim === 0 ? data.length !== 0 : data.length % dim !== 0)) throw new RangeError(`${data.length} values do not make vectors of ${dim}`);
    return { data, count: dim === 0 ? 0 : data.length / dim, dim };
}

export interface NearestResult {
    /** (queries) ‖x − t_nearest‖₂; +∞ when the reference set has no (other) vector. */
    readonly distance: Float64Array;
    /** (queries) index of the nearest reference vector (the first one at the minimum); −1 when none. */
    readonly nearest: Int32Array;
}

export interface NearestOptions {
    /** Reference vectors per tile (default 512). */
    readonly tile?: number;
    /** Leave-one-out: the queries are the reference set, and query i skips reference vector i. */
    readonly leaveOneOut?: boolean;
}

export const DEFAULT_TILE = 512;

/** Exact minimum Euclidean distance of every query to the reference set (see the header). */
export function minimumDistances(queries: VectorSet, reference: VectorSet, options: NearestOptions = {}): NearestResult {
    const p = queries.dim;
    if (reference.dim !== p && reference.count > 0) throw new RangeError(`queries have ${p} components, reference vectors ${reference.dim}`);
    const tile = Math.max(1, Math.floor(options.tile ?? DEFAULT_TILE));
    const loo = options.leaveOneOut === true;
    if (loo && queries.count !== reference.count) throw new RangeError('leave-one-out needs the queries to be the reference set');
    const m = queries.count;
    const n = reference.count;
    const best = new Float64Array(m).fill(Infinity);
    const nearest = new Int32Array(m).fill(-1);
    const q = queries.data;
    const r = reference.data;
    for (let t0 = 0; t0 < n; t0 += tile) {
        const t1 = Math.min(n, t0 + tile);
        for (let i = 0; i < m; i++) {
            const qi = i * p;
            let b = best[i]!;
            let bj = nearest[i]!;
            for (let j = t0; j < t1; j++) {
                if (loo && j === i) continue;
                const rj = j * p;
                let s = 0;
                let k = 0;
                for (; k < p; k++) {
                    const d = q[qi + k]! - r[rj + k]!;
                    s += d * d;
                    if (s >= b) break;
                }
                if (k === p && s < b) {
                    b = s;
                    bj = j;
                }
            }
            best[i] = b;
            nearest[i] = bj;
        }
    }
    return { distance: best.map(Math.sqrt), nearest };
}

export interface ShrinkageCovariance {
    readonly dim: number;
    /** (dim) μ */
    readonly mean: Float64Array;
    /** (dim, dim) Σ = (1 − δ) S + δ ν I (+ ridge ν I when needed), row-major. */
    readonly covariance: Float64Array;
    /** δ ∈ [0, 1]. */
    readonly shrinkage: number;
    /** ν = tr S / p (1 when S = 0). */
    readonly target: number;
    /** Extra ridge (in units of ν) that was needed to make Σ positive definite; 0 normally. */
    readonly ridge: number;
    /** (dim, dim) lower-triangular Cholesky factor L of Σ, row-major. */
    readonly factor: Float64Array;
}

export interface ShrinkageOptions {
    /** A fixed δ ∈ [0, 1] instead of Ledoit–Wolf's. */
    readonly shrinkage?: number;
}

/** Mean and shrinkage covariance of a set of vectors (see the header), with its Cholesky factor. */
export function shrinkageCovariance(v: VectorSet, options: ShrinkageOptions = {}): ShrinkageCovariance {
    const { count: n, dim: p, data } = v;
    const mean = new Float64Array(p);
    for (let j = 0; j < n; j++) for (let k = 0; k < p; k++) mean[k]! += data[j * p + k]!;
    if (n > 0) for (let k = 0; k < p; k++) mean[k]! /= n;
    const S = new Float64Array(p * p);
    const y = new Float64Array(p);
    let fourth = 0; // Σ_j ‖y_j‖⁴
    for (let j = 0; j < n; j++) {
        let norm2 = 0;
        for (let k = 0; k < p; k++) {
            y[k] = data[j * p + k]! - mean[k]!;
            norm2 += y[k]! * y[k]!;
        }
        fourth += norm2 * norm2;
        for (let a = 0; a < p; a++) {
            const ya = y[a]!;
            if (ya === 0) continue;
            for (let b = 0; b <= a; b++) S[a * p + b]! += ya * y[b]!;
        }
    }
    for (let a = 0; a < p; a++) {
        for (let b = 0; b <= a; b++) {
            const s = n > 0 ? S[a * p + b]! / n : 0;
            S[a * p + b] = s;
            S[b * p + a] = s;
        }
    }
    let trace = 0;
    for (let k = 0; k < p; k++) trace += S[k * p + k]!;
    const nu = p > 0 && trace > 0 ? trace / p : 1;
    let delta: number;
    if (options.shrinkage !== undefined) {
        if (!(options.shrinkage >= 0 && options.shrinkage <= 1)) throw new RangeError(`shrinkage must lie in [0, 1], got ${options.shrinkage}`);
        delta = options.shrinkage;
    } else {
        // d² = ‖S − νI‖²_F; Σ_j ‖y_j y_jᵀ − S‖²_F = Σ_j ‖y_j‖⁴ − n ‖S‖²_F (since Σ_j y_jᵀ S y_j = n ‖S‖²_F)
        let frob2 = 0;
        let d2 = 0;
        for (let a = 0; a < p; a++) {
            for (let b = 0; b < p; b++) {
                const s = S[a * p + b]!;
                frob2 += s * s;
                const e = s - (a === b ? nu : 0);
                d2 += e * e;
            }
        }
        const bbar2 = n > 0 ? Math.max(0, fourth - n * frob2) / (n * n) : 0;
        // no spread at all (S = 0): nothing to go on but the identity
        delta = trace > 0 && d2 > 0 ? Math.min(bbar2, d2) / d2 : 1;
    }
    const covariance = new Float64Array(p * p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) covariance[a * p + b] = (1 - delta) * S[a * p + b]! + (a === b ? delta * nu : 0);
    // δ = 0 with a singular S (fewer vectors than components, functions without spread): the
    // smallest ridge ν·10⁻¹²…ν that makes Σ positive definite
    let ridge = 0;
    let factor = cholesky(covariance, p);
    for (let r = 1e-12; !factor; r *= 100) {
        if (r > 1) throw new Error('the covariance of the training descriptors is not positive definite');
        const ridged = Float64Array.from(covariance);
        for (let k = 0; k < p; k++) ridged[k * p + k]! += r * nu;
        factor = cholesky(ridged, p);
        if (factor) {
            covariance.set(ridged);
            ridge = r;
        }
    }
    return { dim: p, mean, covariance, shrinkage: delta, target: nu, ridge, factor };
}


/** d_M of every query: ‖L⁻¹(x − μ)‖₂ by forward substitution. */
export function mahalanobisDistances(queries: VectorSet, c: ShrinkageCovariance): Float64Array {
    const p = c.dim;
    if (queries.dim !== p && queries.count > 0) throw new RangeError(`queries have ${queries.dim} components, the covariance ${p}`);
    const out = new Float64Array(queries.count);
    const z = new Float64Array(p);
    const L = c.factor;
    for (let i = 0; i < queries.count; i++) {
        let sum = 0;
        for (let a = 0; a < p; a++) {
            let s = queries.data[i * p + a]! - c.mean[a]!;
            for (let k = 0; k < a; k++) s -= L[a * p + k]! * z[k]!;
            z[a] = s / L[a * p + a]!;
            sum += z[a]! * z[a]!;
        }
        out[i] = Math.sqrt(sum);
    }
    return out;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) of the values by linear interpolation between order statistics
 * (the "linear" definition of Hyndman & Fan, type 7: rank h = (n − 1) p/100). NaN for no values.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`a percentile lies in [0, 100], got ${p}`);
    const xs = Float64Array.from(values).sort();
    const n = xs.length;
    if (n === 0) return Number.NaN;
    const h = ((n - 1) * p) / 100;
    const lo = Math.floor(h);
    if (lo >= n - 1) return xs[n - 1]!;
    const f = h - lo;
    return f === 0 ? xs[lo]! : xs[lo]! + f * (xs[lo + 1]! - xs[lo]!);
}
