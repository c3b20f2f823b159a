// `nnp train` as users run it: outputs, bit-identical weights for the same seed, a run killed with
// SIGKILL and resumed ends with the weights of an uninterrupted run, trained weights readable by
// `nnp eval`, exportable to n2p2, and invalid data named (or skipped and counted).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, nnp } from '../helpers/cli.js';
import { SMALL_SILICON } from '../helpers/small-silicon.js';



const SPEC = (epochs: number, extra = '') => `${SMALL_SILICON}
train si on d {
  loss energy 1 forces 1
  optimizer adam lr 5e-3
  schedule exponential factor 0.99
  epochs ${epochs}
  batch 4
  checkpoint "out/si.ckpt.json" every 5 epochs
  save "out/si.weights.json"
  seed 2
  ${extra}
}
`;

function project(epochs: number, extra = ''): string {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-train-'));
    writeFileSync(join(dir, 'si.nnp'), SPEC(epochs, extra));
    return dir;
}

describe('nnp train', () => {
    it('trains, writes weights, log, report and plots; same seed → bit-identical weights; nnp eval and export read the weights', () => {
        const a = project(40);
        const r = nnp(['train', 'si.nnp'], a);
        expect(r.code, r.err).toBe(0);
        expect(r.out).toMatch(/si validation energy RMSE [\d.]+ meV\/atom/);
        for (const f of ['si.weights.json', 'si.ckpt.json', 'si.log.jsonl', 'si.report.json', 'si.report.md', 'si.learning-curve.svg', 'si.parity-energy.svg', 'si.parity-forces.svg']) {
            expect(existsSync(join(a, 'out', f)), f).toBe(true);
        }
        const log = readFileSync(join(a, 'out', 'si.log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; train: { loss: number } });
        expect(log.map((l) => l.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(log.at(-1)!.train.loss).toBeLessThan(log[0]!.train.loss / 5);
        const report = JSON.parse(readFileSync(join(a, 'out', 'si.report.json'), 'utf8')) as { splits: Record<string, { structures: number; energyRmse: number }> };
        expect(report.splits['train']!.structures).toBe(18);
        expect(report.splits['validation']!.structures).toBe(6);
        expect(readFileSync(join(a, 'out', 'si.learning-curve.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/);

        const b = project(40);
        expect(nnp(['train', 'si.nnp'], b).code).toBe(0);
        expect(readFileSync(join(b, 'out', 'si.weights.json'), 'utf8')).toBe(readFileSync(join(a, 'out', 'si.weights.json'), 'utf8'));

        // the trained weights are found by nnp eval (the train block's `save`) and agree on both backends
        writeFileSync(join(a, 'one.xyz'), '2\nLattice="5.431 0 0 0 5.431 0 0 0 5.431" Properties=species:S:1:pos:R:3 pbc="T T T"\nSi 0 0 0\nSi 1.40 1.35 1.36\n');
        const ref = nnp(['eval', 'si.nnp', 'one.xyz', '--backend', 'reference', '--json'], a);
        expect(ref.code, ref.err).toBe(0);
        const gpu = nnp(['eval', 'si.nnp', 'one.xyz', '--json'], a);
        expect(gpu.code, gpu.err).toBe(0);
        const e = (o: string) => (JSON.parse(o) as { structures: { energy: number }[] }).structures[0]!.energy;
        expect(Math.abs(e(ref.out) - e(gpu.out))).toBeLessThan(1e-4 * Math.abs(e(ref.out)));
        const exported = nnp(['export', 'n2p2', 'si.nnp', '-o', 'n2p2'], a);
        expect(exported.code, exported.err).toBe(0);
        expect(readFileSync(join(a, 'n2p2', 'input.nn'), 'utf8')).toMatch(/^atom_energy Si -?\d/m);
    });

    it('a run killed with SIGKILL and resumed ends with exactly the weights of an uninterrupted run', async () => {
        const whole = project(120);
        expect(nnp(['train', 'si.nnp'], whole).code).toBe(0);

        const dir = project(120);
        const ckpt = join(dir, 'out', 'si.ckpt.json');
        const child = spawn(process.execPath, [BIN, 'train', 'si.nnp'], { cwd: dir, stdio: 'ignore' });
        const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
        // kill as soon as a few checkpoints exist, wherever the run is (possibly mid-write)
        for (;;) {
            if (existsSync(ckpt) && (JSON.parse(readFileSync(ckpt, 'utf8')) as { epoch: number }).epoch >= 10) break;
            await new Promise((r) => setTimeout(r, 5));
        }
        child.kill('SIGKILL');
        await exited;
        const partial = JSON.parse(readFileSync(ckpt, 'utf8')) as { epoch: number };
        expect(partial.epoch).toBeLessThan(120);
        expect(existsSync(join(dir, 'out', 'si.weights.json'))).toBe(false);

        const resumed = nnp(['train', 'si.nnp', '--resume'], dir);
        expect(resumed.code, resumed.err).toBe(0);
        expect(resumed.err).toContain(`resuming from ${ckpt} after epoch`);
        expect(readFileSync(join(dir, 'out', 'si.weights.json'), 'utf8')).toBe(readFileSync(join(whole, 'out', 'si.weights.json'), 'utf8'));
        const epochs = readFileSync(join(dir, 'out', 'si.log.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { epoch: number }).epoch);
        expect(epochs).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    });

    it('names an invalid structure, or skips it and says how many with `skip invalid`', () => {
        const dir = project(2);
        const good = 'Si 0 0 0 0.1 0 0\nSi 1.4 1.4 1.4 -0.1 0 0\n';
        const header = (e: string) => `2\nLattice="5.431 0 0 0 5.431 0 0 0 5.431" Properties=species:S:1:pos:R:3:forces:R:3 energy=${e} pbc="T T T"\n`;
        writeFileSync(join(dir, 'data.xyz'), header('-8.5') + good + header('nan') + good + header('-8.4') + good + header('-8.6') + good);
        const spec = SPEC(2).replace(/sample sw \{[\s\S]*?\n  \}\n/, 'from "data.xyz"\n');
        writeFileSync(join(dir, 'si.nnp'), spec);
        const bad = nnp(['train', 'si.nnp'], dir);
        expect(bad.code).toBe(1);
        expect(bad.err.trim().split('\n')[0]).toBe('si.nnp:4:8: error: Data file \'data.xyz\' does not parse: data.xyz:6: expected a finite number for energy, found "nan" [data-file-invalid]');
        const noForces = '2\nLattice="5.431 0 0 0 5.431 0 0 0 5.431" Properties=species:S:1:pos:R:3 energy=-8.5 pbc="T T T"\nSi 0 0 0\nSi 1.4 1.4 1.4\n';
        writeFileSync(join(dir, 'data.xyz'), header('-8.5') + good + noForces + header('-8.4') + good + header('-8.6') + good);
        const missing = nnp(['train', 'si.nnp'], dir);
        expect([missing.code, missing.err.trim()]).toEqual([1, "nnp train: data.xyz:5 (structure 2): no reference forces (the loss has a force term) (add 'skip invalid' to dataset 'd' to leave such structures out)"]);
        writeFileSync(join(dir, 'data.xyz'), header('-8.5') + good + header('nan') + good + header('-8.4') + good + header('-8.6') + good);
        writeFileSync(join(dir, 'si.nnp'), spec.replace('split train', 'skip invalid\n  split train'));
        const skipped = nnp(['train', 'si.nnp'], dir);
        expect(skipped.code, skipped.err).toBe(0);
        expect(skipped.err).toContain('; 1 invalid structures skipped');
        expect(skipped.err).toContain('skipped data.xyz:6: expected a finite number for energy, found "nan"');
    });
});
