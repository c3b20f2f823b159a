// Accuracy target of training from random weights: examples/silicon (Stillinger–Weber frames,
// 300–1500 K MD + rattled crystals), trained with the example's own settings, reaches a held-out
// energy RMSE ≤ 2 meV/atom and force RMSE ≤ 50 meV/Å.
import { it } from 'vitest';
import { expectSiliconTargets, siliconCopy, train } from '../helpers/train-targets.js';

it('silicon example (Stillinger–Weber data): held-out E ≤ 2 meV/atom, F ≤ 50 meV/Å', () => {
    expectSiliconTargets(train(siliconCopy('nnp-si-'), 'model.nnp', 'si'));
}, 900_000);
