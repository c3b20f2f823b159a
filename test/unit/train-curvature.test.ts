// Curvature of the training loss (runtime/src/train/curvature.ts): Hessian-vector products by central
// differences of the float64 gradient against a dense Hessian from second differences of the loss
// alone; Lanczos with full reorthogonalisation against matrices with known spectra; and the
// `init zero` start as a critical point that is a strict saddle for one tanh hidden layer.
import { describe, expect, it } from 'vitest';
import { uniforms } from '../../runtime/src/math/random.js';
import { symmetricEigen } from '../../runtime/src/math/symmetric-eigen.js';
import { curvatureAt, fullBatchLoss, hessianVectorProduct, lanczos, norm } from '../../runtime/src/train/curvature.js';
import { zeroStart } from '../../runtime/src/train/initialise.js';
import { referenceLoss } from '../../runtime/src/train/reference-loss.js';
import { lowerModelText } from '../helpers/random-model.js';
import { trainingProblem } from '../helpers/training.js';

const tiny = (hidden: string) => `model m {
  element H
  element O
  cutoff cosine 4.0 A
  descriptors for H, O {
    radial H eta 0.5 /A^2
    radial O eta 0.3 /A^2 rshift 1.0 A
  }
  network for H, O { hidden ${hidden} activation tanh }
  scaling scale_center range -1 to 1
}`;

/** A symmetric n × n matrix Q diag(λ) Qᵀ with a seeded random orthogonal Q (eigenvectors of a random symmetric matrix). */
function withSpectrum(lambda: readonly number[], seed: number): Float64Array {
    const n = lambda.length;
    const u = uniforms(seed);
    const R = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) R[i * n + j] = R[j * n + i] = 2 * u() - 1;
    const Q = symmetricEigen(R, n).vectors;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += Q[i * n + k]! * lambda[k]! * Q[j * n + k]!;
            A[i * n + j] = s;
        }
    }
    return A;
}

const matVec = (A: Float64Array, n: number) => (v: Float64Array) => Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * v[j]!;
    return s;
});

describe('Hessian-vector products of the training loss', () => {
    it('central differences of the gradient = the dense Hessian from second differences of the loss', async () => {
        const model = await lowerModelText(tiny('3'));
        const p = trainingProblem(model, 3);
        const all = p.set.map((_, i) => i);
        const weights = { energy: 1, forces: 2 };
        const n = p.layout.total;
        const L = (w: Float64Array) => referenceLoss(p.layout, w, p.set, all, weights, 1.3).loss;
        // dense H_ij = [L(+h e_i + h e_j) − L(+h e_i − h e_j) − L(−h e_i + h e_j) + L(−h e_i − h e_j)] / 4h²
        const h = 1e-4;
        const H = new Float64Array(n * n);
        const w = Float64Array.from(p.weights);
        for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) {
                const at = (si: number, sj: number) => {
                    const x = Float64Array.from(w);
                    x[i]! += si * h;
                    x[j]! += sj * h;
                    return L(x);
                };
                H[i * n + j] = H[j * n + i] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h);
            }
        }
        const hv = hessianVectorProduct(fullBatchLoss(p.layout, p.set, weights, 1.3), p.weights);
        const u = uniforms(11);
        let scale = 0;
        for (const x of H) scale = Math.max(scale, Math.abs(x));
        for (let trial = 0; trial < 3; trial++) {
            const v = Float64Array.from({ length: n }, () => 2 * u() - 1);
            const got = hv(v);
            const want = matVec(H, n)(v);
            for (let i = 0; i < n; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(2e-5 * scale * norm(v));
        }
        // each column: H e_j
        for (let j = 0; j < n; j += 5) {
            const e = new Float64Array(n);
            e[j] = 1;
            const col = hv(e);
            for (let i = 0; i < n; i++) expect(Math.abs(col[i]! - H[i * n + j]!)).toBeLessThan(2e-5 * scale);
        }
    });
});

