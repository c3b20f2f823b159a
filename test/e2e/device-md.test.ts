// Device-resident MD (gpu/device-md.ts) with the imported n2p2 water potential: the same trajectory as
// the host-driven loop to float32 rounding, neighbour lists rebuilt on the device when the skin is left
// and candidates rebuilt mid-step when their margin is (no step with a stale list), bit-identical repeats and resumes from restart files, Langevin
// temperature control, and few submits (one per stretch of steps).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelIR, PlainIR } from '../../compiler/src/ir/model-ir.js';
import { loadSpecIr, modelParameters } from '../../compiler/src/cli/load-model.js';
import { BOHR_A, HARTREE_EV } from '../../language/src/units.js';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import { modelField, runDeviceMd, type DeviceMdOptions } from '../../runtime/src/gpu/device-md.js';
import { GpuEvaluator } from '../../runtime/src/gpu/hdnnp-evaluator.js';
import { readStructures } from '../../runtime/src/io/read-structures.js';
import { runMd } from '../../runtime/src/md/run-md.js';
import type { ModelParameters } from '../../runtime/src/model/parameters.js';
import { SkinNeighborList } from '../../runtime/src/neighbors/skin-list.js';
import { supercell } from '../../runtime/src/structures/supercell.js';
import type { Structure } from '../../runtime/src/structure.js';
import { nnp } from '../helpers/cli.js';
import { sharedData } from '../helpers/shared-data.js';

let ctx: GpuContext;
let model: ModelIR;
let params: ModelParameters;
let evaluator: GpuEvaluator;
let start: Structure;
let masses: Float64Array;

beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-dmd-'));
    expect(nnp(['import', 'n2p2', sharedData('n2p2', 'potentials', 'H2O_RPBE-D3'), '-o', 'h2o.nnp', '--length-unit', 'bohr', '--energy-unit', 'Ha'], dir).code).toBe(0);
    const ir = await loadSpecIr(join(dir, 'h2o.nnp'), () => {}, 'test');
    model = ir.models[0]!;
    params = modelParameters(ir, model, dir, 'test');
    const box = readStructures(sharedData('n2p2', 'structures', 'H2O_48.data'), { units: { length: BOHR_A, energy: HARTREE_EV } })[0]!;
    start = supercell({ ...box, energy: undefined, forces: undefined, charges: undefined }, [2, 2, 1]);
    masses = Float64Array.from(start.symbols, (s) => model.elements.find((e) => e.symbol === s)!.mass);
    ctx = await acquireGpu();
    evaluator = await GpuEvaluator.create(ctx, model, params, (s) => new SkinNeighborList(model.maxCutoff, 1).update(s));
}, 120_000);

afterAll(async () => {
    evaluator?.destroy();
    await ctx?.destroy();
});

const nve = (steps: number, extra: PlainIR[] = []): PlainIR[] => [
    { type: 'Ensemble', kind: 'nve' }, { type: 'Timestep', value: 0.5 }, { type: 'Steps', value: steps }, { type: 'Velocities', temperature: 300 }, { type: 'Seed', value: 1 }, ...extra,
];
const options = (items: PlainIR[], extra: Partial<DeviceMdOptions> = {}): DeviceMdOptions => ({
    items, start, masses, calculator: () => Promise.reject(new Error('device MD does not call the calculator')), field: modelField(ctx, evaluator, model, params), ...extra,
});
const rows = (path: string) => readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

