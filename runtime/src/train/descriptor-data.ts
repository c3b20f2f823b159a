// Symmetry functions of fixed structures and their derivatives, computed once before training
// (the structures do not move while the weights change), by the float64 reference code.
//
// For atom i with neighbours a = 1..n (displacements d_ia = r_j(a) − r_i + image, Å):
//   G_is          raw symmetry function s (dimensionless)
//   D_isa = ∂G_is/∂d_ia   (Å⁻¹, 3-vector); ∂G_is/∂r_i = −Σ_a D_isa
// so that a network's forces are F_k = −Σ_i Σ_s (∂E_i/∂G_is) ∂G_is/∂r_k (the gather in evaluate.ts).
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';
import type { ScalingStatistics } from '../model/parameters.js';
import { buildReferenceNeighbors } from '../neighbors/reference-neighbors.js';
import { emptyList, environment, prepareDescriptors, type PreparedDescriptors } from '../reference/evaluate.js';
import { evaluateFunction } from '../reference/symmetry-functions.js';
import type { Structure } from '../structure.js';

export interface AtomDescriptors {
    /** Model element index (ascending Z). */
    readonly element: number;
    /** (functions) raw G_is */
    readonly G: Float64Array;
    /** (neighbours) atom index (within the structure) of each neighbour entry a. */
    readonly neighbors: Int32Array;
    /** (functions, neighbours, 3) D_isa = ∂G_is/∂d_ia, Å⁻¹ */
    readonly D: Float64Array;
}

export interface StructureDescriptors {
    readonly atoms: readonly AtomDescriptors[];
}

/** G and ∂G/∂d of every atom of `s` (float64). */
export function structureDescriptors(pd: PreparedDescriptors, model: ModelIR, s: Structure): StructureDescriptors {
    const species = s.symbols.map((sym) => pd.elementIndex.get(sym)!);
    const zOf = model.elements.map((e) => e.z);
    const list = pd.cutoff > 0 ? buildReferenceNeighbors(s, pd.cutoff) : emptyList(s.symbols.length);
    const atoms = species.map((e, i) => {
        const fs = pd.functions[e]!;
        const env = environment(list, i, pd.elementCutoff[e]!, species, zOf);
        const n = env.count;
        const G = new Float64Array(fs.length);
        const D = new Float64Array(fs.length * n * 3);
        fs.forEach((f, k) => {
            G[k] = evaluateFunction(f, env, D.subarray(k * n * 3, (k + 1) * n * 3), 1);
        });
        return { element: e, G, neighbors: Int32Array.from(env.atom), D };
    });
    return { atoms };
}

export function computeDescriptors(model: ModelIR, structures: readonly Structure[]): StructureDescriptors[] {
    const pd = prepareDescriptors(model);
    return structures.map((s) => structureDescriptors(pd, model, s));
}

/**
 * n2p2's scaling.data statistics of the raw G over a set (the training split): per element and
 * function the minimum, maximum, mean and standard deviation σ = √(⟨G²⟩ − ⟨G⟩²) over all atoms of
 * that element. Elements without atoms in the set get min 0, max 1, mean 0, σ 1.
 */
export function scalingStatistics(model: ModelIR, data: readonly StructureDescriptors[]): ScalingStatistics[] {
    return model.elements.map((el, e) => {
        const k = model.descriptors.find((d) => d.element === el.symbol)?.functions.length ?? 0;
        const min = new Float64Array(k).fill(Infinity);
        const max = new Float64Array(k).fill(-Infinity);
        const sum = new Float64Array(k);
        const sum2 = new Float64Array(k);
        let count = 0;
        for (const s of data) {
            for (const a of s.atoms) {
                if (a.element !== e) continue;
                count++;
                for (let j = 0; j < k; j++) {
                    const g = a.G[j]!;
                    if (g < min[j]!) min[j] = g;
                    if (g > max[j]!) max[j] = g;
                    sum[j]! += g;
                    sum2[j]! += g * g;
                }
            }
        }
        if (count === 0) return { element: el.symbol, min: new Float64Array(k), max: new Float64Array(k).fill(1), mean: new Float64Array(k), sigma: new Float64Array(k).fill(1) };
        const mean = sum.map((x) => x / count);
        const sigma = sum2.map((x, j) => Math.sqrt(Math.max(0, x / count - mean[j]! * mean[j]!)));
        return { element: el.symbol, min, max, mean, sigma };
    });
}