describe('Lanczos with full reorthogonalisation', () => {
    it('finds the extreme eigenvalues of matrices with known spectra', () => {
        const n = 80;
        const lambda = Array.from({ length: n }, (_, k) => -3 + (13 * k) / (n - 1)); // −3 … 10, evenly
        const A = withSpectrum(lambda, 5);
        const r = lanczos(matVec(A, n), n, 40, 1);
        expect(r.steps).toBe(40);
        expect(r.products).toBe(40);
        expect(r.ritz[0]).toBeCloseTo(-3, 6);
        expect(r.ritz[39]).toBeCloseTo(10, 6);
        // Ritz values interlace: all inside [λ_min, λ_max], and each residual bound covers the error
        for (const x of r.ritz) {
            expect(x).toBeGreaterThanOrEqual(-3 - 1e-9);
            expect(x).toBeLessThanOrEqual(10 + 1e-9);
        }
        expect(Math.abs(r.ritz[0]! + 3)).toBeLessThanOrEqual(r.residuals[0]! + 1e-10);
        // a full Krylov space gives the whole spectrum
        const full = lanczos(matVec(A, n), n, 200, 2);
        expect(full.steps).toBe(n);
        lambda.forEach((l, k) => expect(full.ritz[k]).toBeCloseTo(l, 8));
    });

    it('resolves a small negative eigenvalue beside a large positive spread, and stops at an invariant space', () => {
        const n = 60;
        const lambda = [-1e-3, ...Array.from({ length: n - 1 }, (_, k) => 1e-4 + 100 * (k / (n - 2)) ** 3)];
        const r = lanczos(matVec(withSpectrum(lambda, 9), n), n, n, 3);
        expect(r.ritz[0]).toBeCloseTo(-1e-3, 8);
        expect(r.ritz[n - 1]).toBeCloseTo(lambda[n - 1]!, 8);
        // 2·I ⊕ 5·I: the start vector's Krylov space has dimension 2
        const D = new Float64Array(16);
        [2, 2, 5, 5].forEach((x, i) => (D[i * 4 + i] = x));
        const small = lanczos(matVec(D, 4), 4, 4, 1);
        expect(small.steps).toBe(2);
        expect(small.ritz[0]).toBeCloseTo(2, 12);
        expect(small.ritz[1]).toBeCloseTo(5, 12);
    });

    it('is deterministic for a seed', () => {
        const n = 30;
        const A = withSpectrum(Array.from({ length: n }, (_, k) => k - 7), 4);
        expect(lanczos(matVec(A, n), n, 10, 7).ritz).toEqual(lanczos(matVec(A, n), n, 10, 7).ritz);
    });
});

describe('init zero: a critical point of the loss', () => {
    it('has ∇L = 0 and, with one tanh hidden layer, Hessian eigenvalues of both signs (a strict saddle)', async () => {
        const model = await lowerModelText(tiny('4'));
        const p = trainingProblem(model, 7, 4);
        const weights = { energy: 1, forces: 1 };
        const w = zeroStart(p.layout, p.set, 1.3, 0, 1);
        const f = fullBatchLoss(p.layout, p.set, weights, 1.3);
        const c = curvatureAt(f, w, 100, 1);
        // the gradient vanishes (to rounding) while a generic point has |∇L| of order 1
        expect(c.gradientNorm).toBeLessThan(1e-12);
        expect(norm(f(p.weights).gradient)).toBeGreaterThan(1e-2);
        // λ_min < 0 < λ_max: a saddle. The full spectrum (Lanczos over all weights): the (v, W) coupling
        // block [[0, B], [Bᵀ, 0]] gives ± pairs, so every negative eigenvalue has a positive partner
        expect(c.lanczos.steps).toBeLessThanOrEqual(p.layout.total);
        expect(c.lambdaMin).toBeLessThan(-1e-3 * c.lambdaMax);
        expect(c.lambdaMax).toBeGreaterThan(0);
        const tol = 1e-6 * c.lambdaMax;
        const negative = [...c.lanczos.ritz].filter((x) => x < -tol);
        expect(negative.length).toBeGreaterThan(0);
        for (const x of negative) expect(c.lanczos.ritz.some((y) => Math.abs(y + x) < tol)).toBe(true);
        // the biases of the output layer alone are fitted: moving them raises the loss
        const moved = Float64Array.from(w);
        for (const net of p.layout.networks) moved[net.offset + net.layers.at(-1)!.b]! += 0.01;
        expect(f(moved).loss).toBeGreaterThan(c.loss);
        // `perturb p` moves every weight by at most p
        const perturbed = zeroStart(p.layout, p.set, 1.3, 1e-3, 1);
        let dmax = 0;
        perturbed.forEach((x, i) => (dmax = Math.max(dmax, Math.abs(x - w[i]!))));
        expect(dmax).toBeLessThanOrEqual(1e-3);
        expect(dmax).toBeGreaterThan(5e-4);
    });
});
