// Initial weights, drawn from a seed (the same seed gives the same weights on every machine).
//   xavier         W ~ U(−a, a), a = √(6/(n_in + n_out)) (Glorot & Bengio 2010), b = 0
//   nguyen_widrow  hidden layers: W ~ U(−1, 1) rows rescaled to |w_k| = β, b ~ U(−β, β),
//                  β = 0.7 n_out^{1/n_in} (Nguyen & Widrow 1990); output layer as xavier
//   zero           every weight and bias 0 except the output biases, which take the value that makes
//                  the energy loss stationary (zeroStart below): a critical point of the loss, ∇L = 0,
//                  a saddle for tanh-like networks (see zeroStart); `perturb p` adds U(−p, p) to every weight
import { solveSymmetric } from '../math/linear-solve.js';
import { uniforms } from '../math/random.js';
import type { ParameterLayout } from './parameter-layout.js';
import type { TrainingStructure } from './training-set.js';

export type InitMethod = 'xavier' | 'nguyen_widrow' | 'zero';

export function initialWeights(layout: ParameterLayout, method: InitMethod, seed: number): Float64Array {
    const random = uniforms(seed ^ 0x5bd1e995);
    const u = (a: number) => a * (2 * random() - 1);
    const w = new Float64Array(layout.total);
    for (const net of layout.networks) {
        net.layers.forEach((l, index) => {
            const W = w.subarray(net.offset + l.w, net.offset + l.w + l.outputs * l.inputs);
            const b = w.subarray(net.offset + l.b, net.offset + l.b + l.outputs);
            const hidden = index < net.layers.length - 1;
            if (method === 'nguyen_widrow' && hidden && l.inputs > 0) {
                const beta = 0.7 * l.outputs ** (1 / l.inputs);
                for (let k = 0; k < l.outputs; k++) {
                    const row = W.subarray(k * l.inputs, (k + 1) * l.inputs);
                    for (let j = 0; j < l.inputs; j++) row[j] = u(1);
                    const norm = Math.hypot(...row) || 1;
                    for (let j = 0; j < l.inputs; j++) row[j]! *= beta / norm;
                    b[k] = u(beta);
                }
            } else {
                const a = Math.sqrt(6 / (l.inputs + l.outputs));
                for (let q = 0; q < W.length; q++) W[q] = u(a);
            }
        });
    }
    return w;
}

/**
 * The `init zero` start: all weights 0, output biases b_e fitted, plus a seeded U(−p, p) perturbation.
 * With every weight 0 each atom's network gives NN_i = b_e (its element's output bias, f(0) = 0 for
 * tanh), forces vanish and L depends on the weights only through b:
 *   L_E = (w_E/S) Σ_s ((σ Σ_e n_se b_e − T_s)/N_s)²,
 * stationary where Σ_f [Σ_s n_se n_sf/N_s²] σ b_f = Σ_s n_se T_s/N_s² (normal equations, solved here).
 * Every other gradient component contains a product of weights that are 0, so ∇L = 0: a critical
 * point. With one hidden layer of tanh units (NN = b + Σ_k v_k tanh(W_k·G + c_k)) the Hessian couples
 * output weights v_k to first-layer weights W_k through the residuals (∂²L/∂v_k∂W_kj ≠ 0, the diagonal
 * blocks vanish), so its eigenvalues come in ± pairs: a strict saddle. With more hidden layers the
 * lowest coupling is of third order and the point is a degenerate critical point instead.
 */
export function zeroStart(layout: ParameterLayout, set: readonly TrainingStructure[], sigma: number, perturb: number, seed: number): Float64Array {
    const w = new Float64Array(layout.total);
    const E = layout.networks.length;
    const A = new Float64Array(E * E);
    const r = new Float64Array(E);
    for (const s of set) {
        const n = new Float64Array(E);
        for (const a of s.atoms) n[a.element]!++;
        const N2 = s.atoms.length ** 2;
        for (let e = 0; e < E; e++) {
            r[e]! += (n[e]! * s.target) / N2;
            for (let f = 0; f < E; f++) A[e * E + f]! += (sigma * n[e]! * n[f]!) / N2;
        }
    }
    // an element without atoms in the set: its bias stays 0 (tiny ridge keeps A positive definite)
    let trace = 0;
    for (let e = 0; e < E; e++) trace += A[e * E + e]!;
    for (let e = 0; e < E; e++) A[e * E + e]! += 1e-14 * (trace || 1);
    const b = set.length > 0 ? solveSymmetric(A, r, E) : new Float64Array(E);
    layout.networks.forEach((net, e) => {
        const out = net.layers[net.layers.length - 1]!;
        for (let k = 0; k < out.outputs; k++) w[net.offset + out.b + k] = b[e]!;
    });
    if (perturb > 0) {
        const random = uniforms(seed ^ 0x2e70);
        for (let q = 0; q < w.length; q++) w[q]! += perturb * (2 * random() - 1);
    }
    return w;
}
