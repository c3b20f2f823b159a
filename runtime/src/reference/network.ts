// Atomic feed-forward network (n2p2 NeuralNetwork::propagateLayer / calculateDEdG):
//
//   y⁽⁰⁾ = G̃;  x_k⁽ˡ⁾ = (b_k⁽ˡ⁾ + Σ_j w_kj⁽ˡ⁾ y_j⁽ˡ⁻¹⁾) [/ n_{l−1} with normalize_nodes];  y⁽ˡ⁾ = f_l(x⁽ˡ⁾)
//   E_i = y⁽ᴸ⁾ (one output neuron), in network units (normalised energy when normalisation is on).
//
// dE_i/dG̃ by back-propagation: δ⁽ᴸ⁾ = f_L'(x⁽ᴸ⁾); ∂E/∂y_j⁽ˡ⁻¹⁾ = Σ_k δ_k⁽ˡ⁾ w_kj⁽ˡ⁾ [/ n_{l−1}];
// δ_j⁽ˡ⁻¹⁾ = ∂E/∂y_j⁽ˡ⁻¹⁾ f'_{l−1}(x_j⁽ˡ⁻¹⁾); dE/dG̃_j = ∂E/∂y_j⁽⁰⁾.
// Weights W⁽ˡ⁾ are row-major (out, in): W[k·n_in + j] = w_kj (model/parameters.ts).
import type { NetworkIR } from '../../../compiler/src/ir/model-ir.js';
import type { NetworkParameters } from '../model/parameters.js';
import type { ValueAndDerivative } from './core-functions.js';

/** n2p2's EXP_LIMIT for the logistic and softplus clamps. */
const EXP_LIMIT = 35;

