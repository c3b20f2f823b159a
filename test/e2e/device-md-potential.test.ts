// Device-resident MD with an analytic potential's generated kernels (Stillinger–Weber silicon): the
// host-driven trajectory to float32 rounding, also with mid-step neighbour-list rebuilds; `nnp run`
// takes this path for potentials on WebGPU.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainIR, PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import { potentialField, runDeviceMd } from '../../runtime/src/gpu/device-md.js';
import { GpuPotentialEvaluator } from '../../runtime/src/gpu/potential-evaluator.js';
import { runMd } from '../../runtime/src/md/run-md.js';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import { nnp } from '../helpers/cli.js';
import { checkText } from '../helpers/specs.js';

let ctx: GpuContext;
let sw: PotentialIR;
const start = crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] });
const masses = new Float64Array(64).fill(28.0855);
const items = (steps: number): PlainIR[] => [
    { type: 'Ensemble', kind: 'nve' }, { type: 'Timestep', value: 2 }, { type: 'Steps', value: steps }, { type: 'Velocities', temperature: 1500 }, { type: 'Seed', value: 2 },
];
const rows = (path: string) => readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

beforeAll(async () => {
    sw = lowerSpec((await checkText('potential sw = stillinger_weber Si { }')).parseResult.value).potentials[0]!;
    ctx = await acquireGpu();
});
afterAll(async () => {
    await ctx?.destroy();
});

describe('device-resident MD with Stillinger–Weber kernels', () => {
    it('follows the host-driven trajectory, with and without mid-step list rebuilds', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-dmdp-'));
        const host = await GpuPotentialEvaluator.create(ctx, sw, buildNeighborList);
        await runMd({ items: items(60), start, masses, calculator: (s) => host.evaluate(s), log: { path: join(dir, 'host.csv'), every: 5 } });
        host.destroy();
        for (const skin of [1, 0.1]) {
            const evaluator = await GpuPotentialEvaluator.create(ctx, sw, buildNeighborList);
            const s = await runDeviceMd({
                items: items(60), start, masses, calculator: () => Promise.reject(new Error('not called')), field: potentialField(ctx, evaluator), skin,
                log: { path: join(dir, `dev-${skin}.csv`), every: 5 },
            });
            evaluator.destroy();
            if (skin < 1) expect(s.rebuilds).toBeGreaterThan(3);
            const [d, h] = [rows(join(dir, `dev-${skin}.csv`)), rows(join(dir, 'host.csv'))];
            expect(d).toHaveLength(13);
            d.forEach((row, k) => {
                expect(Math.abs(row[5]! - h[k]![5]!), `E_tot at step ${row[0]}, skin ${skin}`).toBeLessThan(2e-4);
                expect(Math.abs(row[2]! - h[k]![2]!), `T at step ${row[0]}`).toBeLessThan(0.5);
            });
        }
    }, 120_000);

    it('nnp run md with a potential on WebGPU runs device-resident and conserves energy', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-dmdp-'));
        writeFileSync(join(dir, 'md.nnp'), `potential sw = stillinger_weber Si { }
run md sw as hot {
  crystal diamond Si a 5.431 A supercell 2 2 2
  ensemble nve
  timestep 1 fs
  steps 400
  velocities 800 K
  log "out/hot.csv" every 10
}
`);
        const r = nnp(['run', 'md.nnp'], dir);
        expect(r.code, r.err).toBe(0);
        expect(r.out).toMatch(/^hot: 400 steps \(nve, device-resident\)/);
        const s = JSON.parse(readFileSync(join(dir, 'out', 'hot', 'summary.json'), 'utf8')) as { engine: string; submits: number; conservedDriftEvPerAtomPs: number };
        expect(s.engine).toBe('device');
        expect(s.submits).toBeLessThan(50);
        expect(Math.abs(s.conservedDriftEvPerAtomPs)).toBeLessThan(1e-3);
    }, 120_000);

    it('Nosé–Hoover chains on the device: the host-driven trajectory, the extended energy conserved, bit-identical resumes', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-dmdp-'));
        const nh = (steps: number): PlainIR[] => [
            { type: 'Ensemble', kind: 'nvt', thermostat: 'nose_hoover', temperature: 900, damping: 50, chain: 3 },
            { type: 'Timestep', value: 1 }, { type: 'Steps', value: steps }, { type: 'Velocities', temperature: 300 }, { type: 'Seed', value: 4 },
        ];
        const host = await GpuPotentialEvaluator.create(ctx, sw, buildNeighborList);
        const h = await runMd({ items: nh(80), start, masses, calculator: (s) => host.evaluate(s), log: { path: join(dir, 'host.csv'), every: 8 } });
        host.destroy();
        const evaluator = await GpuPotentialEvaluator.create(ctx, sw, buildNeighborList);
        const field = potentialField(ctx, evaluator);
        const run = (name: string, extra: object = {}) => runDeviceMd({
            items: nh(80), start, masses, calculator: () => Promise.reject(new Error('not called')), field,
            log: { path: join(dir, `${name}.csv`), every: 8 }, restart: { path: join(dir, `${name}.json`), every: 30 }, ...extra,
        });
        const d = await run('dev');
        expect(d.ensemble).toBe('nvt nose_hoover');
        const [dr, hr] = [rows(join(dir, 'dev.csv')), rows(join(dir, 'host.csv'))];
        dr.forEach((row, k) => {
            expect(Math.abs(row[2]! - hr[k]![2]!), `T at step ${row[0]}`).toBeLessThan(1);
            expect(Math.abs(row[6]! - hr[k]![6]!), `conserved at step ${row[0]}`).toBeLessThan(2e-3);
        });
        expect(Math.abs(d.conservedDriftEvPerAtomPs)).toBeLessThan(5e-3);
        expect(Math.abs(d.conservedDriftEvPerAtomPs - h.conservedDriftEvPerAtomPs)).toBeLessThan(2e-3);
        await expect(run('cut', { onProgress: (step: number) => {
            if (step >= 50) throw new Error('interrupted');
        } })).rejects.toThrow('interrupted');
        const resumed = await run('cut', { resume: true });
        expect(resumed.resumedFrom).toBe(30);
        expect(readFileSync(join(dir, 'cut.csv'), 'utf8')).toBe(readFileSync(join(dir, 'dev.csv'), 'utf8'));
        evaluator.destroy();
    }, 120_000);
});
