// Accuracy targets of training, from random weights, with the settings the specs state:
//  - n2p2's liquid-water set (20 structures, 2064 atoms, bohr/Ha) with the n2p2 water architecture:
//    validation energy RMSE ≤ 2 meV/atom and force RMSE ≤ 120 meV/Å;
//  - examples/silicon (Stillinger–Weber frames, 300–1500 K MD + rattled crystals): held-out
//    energy RMSE ≤ 2 meV/atom and force RMSE ≤ 50 meV/Å, with the example's settings and with the defaults.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { sharedData } from '../helpers/shared-data.js';


interface Report { splits: Record<string, { energyRmse: number; forceRmse: number }>; seconds: number }

function train(dir: string, spec: string, stem: string): Report {
    const r = spawnSync(process.execPath, [BIN, 'train', spec], { cwd: dir, encoding: 'utf8', timeout: 900_000 });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(readFileSync(join(dir, 'out', `${stem}.report.json`), 'utf8')) as Report;
}

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

it('silicon example (Stillinger–Weber data): held-out E ≤ 2 meV/atom, F ≤ 50 meV/Å', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-si-'));
    cpSync(join(ROOT, 'examples', 'silicon'), dir, { recursive: true, filter: (p) => !p.includes(`${join('silicon', 'out')}`) });
    const report = train(dir, 'model.nnp', 'si');
    for (const split of ['validation', 'test']) {
        expect(report.splits[split]!.energyRmse, split).toBeLessThanOrEqual(2);
        expect(report.splits[split]!.forceRmse, split).toBeLessThanOrEqual(50);
    }
}, 900_000);

it('silicon with the default training settings (empty train block): held-out E ≤ 2 meV/atom, F ≤ 50 meV/Å', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-si-defaults-'));
    cpSync(join(ROOT, 'examples', 'silicon'), dir, { recursive: true, filter: (p) => !p.includes(`${join('silicon', 'out')}`) });
    const spec = readFileSync(join(dir, 'model.nnp'), 'utf8').replace(/train si on si_hot \{[\s\S]*?\n\}/, 'train si on si_hot { }');
    expect(spec).toContain('train si on si_hot { }');
    writeFileSync(join(dir, 'model.nnp'), spec);
    const report = train(dir, 'model.nnp', 'si');
    for (const split of ['validation', 'test']) {
        expect(report.splits[split]!.energyRmse, split).toBeLessThanOrEqual(2);
        expect(report.splits[split]!.forceRmse, split).toBeLessThanOrEqual(50);
    }
}, 900_000);
