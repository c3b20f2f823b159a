// Curvature of the training loss in weight space: Hessian-vector products and the extreme
// eigenvalues of the Hessian by Lanczos. Training by full-batch gradient descent is the explicit
// Euler discretisation of the gradient flow dw/dt = −∇L(w); where the flow stops (∇L = 0) the
// Hessian H = ∇²L tells a minimum (all λ ≥ 0, up to the flat directions of an over-parameterised
// network) from a saddle (some λ < 0, which the flow leaves along the eigenvector: δw ∝ e^{|λ| t}).
//
// Everything here is float64 on the CPU (the oracle loss of reference-loss.ts over the whole
// training split: L = (w_E/S) Σ_s (ΔE_s/N_s)² + (w_F/3N) Σ_k |ΔF_k|², eV²/atom² and eV²/Å²).
import { uniforms } from '../math/random.js';
import { symmetricEigen } from '../math/symmetric-eigen.js';
import type { ParameterLayout } from './parameter-layout.js';
import { referenceLoss, type LossWeights } from './reference-loss.js';
import type { TrainingStructure } from './training-set.js';

/** L(w) and ∇L(w) of a fixed set of structures. */
export type LossAndGradient = (w: Float64Array) => { loss: number; gradient: Float64Array };

/** The full-batch training loss of `set` (every structure) and its exact weight gradient. */
export function fullBatchLoss(layout: ParameterLayout, set: readonly TrainingStructure[], weights: LossWeights, sigma: number): LossAndGradient {
    const all = set.map((_, i) => i);
    return (w) => {
        const gradient = new Float64Array(layout.total);
        const { loss } = referenceLoss(layout, w, set, all, weights, sigma, gradient);
        return { loss, gradient };
    };
}

export function norm(v: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
    return Math.sqrt(s);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return s;
}

/**
 * Hessian-vector products H v by central differences of the exact gradient,
 *   H v ≈ (∇L(w + h v̂) − ∇L(w − h v̂)) |v| / 2h,   v̂ = v/|v|,
 * with error O(h² ∂³L) from truncation and O(ε_mach |∇L| / h) from rounding; h = ε_mach^{1/3} ·
 * max(1, max|w|) ≈ 6e-6 balances the two at the weights' scale (relative error ~1e-10 of |H|).
 */
export function hessianVectorProduct(f: LossAndGradient, w: Float64Array, step?: number): (v: Float64Array) => Float64Array {
    let wMax = 0;
    for (const x of w) wMax = Math.max(wMax, Math.abs(x));
    const h = step ?? Math.cbrt(Number.EPSILON) * Math.max(1, wMax);
    const plus = new Float64Array(w.length);
    const minus = new Float64Array(w.length);
    return (v) => {
        const n = norm(v);
        const out = new Float64Array(w.length);
        if (n === 0) return out;
        for (let i = 0; i < w.length; i++) {
            plus[i] = w[i]! + (h * v[i]!) / n;
            minus[i] = w[i]! - (h * v[i]!) / n;
        }
        const gp = f(plus).gradient;
        const gm = f(minus).gradient;
        for (let i = 0; i < w.length; i++) out[i] = ((gp[i]! - gm[i]!) * n) / (2 * h);
        return out;
    };
}

export interface LanczosResult {
    /** Ritz values (eigenvalues of the k × k tridiagonal matrix), ascending. */
    readonly ritz: Float64Array;
    /** Residual bound of each Ritz value: |H y − θ y| = β_k |s_k| (0 when the Krylov space is exhausted). */
    readonly residuals: Float64Array;
    /** Lanczos steps taken (≤ the requested count and ≤ the dimension). */
    readonly steps: number;
    /** Hessian-vector products used. */
    readonly products: number;
}

/**
 * Lanczos (1950) on a symmetric operator of dimension n: the Krylov space of a seeded random unit
 * start vector q₁, H q_j = β_{j−1} q_{j−1} + α_j q_j + β_j q_{j+1}, with full reorthogonalisation
 * (each new vector orthogonalised twice against all earlier ones — Gram–Schmidt "twice is enough"),
 * so that no spurious copies of converged Ritz values appear. The extreme Ritz values of the
 * tridiagonal T_k = tridiag(β, α, β) converge first to the extreme eigenvalues λ_min, λ_max of H
 * (Kaniel–Paige); each comes with its residual bound β_k |s_{k,i}| (s the eigenvector of T_k), an
 * upper bound of its distance to an eigenvalue of H. Stops early when β_j vanishes (invariant space).
 */
export function lanczos(apply: (v: Float64Array) => Float64Array, n: number, steps: number, seed: number): LanczosResult {
    const k = Math.max(1, Math.min(steps, n));
    const random = uniforms(seed ^ 0x1a2c2b);
    const Q: Float64Array[] = [];
    const alpha: number[] = [];
    const beta: number[] = [];
    let q = Float64Array.from({ length: n }, () => 2 * random() - 1);
    const q0 = norm(q);
    for (let i = 0; i < n; i++) q[i]! /= q0;
    let products = 0;
    let lastBeta = 0;
    for (let j = 0; j < k; j++) {
        Q.push(q);
        const r = apply(q);
        products++;
        const a = dot(q, r);
        alpha.push(a);
        for (let pass = 0; pass < 2; pass++) {
            for (const p of Q) {
                const c = dot(p, r);
                for (let i = 0; i < n; i++) r[i]! -= c * p[i]!;
            }
        }
        const b = norm(r);
        lastBeta = b;
        // breakdown: the Krylov space is invariant, its Ritz values are eigenvalues of H
        const scale = Math.max(...alpha.map(Math.abs), ...beta, 1e-300);
        if (j === k - 1 || !(b > 1e-12 * scale)) {
            if (!(b > 1e-12 * scale)) lastBeta = 0;
            break;
        }
        beta.push(b);
        q = r.map((x) => x / b);
    }
    const m = alpha.length;
    const T = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
        T[i * m + i] = alpha[i]!;
        if (i + 1 < m) {
            T[i * m + i + 1] = beta[i]!;
            T[(i + 1) * m + i] = beta[i]!;
        }
    }
    const eig = symmetricEigen(T, m);
    const residuals = Float64Array.from({ length: m }, (_, i) => lastBeta * Math.abs(eig.vectors[(m - 1) * m + i]!));
    return { ritz: eig.values, residuals, steps: m, products };
}

export interface CurvatureReport {
    /** eV² per atom² (+ eV²/Å² force term): the full-batch training loss. */
    readonly loss: number;
    /** |∇L| over all weights. */
    readonly gradientNorm: number;
    readonly lambdaMin: number;
    readonly lambdaMax: number;
    readonly lambdaMinResidual: number;
    readonly lambdaMaxResidual: number;
    readonly lanczos: LanczosResult;
    readonly parameters: number;
}

/** Loss, gradient norm and the extreme Hessian eigenvalues (Lanczos with `steps` central-difference Hessian-vector products) at w. */
export function curvatureAt(f: LossAndGradient, w: Float64Array, steps: number, seed: number): CurvatureReport {
    const { loss, gradient } = f(w);
    const result = lanczos(hessianVectorProduct(f, w), w.length, steps, seed);
    const m = result.ritz.length;
    return {
        loss, gradientNorm: norm(gradient),
        lambdaMin: result.ritz[0]!, lambdaMax: result.ritz[m - 1]!,
        lambdaMinResidual: result.residuals[0]!, lambdaMaxResidual: result.residuals[m - 1]!,
        lanczos: result, parameters: w.length,
    };
}
