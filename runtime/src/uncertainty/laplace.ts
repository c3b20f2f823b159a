// Bayesian credible intervals from the last layer (a Laplace approximation): with every weight but the
// output layer's fixed at the trained values, a structure's energy is linear in the output layers'
// weights and biases θ (one block per element), E(S) ≈ E_MAP(S) + φ(S)·(θ − θ_MAP) with the features
//     φ_e(S) = ∂E/∂θ_e = s_E Σ_{i ∈ e} f'(x_i) c [y_i ; 1]
// (y_i the last hidden layer of atom i's network, x_i its output pre-activation, f' the output
// activation's slope — 1 for the usual linear output —, c = 1/n_in with normalize_nodes, s_E the
// energy unit conversion, eV). A Gaussian prior θ ~ N(θ_MAP-centred, α⁻¹I) and Gaussian energy noise of
// precision β give the posterior precision A = β ΦᵀΦ + α I over the training structures' rows φ(S),
// and the predictive variance of a structure's energy
//     σ²(S) = 1/β + φ(S)ᵀ A⁻¹ φ(S)   (eV²)
// whose second term (the epistemic part) grows as φ leaves the span of the training features: the
// interval widens away from the data. α and β maximise the evidence (MacKay's fixed point,
// γ = Σ_k βλ_k/(βλ_k + α), α = γ/|θ_MAP|², β = (N − γ)/Σ r²; λ_k eigenvalues of ΦᵀΦ, r the training
// energy residuals). Reference: MacKay, Neural Computation 4, 415 (1992); Daxberger et al., "Laplace
// Redux", NeurIPS 2021 (last-layer Laplace).
import { symmetricEigen } from '../math/symmetric-eigen.js';
import { evaluatePrepared, type PreparedModel } from '../reference/evaluate.js';
import { runNetwork } from '../reference/network.js';
import type { Structure } from '../structure.js';

export interface LaplaceFit {
    /** Prior precision (1/eV² per θ² unit) and noise precision (1/eV²). */
    readonly alpha: number;
    readonly beta: number;
    /** Effective number of well-determined parameters γ. */
    readonly effectiveParameters: number;
    readonly parameters: number;
    /** Eigen-decomposition of ΦᵀΦ: eigenvalues and eigenvectors (columns, row-major P × P). */
    readonly eigenvalues: Float64Array;
    readonly eigenvectors: Float64Array;
}

/** Where each element's output-layer parameters start in θ, and the total count. */
function layout(pm: PreparedModel): { offsets: number[]; total: number } {
    const offsets: number[] = [];
    let total = 0;
    for (const net of pm.networks) {
        offsets.push(total);
        const L = net.sizes.length;
        total += (L > 1 ? net.sizes[L - 2]! : net.inputs) + 1;
    }
    return { offsets, total };
}

/** φ(S) (eV per parameter unit) and the model's energy E_MAP(S) (eV). */
export function lastLayerFeatures(pm: PreparedModel, s: Structure): { features: Float64Array; energy: number } {
    const { offsets, total } = layout(pm);
    const phi = new Float64Array(total);
    const r = evaluatePrepared(pm, s);
    s.symbols.forEach((symbol, i) => {
        const e = pm.elementIndex.get(symbol)!;
        const net = pm.networks[e]!;
        const L = net.sizes.length;
        const width = L > 1 ? net.sizes[L - 2]! : net.inputs;
        const last = { input: new Float64Array(width), slope: 0 };
        runNetwork(net, r.Gscaled[i]!, undefined, last);
        const c = (net.normalizeNodes ? 1 / width : 1) * last.slope * pm.energyScale;
        const at = offsets[e]!;
        for (let k = 0; k < width; k++) phi[at + k]! += c * last.input[k]!;
        phi[at + width]! += c;
    });
    return { features: phi, energy: r.energy };
}

/** The output layers' weights and biases θ_MAP in the order of the features. */
function mapParameters(pm: PreparedModel): Float64Array {
    const { offsets, total } = layout(pm);
    const theta = new Float64Array(total);
    pm.networks.forEach((net, e) => {
        const L = net.sizes.length;
        const w = net.weights[L - 1]!;
        theta.set(w, offsets[e]!);
        theta[offsets[e]! + w.length] = net.biases[L - 1]![0]!;
    });
    return theta;
}

/** Fits α and β on labelled training structures (energies in eV). */
export function fitLaplace(pm: PreparedModel, training: readonly Structure[], iterations = 50): LaplaceFit {
    const P = layout(pm).total;
    const gram = new Float64Array(P * P);
    let residual2 = 0;
    for (const s of training) {
        if (s.energy === undefined) throw new Error('the Laplace fit needs training structures with energies');
        const { features, energy } = lastLayerFeatures(pm, s);
        residual2 += (energy - s.energy) ** 2;
        for (let a = 0; a < P; a++) {
            const fa = features[a]!;
            if (fa === 0) continue;
            for (let b = 0; b < P; b++) gram[a * P + b]! += fa * features[b]!;
        }
    }
    const { values, vectors } = symmetricEigen(gram, P);
    const lambda = values.map((v) => Math.max(0, v));
    const theta = mapParameters(pm);
    const theta2 = theta.reduce((a, x) => a + x * x, 0);
    const N = training.length;
    // start: noise from the residuals, prior from the weights' size
    let beta = N / Math.max(residual2, 1e-30);
    let alpha = P / Math.max(theta2, 1e-30);
    let gamma = 0;
    for (let it = 0; it < iterations; it++) {
        gamma = 0;
        for (const l of lambda) gamma += (beta * l) / (beta * l + alpha);
        alpha = Math.max(gamma, 1e-12) / Math.max(theta2, 1e-30);
        beta = Math.max(N - gamma, 1e-12) / Math.max(residual2, 1e-30);
    }
    return { alpha, beta, effectiveParameters: gamma, parameters: P, eigenvalues: Float64Array.from(lambda), eigenvectors: vectors };
}

/** The predictive standard deviation of a structure's energy (eV): total and its epistemic part. */
export function laplaceStd(fit: LaplaceFit, features: Float64Array): { std: number; epistemic: number } {
    const P = fit.parameters;
    let epistemic = 0;
    for (let k = 0; k < P; k++) {
        let q = 0;
        for (let a = 0; a < P; a++) q += fit.eigenvectors[a * P + k]! * features[a]!;
        epistemic += (q * q) / (fit.beta * fit.eigenvalues[k]! + fit.alpha);
    }
    return { std: Math.sqrt(1 / fit.beta + epistemic), epistemic: Math.sqrt(epistemic) };
}
