// Two network constitutive models fitted to stress–strain data (float64, CPU).
//
// energy: a strain-energy density on the invariants of C = I + 2E (isotropy by construction),
//   x = ((I1 − 3)/s, (I2 − 3)/s, (I3 − 1)/s),  I1 = tr C, I2 = ½(I1² − tr C²), I3 = det C,
//   W(E) = σ s [N(x) − N(0) − p x₃],   p = ∂N/∂x₁(0) + 2 ∂N/∂x₂(0) + ∂N/∂x₃(0)       (GPa)
//   S = ∂W/∂E = σ Σ_k [∂N/∂x_k(x) − δ_k3 p] ∂I_k/∂E,   ∂I1/∂E = 2I, ∂I2/∂E = 2(I1 I − C), ∂I3/∂E = 2 cof C.
//   At E = 0 every ∂I_k/∂E is isotropic (2I, 4I, 2I), so S(0) = 2σ (g₁ + 2g₂ + g₃ − p) I = 0 and W(0) = 0
//   exactly whatever the weights: no stress-free penalty is needed in the loss. Only this one
//   combination is removed (a pressure-like term linear in I3): the other first derivatives at E = 0
//   carry the shear modulus (e.g. Neo-Hookean μ/2 (I1 − 3) is linear in I1).
//   The tangent ∂S/∂E = ∂²W/∂E² is a Hessian: symmetric by construction.
// direct: six networks, one per Voigt stress component, on the engineering strain e_v/s:
//   S_I = σ [N_I(e/s) − N_I(0)]; nothing ties ∂S_I/∂e_J to ∂S_J/∂e_I.
// s (input scale) and σ (stress scale, GPa) are fixed from the training data before fitting.
//
// Loss: L = (1/n) Σ_samples Σ_I (S_I − S*_I)² / σ² over the six Voigt stress components. For the energy
// model the stress is a directional derivative of N along u = ∂x/∂E:dL/dS, so its weight gradient is
// accumulateNetworkGradient(net, x, u, 0, 1) (the force-loss machinery of the atomic trainer) — once at x
// and once at x = 0 with the tangent −Σ u₃ (1, 2, 1) for the subtracted p. Adam (Kingma & Ba), cosine learning-rate decay.
import { accumulateNetworkGradient } from '../train/network-gradient.js';
import { activate, runNetwork, isActivation, type Activation, type PreparedNetwork } from '../reference/network.js';
import { permutation, uniforms } from '../math/random.js';
import { cofactor, det, matmul, rightCauchyGreen, strainToVoigt, toVoigt, type Mat3 } from './tensor.js';
import type { StrainState } from './neo-hookean.js';

export type ConstitutiveKind = 'energy' | 'direct';

export interface ConstitutiveArchitecture {
    readonly kind: ConstitutiveKind;
    readonly hidden: readonly number[];
    readonly activation: string;
}

export interface ConstitutiveModel {
    readonly kind: ConstitutiveKind;
    /** Input scale s (dimensionless). */
    readonly inputScale: number;
    /** Stress scale σ (GPa). */
    readonly stressScale: number;
    /** One network (energy) or six (direct, Voigt order). */
    readonly networks: readonly PreparedNetwork[];
}

export interface ConstitutiveFile {
    readonly format: 'nnp-constitutive';
    readonly version: 1;
    readonly kind: ConstitutiveKind;
    readonly hidden: readonly number[];
    readonly activation: string;
    readonly inputScale: number;
    readonly stressScale: number;
    readonly networks: readonly { readonly layers: readonly { readonly weights: number[]; readonly biases: number[] }[] }[];
}

