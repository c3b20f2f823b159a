// The trainable and fitted numbers of a model, next to its ModelIR (which holds the architecture).
// Saved as JSON (`*.weights.json`) by training and by `nnp import n2p2`.

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
}
