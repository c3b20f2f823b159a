// What the accuracy-target tests share (test/e2e/train-targets-*.test.ts, one file per target so
// that the test runner can run them side by side): `nnp train` in a fresh folder, and a copy of
// examples/silicon without its outputs.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN, ROOT } from './cli.js';

export interface TrainReport { splits: Record<string, { energyRmse: number; forceRmse: number }>; seconds: number }

/** Runs `nnp train <spec>` in `dir` and returns out/<stem>.report.json. */
export function train(dir: string, spec: string, stem: string): TrainReport {
    const r = spawnSync(process.execPath, [BIN, 'train', spec], { cwd: dir, encoding: 'utf8', timeout: 900_000 });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(readFileSync(join(dir, 'out', `${stem}.report.json`), 'utf8')) as TrainReport;
}

/** A temporary copy of examples/silicon without its out/ folder. */
export function siliconCopy(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    cpSync(join(ROOT, 'examples', 'silicon'), dir, { recursive: true, filter: (p) => !p.includes(`${join('silicon', 'out')}`) });
    return dir;
}

/** The held-out targets of the silicon example: E ≤ 2 meV/atom and F ≤ 50 meV/Å on validation and test. */
export function expectSiliconTargets(report: TrainReport): void {
    for (const split of ['validation', 'test']) {
        expect(report.splits[split]!.energyRmse, split).toBeLessThanOrEqual(2);
        expect(report.splits[split]!.forceRmse, split).toBeLessThanOrEqual(50);
    }
}
