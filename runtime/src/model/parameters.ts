// The trainable and fitted numbers of a model, next to its ModelIR (which holds the architecture).
// Saved as JSON (`*.weights.json`) by training and by `nnp import n2p2`.
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';

/** One dense layer: y = f(W x + b), W row-major (out, in): W[k * inputs + j] = w_kj. */
export interface LayerParameters {
    readonly weights: Float64Array;
    readonly biases: Float64Array;
}

export interface NetworkParameters {
    readonly element: string;
    /** One entry per layer of the NetworkIR (hidden layers, then output). */
    readonly layers: readonly LayerParameters[];
}

/** Statistics of the raw symmetry-function values over the training set (n2p2 scaling.data). */
export interface ScalingStatistics {
    readonly element: string;
    /** Per function, in network-input order. */
    readonly min: Float64Array;
    readonly max: Float64Array;
    readonly mean: Float64Array;
    readonly sigma: Float64Array;
}

export interface ModelParameters {
    readonly model: string;
    /** In element order of the ModelIR (ascending atomic number). */
    readonly networks: readonly NetworkParameters[];
    readonly scaling: readonly ScalingStatistics[];
    /** Energy normalisation fitted on the training data when the model says `normalization auto`. */
    readonly normalization?: { readonly meanEnergy: number; readonly convEnergy: number; readonly convLength: number };
    /** Per-element energy offsets fitted by training (least squares on the training split), eV per atom,
     *  added to the spec's own `element X energy …` offsets. */
    readonly offsets?: Readonly<Record<string, number>>;
}

/** The energy normalisation in force: the spec's fixed one, the fitted one (`auto`), or none. */
export function resolvedNormalization(model: ModelIR, params: ModelParameters): ModelParameters['normalization'] {
    return model.normalization.kind === 'fixed' ? model.normalization : model.normalization.kind === 'auto' ? params.normalization : undefined;
}

/** Per-element energy offset in force, eV per atom: the spec's plus the fitted one (n2p2 atom_energy). */
export function elementOffsets(model: ModelIR, params: ModelParameters): ReadonlyMap<string, number> {
    return new Map(model.elements.map((e) => [e.symbol, e.energyOffset + (params.offsets?.[e.symbol] ?? 0)]));
}
