// The model's numbers as the Network kernel reads them: one flat float32 buffer (weights, then
// scaling vectors) and its layout, plus the energy scale and offsets the host adds back. No GPU
// code here, so the compiler can lay out kernels without a device.
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';
import type { NetworkConstants } from '../../../compiler/src/kernel/hdnnp/hdnnp-kernels.js';
import { resolvedNormalization, elementOffsets, type ModelParameters } from '../model/parameters.js';

/**
 * The flat parameter buffer of a model (network weights, then per element the scaling vectors
 * a, c, d of G̃ = (G − c) a + d, n2p2's SymFnc::scale) and its layout for the Network kernel.
 */
export function networkConstants(model: ModelIR, params: ModelParameters): { consts: NetworkConstants; weights: Float32Array } {
    const { mode, min: smin, max: smax } = model.scaling;
    const layerOffsets: number[][] = [];
    const flat: number[] = [];
    for (const net of model.networks) {
        const np = params.networks.find((x) => x.element === net.element);
        if (!np) throw new Error(`no weights for the ${net.element} network of model '${model.name}'`);
        const offsets: number[] = [];
        for (const layer of np.layers) {
            offsets.push(flat.length);
            for (const w of layer.weights) flat.push(w);
            for (const x of layer.biases) flat.push(x);
        }
        layerOffsets.push(offsets);
    }
    const scalingOffsets: number[] = [];
    for (const net of model.networks) {
        const st = params.scaling.find((x) => x.element === net.element);
        const a: number[] = [];
        const c: number[] = [];
        const d: number[] = [];
        for (let s = 0; s < net.inputs; s++) {
            const gmin = st?.min[s] ?? 0;
            const mean = st?.mean[s] ?? 0;
            const range = (smax - smin) / ((st?.max[s] ?? 1) - gmin);
            const [aa, cc, dd] = {
                none: [1, 0, 0],
                scale: [range, gmin, smin],
                center: [1, mean, 0],
                scale_center: [range, mean, smin],
                sigma: [(smax - smin) / (st?.sigma[s] ?? 1), mean, smin],
            }[mode];
            a.push(finiteOrZero(aa!));
            c.push(cc!);
            d.push(dd!);
        }
        scalingOffsets.push(flat.length);
        flat.push(...a, ...c, ...d);
    }
    return {
        consts: { layerOffsets, scalingOffsets, energyScale: energyScale(model, params) },
        weights: Float32Array.from(flat.length ? flat : [0]),
    };
}

/** A function with zero range (G_max = G_min) carries no information: it is scaled to a constant. */
function finiteOrZero(x: number): number {
    return Number.isFinite(x) ? x : 0;
}

/** eV per network output unit: 1/conv_energy with normalisation, else 1. */
export function energyScale(model: ModelIR, params: ModelParameters): number {
    const n = resolvedNormalization(model, params);
    return n ? 1 / n.convEnergy : 1;
}

/** N·mean_energy + Σ atom_energy offsets, eV: the part of E that does not come from the networks. */
export function energyOffset(model: ModelIR, params: ModelParameters, symbols: readonly string[]): number {
    const n = resolvedNormalization(model, params);
    const offsets = elementOffsets(model, params);
    let sum = 0;
    for (const s of symbols) sum += (offsets.get(s) ?? 0) + (n?.meanEnergy ?? 0);
    return sum;
}

