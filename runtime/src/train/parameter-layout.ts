// All trainable weights of a model as one flat vector, the layout the optimisers and the GPU
// kernels share: networks in model element order (ascending Z), and within a network, per layer,
// the weight matrix W (out × in, row-major: W[k·n_in + j] = w_kj) followed by the biases b.
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';
import type { NetworkParameters } from '../model/parameters.js';
import { isActivation, type Activation, type PreparedNetwork } from '../reference/network.js';

export interface LayerLayout {
    readonly inputs: number;
    readonly outputs: number;
    readonly activation: Activation;
    /** Offsets of W and b relative to the network's first parameter. */
    readonly w: number;
    readonly b: number;
}

export interface NetworkLayout {
    readonly element: string;
    readonly inputs: number;
    readonly normalizeNodes: boolean;
    readonly layers: readonly LayerLayout[];
    /** Offset of the network's first parameter in the flat vector, and its parameter count. */
    readonly offset: number;
    readonly count: number;
}

export interface ParameterLayout {
    readonly networks: readonly NetworkLayout[];
    readonly total: number;
    /** Largest parameter count of one network. */
    readonly maxCount: number;
    /** Largest number of inputs (symmetry functions) of one network. */
    readonly maxInputs: number;
}

export function parameterLayout(model: ModelIR): ParameterLayout {
    let offset = 0;
    const networks = model.elements.map((el) => {
        const net = model.networks.find((n) => n.element === el.symbol);
        if (!net) throw new Error(`model '${model.name}' has no network for element ${el.symbol}`);
        let inputs = net.inputs;
        let local = 0;
        const layers = net.layers.map((l) => {
            if (!isActivation(l.activation)) throw new Error(`network ${el.symbol}: unknown activation ${l.activation}`);
            const layer = { inputs, outputs: l.size, activation: l.activation, w: local, b: local + l.size * inputs };
            local += l.size * (inputs + 1);
            inputs = l.size;
            return layer;
        });
        const layout = { element: el.symbol, inputs: net.inputs, normalizeNodes: net.normalizeNodes, layers, offset, count: local };
        offset += local;
        return layout;
    });
    return {
        networks, total: offset,
        maxCount: networks.reduce((m, n) => Math.max(m, n.count), 0),
        maxInputs: networks.reduce((m, n) => Math.max(m, n.inputs), 0),
    };
}

export function flattenParameters(layout: ParameterLayout, networks: readonly NetworkParameters[]): Float64Array {
    const w = new Float64Array(layout.total);
    for (const net of layout.networks) {
        const p = networks.find((n) => n.element === net.element);
        if (!p) throw new Error(`no parameters for the network of ${net.element}`);
        net.layers.forEach((l, i) => {
            w.set(p.layers[i]!.weights, net.offset + l.w);
            w.set(p.layers[i]!.biases, net.offset + l.b);
        });
    }
    return w;
}

export function unflattenParameters(layout: ParameterLayout, w: ArrayLike<number>): NetworkParameters[] {
    const all = Float64Array.from(w as ArrayLike<number>);
    return layout.networks.map((net) => ({
        element: net.element,
        layers: net.layers.map((l) => ({
            weights: all.slice(net.offset + l.w, net.offset + l.w + l.outputs * l.inputs),
            biases: all.slice(net.offset + l.b, net.offset + l.b + l.outputs),
        })),
    }));
}

/** A PreparedNetwork (reference/network.ts) whose weights are views into the flat vector `w`. */
export function networkView(net: NetworkLayout, w: Float64Array): PreparedNetwork {
    return {
        element: net.element, inputs: net.inputs, normalizeNodes: net.normalizeNodes,
        sizes: net.layers.map((l) => l.outputs),
        activations: net.layers.map((l) => l.activation),
        weights: net.layers.map((l) => w.subarray(net.offset + l.w, net.offset + l.w + l.outputs * l.inputs)),
        biases: net.layers.map((l) => w.subarray(net.offset + l.b, net.offset + l.b + l.outputs)),
    };
}