export const ACTIVATIONS = ['linear', 'tanh', 'logistic', 'softplus', 'relu', 'gaussian', 'cos', 'reverse_logistic', 'exp', 'harmonic'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export function isActivation(name: string): name is Activation {
    return (ACTIVATIONS as readonly string[]).includes(name);
}

/**
 * f(x) and f'(x), exactly as n2p2 computes them:
 *   linear x, 1 · tanh t, 1 − t² · logistic σ = 1/(1+e^{−x}), σ(1−σ) (x > 35: 1, 0; x < −35: 0, 0) ·
 *   softplus ln(1+e^x), 1/(1+e^{−x}) (x > 35: x, 1; x < −35: 0, 0) · relu max(0,x), [x>0] ·
 *   gaussian e^{−x²/2}, −x e^{−x²/2} · cos cos x, −sin x · reverse_logistic 1 − σ, σ(σ−1) ·
 *   exp e^{−x}, −e^{−x} · harmonic x², 2x
 */
export function activate(a: Activation, x: number, out: ValueAndDerivative): void {
    switch (a) {
        case 'linear':
            out.f = x;
            out.df = 1;
            return;
        case 'tanh': {
            const t = Math.tanh(x);
            out.f = t;
            out.df = 1 - t * t;
            return;
        }
        case 'logistic':
            if (x > EXP_LIMIT) {
                out.f = 1;
                out.df = 0;
            } else if (x < -EXP_LIMIT) {
                out.f = 0;
                out.df = 0;
            } else {
                const s = 1 / (1 + Math.exp(-x));
                out.f = s;
                out.df = s * (1 - s);
            }
            return;
        case 'softplus':
            if (x > EXP_LIMIT) {
                out.f = x;
                out.df = 1;
            } else if (x < -EXP_LIMIT) {
                out.f = 0;
                out.df = 0;
            } else {
                const e = Math.exp(x);
                out.f = Math.log(1 + e);
                out.df = 1 / (1 + 1 / e);
            }
            return;
        case 'relu':
            out.f = x > 0 ? x : 0;
            out.df = x > 0 ? 1 : 0;
            return;
        case 'gaussian': {
            const g = Math.exp(-0.5 * x * x);
            out.f = g;
            out.df = -x * g;
            return;
        }
        case 'cos':
            out.f = Math.cos(x);
            out.df = -Math.sin(x);
            return;
        case 'reverse_logistic': {
            const s = 1 / (1 + Math.exp(-x));
            out.f = 1 - s;
            out.df = s * (s - 1);
            return;
        }
        case 'exp': {
            const e = Math.exp(-x);
            out.f = e;
            out.df = -e;
            return;
        }
        case 'harmonic':
            out.f = x * x;
            out.df = 2 * x;
            return;
        default: {
            const never: never = a;
            throw new Error(`unknown activation ${JSON.stringify(never)}`);
        }
    }
}

export interface PreparedNetwork {
    readonly element: string;
    readonly inputs: number;
    /** Per layer: sizes and activation. */
    readonly sizes: readonly number[];
    readonly activations: readonly Activation[];
    readonly normalizeNodes: boolean;
    readonly weights: readonly Float64Array[];
    readonly biases: readonly Float64Array[];
}

export function prepareNetwork(ir: NetworkIR, p: NetworkParameters): PreparedNetwork {
    if (p.layers.length !== ir.layers.length) throw new Error(`network ${ir.element}: ${p.layers.length} parameter layers, the model has ${ir.layers.length}`);
    let inputs = ir.inputs;
    const activations: Activation[] = [];
    ir.layers.forEach((layer, l) => {
        if (!isActivation(layer.activation)) throw new Error(`network ${ir.element}, layer ${l + 1}: unknown activation ${JSON.stringify(layer.activation)}`);
        activations.push(layer.activation);
        const lp = p.layers[l]!;
        if (lp.weights.length !== layer.size * inputs || lp.biases.length !== layer.size) {
            throw new Error(`network ${ir.element}, layer ${l + 1}: expected ${layer.size}×${inputs} weights and ${layer.size} biases, got ${lp.weights.length} and ${lp.biases.length}`);
        }
        inputs = layer.size;
    });
    if (ir.layers.length === 0 || ir.layers[ir.layers.length - 1]!.size !== 1) throw new Error(`network ${ir.element}: the output layer must have one neuron`);
    return {
        element: ir.element, inputs: ir.inputs, sizes: ir.layers.map((l) => l.size), activations, normalizeNodes: ir.normalizeNodes,
        weights: p.layers.map((l) => l.weights), biases: p.layers.map((l) => l.biases),
    };
}

/**
 * E (network units) and, with `dEdInput` (length = inputs), ∂E/∂G̃ written into it; with `last`, the
 * output layer's input y⁽ᴸ⁻¹⁾ (length: the last hidden layer's size, or the inputs without hidden layers)
 * and its activation's slope f'(x⁽ᴸ⁾) at the output (last-layer Laplace features).
 */
export function runNetwork(net: PreparedNetwork, input: ArrayLike<number>, dEdInput?: Float64Array, last?: { input: Float64Array; slope: number }): number {
    const L = net.sizes.length;
    const ys: Float64Array[] = [];
    const dfs: Float64Array[] = [];
    const out: ValueAndDerivative = { f: 0, df: 0 };
    let y: ArrayLike<number> = input;
    let nIn = net.inputs;
    for (let l = 0; l < L; l++) {
        const nOut = net.sizes[l]!;
        const W = net.weights[l]!;
        const b = net.biases[l]!;
        const yl = new Float64Array(nOut);
        const dfl = new Float64Array(nOut);
        for (let k = 0; k < nOut; k++) {
            let x = 0;
            const row = k * nIn;
            for (let j = 0; j < nIn; j++) x += W[row + j]! * y[j]!;
            x += b[k]!;
            if (net.normalizeNodes) x /= nIn;
            activate(net.activations[l]!, x, out);
            yl[k] = out.f;
            dfl[k] = out.df;
        }
        if (last && l === L - 1) {
            last.input.set(y as ArrayLike<number>);
            last.slope = dfl[0]!;
        }
        ys.push(yl);
        dfs.push(dfl);
        y = yl;
        nIn = nOut;
    }
    if (dEdInput) {
        // δ = ∂E/∂x of the current layer
        let delta = Float64Array.from(dfs[L - 1]!);
        for (let l = L - 1; l >= 0; l--) {
            const nPrev = l === 0 ? net.inputs : net.sizes[l - 1]!;
            const nOut = net.sizes[l]!;
            const W = net.weights[l]!;
            const dy = new Float64Array(nPrev); // ∂E/∂y⁽ˡ⁻¹⁾
            for (let k = 0; k < nOut; k++) {
                const dk = net.normalizeNodes ? delta[k]! / nPrev : delta[k]!;
                if (dk === 0) continue;
                const row = k * nPrev;
                for (let j = 0; j < nPrev; j++) dy[j]! += dk * W[row + j]!;
            }
            if (l === 0) {
                dEdInput.set(dy);
            } else {
                const df = dfs[l - 1]!;
                for (let j = 0; j < nPrev; j++) dy[j]! *= df[j]!;
                delta = dy;
            }
        }
    }
    return ys[L - 1]![0]!;
}

/**
 * f''(x), needed by the weight gradient of a force loss (the derivative of f' along the tangent):
 *   linear 0 · tanh −2t(1 − t²) · logistic σ(1−σ)(1−2σ) · softplus σ(1−σ) · relu 0 ·
 *   gaussian (x² − 1)e^{−x²/2} · cos −cos x · reverse_logistic −σ(1−σ)(1−2σ) · exp e^{−x} · harmonic 2
 * (0 where n2p2's clamps make f constant: |x| > 35 for logistic and softplus).
 */
export function activationSecond(a: Activation, x: number): number {
    const sigma = () => 1 / (1 + Math.exp(-x));
    switch (a) {
        case 'linear': case 'relu': return 0;
        case 'tanh': { const t = Math.tanh(x); return -2 * t * (1 - t * t); }
        case 'logistic': { if (Math.abs(x) > EXP_LIMIT) return 0; const s = sigma(); return s * (1 - s) * (1 - 2 * s); }
        case 'softplus': { if (Math.abs(x) > EXP_LIMIT) return 0; const s = sigma(); return s * (1 - s); }
        case 'gaussian': return (x * x - 1) * Math.exp(-0.5 * x * x);
        case 'cos': return -Math.cos(x);
        case 'reverse_logistic': { const s = sigma(); return -s * (1 - s) * (1 - 2 * s); }
        case 'exp': return Math.exp(-x);
        case 'harmonic': return 2;
        default: { const never: never = a; throw new Error(`unknown activation ${JSON.stringify(never)}`); }
    }
}