/** Networks whose weights and biases are views into one flat vector (for Adam). */
function buildNetworks(arch: ConstitutiveArchitecture, flat?: Float64Array): { networks: PreparedNetwork[]; params: Float64Array } {
    if (!isActivation(arch.activation)) throw new Error(`unknown activation ${arch.activation}`);
    const inputs = arch.kind === 'energy' ? 3 : 6;
    const count = arch.kind === 'energy' ? 1 : 6;
    const sizes = [...arch.hidden, 1];
    const perNet = sizes.reduce((acc, n, l) => acc + n * ((l === 0 ? inputs : sizes[l - 1]!) + 1), 0);
    const params = flat ?? new Float64Array(perNet * count);
    const networks: PreparedNetwork[] = [];
    let o = 0;
    for (let c = 0; c < count; c++) {
        const weights: Float64Array[] = [];
        const biases: Float64Array[] = [];
        sizes.forEach((n, l) => {
            const nIn = l === 0 ? inputs : sizes[l - 1]!;
            weights.push(params.subarray(o, o + n * nIn));
            o += n * nIn;
            biases.push(params.subarray(o, o + n));
            o += n;
        });
        networks.push({
            element: arch.kind === 'energy' ? 'W' : `S${c + 1}`, inputs, sizes,
            activations: sizes.map((_, l) => (l === sizes.length - 1 ? 'linear' : arch.activation) as Activation),
            normalizeNodes: false, weights, biases,
        });
    }
    return { networks, params };
}

/** Invariants of C = I + 2E and their derivatives ∂I_k/∂E (as stress-like Voigt 6-vectors). */
export function invariants(E: ArrayLike<number>): { I: [number, number, number]; dI: [Float64Array, Float64Array, Float64Array] } {
    const C = rightCauchyGreen(E);
    const I1 = C[0]! + C[4]! + C[8]!;
    const C2 = matmul(C, C);
    const I2 = 0.5 * (I1 * I1 - (C2[0]! + C2[4]! + C2[8]!));
    const I3 = det(C);
    const d1 = toVoigt(Float64Array.of(2, 0, 0, 0, 2, 0, 0, 0, 2));
    const d2 = toVoigt(Float64Array.from(C, (c, q) => 2 * ((q % 4 === 0 ? I1 : 0) - c)));
    const d3 = toVoigt(cofactor(C).map((v) => 2 * v));
    return { I: [I1, I2, I3], dI: [d1, d2, d3] };
}

function energyInput(m: { inputScale: number }, I: readonly number[]): Float64Array {
    return Float64Array.of((I[0]! - 3) / m.inputScale, (I[1]! - 3) / m.inputScale, (I[2]! - 1) / m.inputScale);
}

/** Voigt stress S_v (GPa) at Green–Lagrange strain E (3×3). */
export function modelStress(m: ConstitutiveModel, E: ArrayLike<number>): Float64Array {
    const S = new Float64Array(6);
    if (m.kind === 'energy') {
        const { I, dI } = invariants(E);
        const g = new Float64Array(3);
        const g0 = new Float64Array(3);
        const net = m.networks[0]!;
        runNetwork(net, energyInput(m, I), g);
        runNetwork(net, new Float64Array(3), g0);
        g[2]! -= g0[0]! + 2 * g0[1]! + g0[2]!;
        for (let k = 0; k < 3; k++) for (let c = 0; c < 6; c++) S[c]! += m.stressScale * g[k]! * dI[k]![c]!;
    } else {
        const e = strainToVoigt(E).map((v) => v / m.inputScale);
        const zero = new Float64Array(6);
        m.networks.forEach((net, c) => {
            S[c] = m.stressScale * (runNetwork(net, e) - runNetwork(net, zero));
        });
    }
    return S;
}

/** W (GPa) of the energy model; undefined for the direct model, which has none. */
export function modelEnergy(m: ConstitutiveModel, E: ArrayLike<number>): number | undefined {
    if (m.kind !== 'energy') return undefined;
    const { I } = invariants(E);
    const net = m.networks[0]!;
    const x = energyInput(m, I);
    const g0 = new Float64Array(3);
    const n0 = runNetwork(net, new Float64Array(3), g0);
    return m.stressScale * m.inputScale * (runNetwork(net, x) - n0 - (g0[0]! + 2 * g0[1]! + g0[2]!) * x[2]!);
}

export interface FitOptions {
    readonly epochs: number;
    readonly batch: number;
    readonly lr: number;
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
    readonly seed: number;
    readonly onEpoch?: (epoch: number, loss: number) => void;
}

export interface FitResult {
    readonly model: ConstitutiveModel;
    /** Training loss (dimensionless, stress/σ squared) per epoch. */
    readonly losses: number[];
}

