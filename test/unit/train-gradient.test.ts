// The float64 loss gradient (the oracle of the GPU kernels) against central finite differences of
// the float64 loss, for every activation, with energy-only, force-only and mixed losses.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../runtime/src/reference/network.js';
import { referenceLoss } from '../../runtime/src/train/reference-loss.js';
import { allTypesSpec, lowerModelText } from '../helpers/random-model.js';
import { finiteDifferenceGradient, relativeError, trainingProblem } from '../helpers/training.js';

describe('float64 loss gradient = finite differences', () => {
    for (const activation of ACTIVATIONS) {
        it(activation, async () => {
            const model = await lowerModelText(allTypesSpec('cosine 4.5 A inner 0.1', 'scale_center range -1 to 1', `${activation} tanh`));
            const p = trainingProblem(model, 5);
            const all = p.set.map((_, i) => i);
            for (const weights of [{ energy: 1, forces: 0 }, { energy: 0, forces: 1 }, { energy: 1, forces: 3 }]) {
                const g = new Float64Array(p.layout.total);
                referenceLoss(p.layout, p.weights, p.set, all, weights, 1.7, g);
                const fd = finiteDifferenceGradient(p, weights, 1.7);
                expect(relativeError(g, fd)).toBeLessThan(1e-6);
            }
        });
    }
});
