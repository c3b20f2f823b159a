// A small training problem for gradient tests: a random model, random structures labelled with
// random energies and forces, descriptors scaled by the data's own statistics.
import type { ModelIR } from '../../compiler/src/ir/model-ir.js';
import { scalerFor } from '../../runtime/src/reference/scaling.js';
import { computeDescriptors, scalingStatistics } from '../../runtime/src/train/descriptor-data.js';
import { flattenParameters, parameterLayout, type ParameterLayout } from '../../runtime/src/train/parameter-layout.js';
import { referenceLoss } from '../../runtime/src/train/reference-loss.js';
import { prepareTrainingSet, type TrainingStructure } from '../../runtime/src/train/training-set.js';
import { randomParameters, randomStructure, rng } from './random-model.js';

export interface Problem {
    readonly model: ModelIR;
    readonly layout: ParameterLayout;
    readonly weights: Float64Array;
    readonly set: TrainingStructure[];
}

export function trainingProblem(model: ModelIR, seed: number, structures = 3): Problem {
    const random = rng(seed + 1000);
    const raw = Array.from({ length: structures }, (_, k) => {
        const s = randomStructure(seed * 31 + k, 4 + k, k % 2 === 0);
        return { ...s, energy: 3 * (random() - 0.5), forces: Float64Array.from({ length: s.positions.length }, () => 2 * (random() - 0.5)) };
    });
    const descriptors = computeDescriptors(model, raw);
    const stats = scalingStatistics(model, descriptors);
    const scalers = model.elements.map((e, i) => scalerFor(model.scaling, stats[i], stats[i]!.min.length, e.symbol));
    const labelled = raw.map((structure, k) => ({ structure, id: `random ${k}`, dataset: 'random', group: 'random' }));
    const set = prepareTrainingSet(labelled, descriptors, scalers, { sigma: 1, atomOffset: model.elements.map(() => 0) });
    const layout = parameterLayout(model);
    const weights = flattenParameters(layout, randomParameters(model, seed).networks);
    return { model, layout, weights, set };
}

/** Central differences of the float64 loss over every weight. */
export function finiteDifferenceGradient(p: Problem, weights: { energy: number; forces: number }, sigma = 1): Float64Array {
    const all = p.set.map((_, i) => i);
    const g = new Float64Array(p.layout.total);
    const w = Float64Array.from(p.weights);
    for (let q = 0; q < w.length; q++) {
        const h = 1e-5 * Math.max(1, Math.abs(w[q]!));
        const w0 = w[q]!;
        w[q] = w0 + h;
        const up = referenceLoss(p.layout, w, p.set, all, weights, sigma).loss;
        w[q] = w0 - h;
        const down = referenceLoss(p.layout, w, p.set, all, weights, sigma).loss;
        w[q] = w0;
        g[q] = (up - down) / (2 * h);
    }
    return g;
}

/** max |a − b| / max |b| */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let num = 0;
    let den = 0;
    for (let i = 0; i < b.length; i++) {
        num = Math.max(num, Math.abs(a[i]! - b[i]!));
        den = Math.max(den, Math.abs(b[i]!));
    }
    return num / den;
}