/** Fits a constitutive model to strain states (training split). */
export function fitConstitutive(arch: ConstitutiveArchitecture, data: readonly StrainState[], o: FitOptions): FitResult {
    // scales from the data: s = RMS of the strain-like inputs, σ = RMS stress component
    const rms = (xs: number[]) => Math.sqrt(xs.reduce((a, v) => a + v * v, 0) / Math.max(1, xs.length)) || 1;
    const inputScale = arch.kind === 'energy'
        ? rms(data.flatMap((d) => { const { I } = invariants(d.strain); return [I[0] - 3, I[1] - 3, I[2] - 1]; }))
        : rms(data.flatMap((d) => Array.from(strainToVoigt(d.strain))));
    const stressScale = rms(data.flatMap((d) => Array.from(toVoigt(d.stress))));
    const { networks, params } = buildNetworks(arch);
    const { networks: grad, params: gradFlat } = buildNetworks(arch);
    // Xavier/Glorot uniform weights, zero biases, from the seed
    const random = uniforms(o.seed ^ 0x5bd1e995);
    for (const net of networks) {
        net.weights.forEach((W, l) => {
            const nIn = l === 0 ? net.inputs : net.sizes[l - 1]!;
            const a = Math.sqrt(6 / (nIn + net.sizes[l]!));
            for (let q = 0; q < W.length; q++) W[q] = a * (2 * random() - 1);
        });
    }
    const model: ConstitutiveModel = { kind: arch.kind, inputScale, stressScale, networks };
    const targets = data.map((d) => toVoigt(d.stress).map((v) => v / stressScale));
    const m = new Float64Array(params.length);
    const v = new Float64Array(params.length);
    const order = uniforms(o.seed ^ 0x68e31da4);
    const losses: number[] = [];
    let step = 0;
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
        const lr = 0.5 * o.lr * (1 + Math.cos((Math.PI * (epoch - 1)) / o.epochs)); // cosine decay
        const perm = permutation(data.length, order);
        let lossSum = 0;
        for (let start = 0; start < perm.length; start += o.batch) {
            const batch = perm.slice(start, start + o.batch);
            gradFlat.fill(0);
            lossSum += batchGradient(model, data, targets, batch, grad);
            step++;
            const c1 = 1 - o.beta1 ** step;
            const c2 = 1 - o.beta2 ** step;
            for (let q = 0; q < params.length; q++) {
                const g = gradFlat[q]!;
                m[q] = o.beta1 * m[q]! + (1 - o.beta1) * g;
                v[q] = o.beta2 * v[q]! + (1 - o.beta2) * g * g;
                params[q]! -= (lr * (m[q]! / c1)) / (Math.sqrt(v[q]! / c2) + o.epsilon);
            }
        }
        const loss = lossSum / data.length;
        losses.push(loss);
        o.onEpoch?.(epoch, loss);
    }
    return { model, losses };
}

/**
 * Σ over the batch of the squared stress residuals (Voigt, in units of σ) and, added to `grad`, the
 * weight gradient of their batch mean (the training loss of one step).
 */
function batchGradient(model: ConstitutiveModel, data: readonly StrainState[], targets: readonly Float64Array[], batch: readonly number[], grad: readonly PreparedNetwork[]): number {
    const { networks, stressScale, inputScale } = model;
    const zero3 = new Float64Array(3);
    const zero6 = new Float64Array(6);
    let lossSum = 0;
    const sumU = new Float64Array(3);
    const sumR = new Float64Array(6);
    for (const i of batch) {
        const S = modelStress(model, data[i]!.strain);
        const r = new Float64Array(6); // dL/dS_v in units of 1/σ (per sample, batch mean)
        for (let c = 0; c < 6; c++) {
            const res = S[c]! / stressScale - targets[i]![c]!;
            lossSum += res * res;
            r[c] = (2 * res) / batch.length;
        }
        if (model.kind === 'energy') {
            const { I, dI } = invariants(data[i]!.strain);
            const u = Float64Array.from(dI, (d) => d.reduce((a, dc, c) => a + dc * r[c]!, 0));
            accumulateNetworkGradient(networks[0]!, energyInput(model, I), u, 0, 1, grad[0]!);
            // −u₃ p: p = (1, 2, 1)·∇N(0)
            sumU[0]! -= u[2]!;
            sumU[1]! -= 2 * u[2]!;
            sumU[2]! -= u[2]!;
        } else {
            const e = strainToVoigt(data[i]!.strain).map((x) => x / inputScale);
            networks.forEach((net, c) => accumulateValueGradient(net, e, r[c]!, grad[c]!));
            for (let c = 0; c < 6; c++) sumR[c]! -= r[c]!;
        }
    }
    // the subtracted reference-state terms (at x = 0), summed over the batch: linear in the adjoints
    if (model.kind === 'energy') accumulateNetworkGradient(networks[0]!, zero3, sumU, 0, 1, grad[0]!);
    else networks.forEach((net, c) => accumulateValueGradient(net, zero6, sumR[c]!, grad[c]!));
    return lossSum;
}

