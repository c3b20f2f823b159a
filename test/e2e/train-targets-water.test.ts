// Accuracy target of training from random weights with the settings the spec states: n2p2's
// liquid-water set (20 structures, 2064 atoms, bohr/Ha) with the n2p2 water architecture reaches a
// validation energy RMSE ≤ 2 meV/atom and force RMSE ≤ 120 meV/Å.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { sharedData } from '../helpers/shared-data.js';
import { train } from '../helpers/train-targets.js';

it('water (n2p2 H2O RPBE-D3 set): validation E ≤ 2 meV/atom, F ≤ 120 meV/Å', () => {
    const data = sharedData('n2p2', 'structures', 'H2O_RPBE-D3.train.data');
    const dir = mkdtempSync(join(tmpdir(), 'nnp-water-'));
    writeFileSync(join(dir, 'train.nnp'), `import "${join(ROOT, 'examples', 'water', 'model.nnp')}"

dataset h2o {
  from "${data}" units bohr Ha
  split train 80% validation 20% seed 1
}

train water on h2o {
  loss energy 1 forces 1
  optimizer adam lr 1e-2
  schedule cosine
  epochs 500
  batch 2
  seed 1
}
`);
    const report = train(dir, 'train.nnp', 'water');
    const v = report.splits['validation']!;
    expect(v.energyRmse).toBeLessThanOrEqual(2);
    expect(v.forceRmse).toBeLessThanOrEqual(120);
}, 900_000);
