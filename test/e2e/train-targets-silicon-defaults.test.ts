// Accuracy target of the default training settings: examples/silicon with an empty train block
// reaches the same held-out targets as with the example's settings (E ≤ 2 meV/atom, F ≤ 50 meV/Å).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { expectSiliconTargets, siliconCopy, train } from '../helpers/train-targets.js';

it('silicon with the default training settings (empty train block): held-out E ≤ 2 meV/atom, F ≤ 50 meV/Å', () => {
    const dir = siliconCopy('nnp-si-defaults-');
    const spec = readFileSync(join(dir, 'model.nnp'), 'utf8').replace(/train si on si_hot \{[\s\S]*?\n\}/, 'train si on si_hot { }');
    expect(spec).toContain('train si on si_hot { }');
    writeFileSync(join(dir, 'model.nnp'), spec);
    expectSiliconTargets(train(dir, 'model.nnp', 'si'));
}, 900_000);