describe('device-resident MD (water, 192 atoms)', () => {
    it('follows the host-driven trajectory to float32 rounding, in one submit per stretch of steps', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-dmd-'));
        const dev = await runDeviceMd(options(nve(40), { log: { path: join(dir, 'dev.csv'), every: 5 } }));
        const skin = new SkinNeighborList(model.maxCutoff, 1);
        const hostEvaluator = await GpuEvaluator.create(ctx, model, params, (s) => skin.update(s));
        await runMd({ items: nve(40), start, masses, calculator: (s) => hostEvaluator.evaluate(s), log: { path: join(dir, 'host.csv'), every: 5 } });
        hostEvaluator.destroy();
        const [d, h] = [rows(join(dir, 'dev.csv')), rows(join(dir, 'host.csv'))];
        expect(d).toHaveLength(9);
        d.forEach((row, k) => {
            expect(row[0]).toBe(h[k]![0]);
            expect(Math.abs(row[3]! - h[k]![3]!)).toBeLessThan(1e-3); // E_pot (eV) of −1.3e5 eV: float32 rounding
            expect(Math.abs(row[4]! - h[k]![4]!) / h[k]![4]!).toBeLessThan(1e-5); // E_kin
        });
        expect(dev.engine).toBe('device');
        expect(dev.submits).toBeLessThanOrEqual(10); // 1 start + 8 stretches of 5 steps
    }, 120_000);

    it('rebuilds the neighbour list on the device when an atom leaves the skin, and new candidates mid-step, without losing energy conservation', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-dmd-'));
        const wide = await runDeviceMd(options(nve(60), { skin: 1, log: { path: join(dir, 'wide.csv'), every: 1 } }));
        // the default: no skin, the list filtered to r_c at every step (60 steps and the start)
        const exact = await runDeviceMd(options(nve(60), { log: { path: join(dir, 'exact.csv'), every: 1 } }));
        // a 0.05 Å skin: the list must be rebuilt every few steps — by the device, from the host's
        // candidates (0.05 + 2 Å), which last the whole run
        const thin = await runDeviceMd(options(nve(60), { skin: 0.05, log: { path: join(dir, 'thin.csv'), every: 1 } }));
        // candidates only 0.1 Å wide: the host builds new ones mid-step too
        const tight = await runDeviceMd(options(nve(60), { skin: 0.05, outerSkin: 0.1, log: { path: join(dir, 'tight.csv'), every: 1 } }));
        expect([wide.rebuilds, wide.candidateBuilds]).toEqual([1, 1]);
        expect([exact.rebuilds, exact.candidateBuilds]).toEqual([61, 1]);
        expect(thin.rebuilds).toBeGreaterThan(10);
        expect(thin.candidateBuilds).toBe(1);
        expect(tight.candidateBuilds).toBeGreaterThan(5);
        expect(tight.rebuilds).toBeGreaterThanOrEqual(tight.candidateBuilds);
        const [w, t, c, x] = [rows(join(dir, 'wide.csv')), rows(join(dir, 'thin.csv')), rows(join(dir, 'tight.csv')), rows(join(dir, 'exact.csv'))];
        w.forEach((row, k) => {
            expect(Math.abs(row[5]! - t[k]![5]!)).toBeLessThan(2e-3); // E_tot: same dynamics either way
            expect(Math.abs(row[5]! - x[k]![5]!)).toBeLessThan(2e-3);
            expect(Math.abs(row[5]! - c[k]![5]!)).toBeLessThan(2e-3);
        });
        console.log(`drift over 30 fs: skin 1 Å ${wide.conservedDriftEvPerAtomPs.toExponential(2)}; no skin (${exact.rebuilds} device builds) ${exact.conservedDriftEvPerAtomPs.toExponential(2)}; skin 0.05 Å (${thin.rebuilds} device builds, ${thin.candidateBuilds} host) ${thin.conservedDriftEvPerAtomPs.toExponential(2)}; `
            + `candidates 0.1 Å (${tight.rebuilds} device builds, ${tight.candidateBuilds} host) ${tight.conservedDriftEvPerAtomPs.toExponential(2)} eV/atom/ps`);
        expect(Math.abs(thin.conservedDriftEvPerAtomPs - wide.conservedDriftEvPerAtomPs)).toBeLessThan(3e-4);
        expect(Math.abs(exact.conservedDriftEvPerAtomPs - wide.conservedDriftEvPerAtomPs)).toBeLessThan(3e-4);
        expect(Math.abs(tight.conservedDriftEvPerAtomPs - wide.conservedDriftEvPerAtomPs)).toBeLessThan(3e-4);
    }, 120_000);

    it('repeats bit-identically, and an interrupted run resumed from its restart file ends bit-identical', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-dmd-'));
        const items = nve(45);
        const files = (name: string): Partial<DeviceMdOptions> => ({
            log: { path: join(dir, `${name}.csv`), every: 3 },
            trajectory: { path: join(dir, `${name}.extxyz`), every: 9 },
            restart: { path: join(dir, `${name}.restart.json`), every: 15 },
        });
        const whole = await runDeviceMd(options(items, files('whole')));
        await runDeviceMd(options(items, files('again')));
        await expect(runDeviceMd(options(items, { ...files('cut'), onProgress: (step) => {
            if (step >= 35) throw new Error('interrupted');
        } }))).rejects.toThrow('interrupted');
        const resumed = await runDeviceMd(options(items, { ...files('cut'), resume: true }));
        expect(resumed.resumedFrom).toBe(30);
        for (const ext of ['csv', 'extxyz']) {
            expect(readFileSync(join(dir, `again.${ext}`), 'utf8')).toBe(readFileSync(join(dir, `whole.${ext}`), 'utf8'));
            expect(readFileSync(join(dir, `cut.${ext}`), 'utf8')).toBe(readFileSync(join(dir, `whole.${ext}`), 'utf8'));
        }
        expect(resumed.meanTemperatureK).toBe(whole.meanTemperatureK);
    }, 120_000);

    it('holds the Langevin target temperature', async () => {
        const s = await runDeviceMd(options([
            { type: 'Ensemble', kind: 'nvt', thermostat: 'langevin', temperature: 350, damping: 10 },
            { type: 'Timestep', value: 0.5 }, { type: 'Steps', value: 240 }, { type: 'Velocities', temperature: 350 }, { type: 'Seed', value: 5 },
        ]));
        expect(s.ensemble).toBe('nvt langevin');
        expect(Math.abs(s.meanTemperatureK - 350) / 350).toBeLessThan(0.06);
    }, 120_000);

    it('checks a guard at the end of stretches aligned to its interval, and stops where it trips', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-dmd-'));
        const seen: number[] = [];
        const s = await runDeviceMd(options(nve(40), {
            log: { path: join(dir, 'g.csv'), every: 1 },
            guard: { action: 'stop', every: 6, check: async (step, structure) => {
                seen.push(step);
                expect(structure.positions).toHaveLength(3 * 192);
                return { tripped: step >= 15, message: `step ${step}` };
            } },
        }));
        expect(seen).toEqual([0, 6, 12, 18]);
        expect(s.stoppedAt).toBe(18);
        expect(rows(join(dir, 'g.csv')).at(-1)![0]).toBe(18);
    }, 120_000);
});