/**
 * The training loss L = (1/n) Σ_samples Σ_I (S_I − S*_I)²/σ² of a model on strain states and its
 * gradient with respect to the flat parameter vector (networks in order, per layer weights then biases).
 */
export function stressLossGradient(model: ConstitutiveModel, data: readonly StrainState[]): { loss: number; gradient: Float64Array } {
    const first = model.networks[0]!;
    const { networks: grad, params } = buildNetworks({ kind: model.kind, hidden: first.sizes.slice(0, -1), activation: first.activations[0]! });
    const targets = data.map((d) => toVoigt(d.stress).map((v) => v / model.stressScale));
    const loss = batchGradient(model, data, targets, data.map((_, i) => i), grad) / data.length;
    return { loss, gradient: params };
}

/**
 * ∂/∂w [ȳ · NN(input)] added to `grad`: plain back-propagation (the direct model's loss has no
 * input derivatives, so the tangent half of accumulateNetworkGradient would be wasted work).
 */
function accumulateValueGradient(net: PreparedNetwork, input: ArrayLike<number>, ybarOut: number, grad: PreparedNetwork): void {
    const L = net.sizes.length;
    const ys: ArrayLike<number>[] = [input];
    const d1: Float64Array[] = [];
    const out = { f: 0, df: 0 };
    for (let l = 0; l < L; l++) {
        const nIn = l === 0 ? net.inputs : net.sizes[l - 1]!;
        const nOut = net.sizes[l]!;
        const W = net.weights[l]!;
        const b = net.biases[l]!;
        const y = ys[l]!;
        const yl = new Float64Array(nOut);
        const f1 = new Float64Array(nOut);
        for (let k = 0; k < nOut; k++) {
            let x = b[k]!;
            for (let j = 0; j < nIn; j++) x += W[k * nIn + j]! * y[j]!;
            activate(net.activations[l]!, x, out);
            yl[k] = out.f;
            f1[k] = out.df;
        }
        ys.push(yl);
        d1.push(f1);
    }
    let ybar: Float64Array = Float64Array.of(ybarOut);
    for (let l = L - 1; l >= 0; l--) {
        const nIn = l === 0 ? net.inputs : net.sizes[l - 1]!;
        const nOut = net.sizes[l]!;
        const W = net.weights[l]!;
        const gW = grad.weights[l]!;
        const gb = grad.biases[l]!;
        const y = ys[l]!;
        const prev = new Float64Array(nIn);
        for (let k = 0; k < nOut; k++) {
            const xbar = ybar[k]! * d1[l]![k]!;
            if (xbar === 0) continue;
            gb[k]! += xbar;
            for (let j = 0; j < nIn; j++) {
                gW[k * nIn + j]! += xbar * y[j]!;
                prev[j]! += W[k * nIn + j]! * xbar;
            }
        }
        ybar = prev;
    }
}

export function modelToFile(m: ConstitutiveModel, arch: ConstitutiveArchitecture): ConstitutiveFile {
    return {
        format: 'nnp-constitutive', version: 1, kind: m.kind, hidden: [...arch.hidden], activation: arch.activation,
        inputScale: m.inputScale, stressScale: m.stressScale,
        networks: m.networks.map((n) => ({ layers: n.weights.map((w, l) => ({ weights: Array.from(w), biases: Array.from(n.biases[l]!) })) })),
    };
}

export function modelFromFile(f: ConstitutiveFile): ConstitutiveModel {
    if (f.format !== 'nnp-constitutive') throw new Error('not an nnp-constitutive weights file');
    const { networks, params } = buildNetworks({ kind: f.kind, hidden: f.hidden, activation: f.activation });
    params.set(f.networks.flatMap((n) => n.layers.flatMap((l) => [...l.weights, ...l.biases])));
    return { kind: f.kind, inputScale: f.inputScale, stressScale: f.stressScale, networks };
}

export type { Mat3 };
