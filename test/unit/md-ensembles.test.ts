// NPT (stochastic velocity + cell rescaling), two-dimensional MD, and restart files: an interrupted
// run resumed from its restart file ends bit-identical to an uninterrupted one.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlainIR } from '../../compiler/src/ir/model-ir.js';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { runMd, type MdOptions } from '../../runtime/src/md/run-md.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import type { Structure } from '../../runtime/src/structure.js';
import { checkText } from '../helpers/specs.js';

const lj = lowerSpec((await checkText('potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.40 A cutoff 8.0 A shift }')).parseResult.value).potentials[0]!;
const calculator = async (s: Structure) => evaluatePotential(lj, s);
const mass = (n: number) => new Float64Array(n).fill(39.948);
const BAR = 1 / 1.602176634e6; // eV/Å³

describe('npt csvr', () => {
    it('holds solid argon at the target pressure and temperature; more pressure, less volume', async () => {
        const start = crystal('fcc', 'Ar', 5.3, { supercell: [3, 3, 3] });
        const run = (bar: number) => runMd({
            items: [
                { type: 'Ensemble', kind: 'npt', barostat: 'csvr', temperature: 40, pressure: bar * BAR, damping: 100, barostatDamping: 500 },
                { type: 'Timestep', value: 5 }, { type: 'Steps', value: 2400 }, { type: 'Velocities', temperature: 40 }, { type: 'Seed', value: 4 },
            ],
            start, masses: mass(108), calculator,
        });
        const low = await run(0);
        const high = await run(5000);
        console.log(`LJ Ar 108 atoms, 40 K: P0 0 bar → ⟨P⟩ ${low.meanPressureBar!.toFixed(0)} bar, ⟨V⟩ ${low.meanVolumeA3!.toFixed(1)} Å³; P0 5000 bar → ⟨P⟩ ${high.meanPressureBar!.toFixed(0)} bar, ⟨V⟩ ${high.meanVolumeA3!.toFixed(1)} Å³`);
        expect(low.ensemble).toBe('npt csvr');
        // the statistical error of a 6 ps average of 108 atoms is about ±100 bar (longer runs: |⟨P⟩ − P₀| < 90 bar for 4 seeds)
        expect(Math.abs(low.meanPressureBar!)).toBeLessThan(250);
        expect(Math.abs(high.meanPressureBar! - 5000)).toBeLessThan(250);
        for (const r of [low, high]) expect(Math.abs(r.meanTemperatureK - 40) / 40).toBeLessThan(0.05);
        expect(high.meanVolumeA3!).toBeLessThan(0.97 * low.meanVolumeA3!);
    }, 60_000);
});

describe('dimension 2', () => {
    it('keeps every atom in its plane and thermalises the 2N in-plane degrees of freedom', async () => {
        // a triangular argon monolayer, far from its periodic images along z
        const a = 3.8;
        const positions: number[] = [];
        for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) positions.push(a * (i + j / 2), a * j * (Math.sqrt(3) / 2), 5);
        const start: Structure = { symbols: Array(36).fill('Ar'), positions: Float64Array.from(positions), cell: Float64Array.from([6 * a, 0, 0, 3 * a, 6 * a * (Math.sqrt(3) / 2), 0, 0, 0, 20]), pbc: [true, true, true], info: {} };
        const frames: Float64Array[] = [];
        const s = await runMd({
            items: [
                { type: 'Ensemble', kind: 'nvt', thermostat: 'langevin', temperature: 30, damping: 100 },
                { type: 'Timestep', value: 5 }, { type: 'Steps', value: 2000 }, { type: 'Velocities', temperature: 30 }, { type: 'Dimension', value: 2 }, { type: 'Seed', value: 2 },
            ],
            start, masses: mass(36), calculator: async (x) => {
                frames.push(x.positions);
                return calculator(x);
            },
        });
        expect(s.dimensions).toBe(2);
        expect(Math.abs(s.meanTemperatureK - 30) / 30).toBeLessThan(0.03);
        for (const f of frames) for (let i = 0; i < 36; i++) expect(f[3 * i + 2]).toBe(5);
        expect(Math.max(...frames.at(-1)!.map((x, k) => (k % 3 === 2 ? 0 : Math.abs(x - start.positions[k]!))))).toBeGreaterThan(0.05);
    }, 60_000);
});

describe('restart files', () => {
    for (const ensemble of [
        { type: 'Ensemble', kind: 'nvt', thermostat: 'langevin', temperature: 60, damping: 200 },
        { type: 'Ensemble', kind: 'nvt', thermostat: 'nose_hoover', temperature: 60, damping: 200, chain: 3 },
        { type: 'Ensemble', kind: 'npt', barostat: 'csvr', temperature: 60, pressure: 100 * BAR, damping: 100 },
    ] as PlainIR[]) {
        it(`an interrupted ${String(ensemble['kind'])} ${String(ensemble['thermostat'] ?? ensemble['barostat'])} run resumed from its restart file ends bit-identical`, async () => {
            const dir = mkdtempSync(join(tmpdir(), 'nnp-restart-'));
            const options = (name: string): MdOptions => ({
                items: [ensemble, { type: 'Timestep', value: 5 }, { type: 'Steps', value: 90 }, { type: 'Velocities', temperature: 60 }, { type: 'Seed', value: 9 }],
                start: crystal('fcc', 'Ar', 5.3, { supercell: [2, 2, 2] }), masses: mass(32), calculator,
                log: { path: join(dir, `${name}.csv`), every: 7 },
                trajectory: { path: join(dir, `${name}.extxyz`), every: 11 },
                restart: { path: join(dir, `${name}.restart.json`), every: 25 },
            });
            const whole = await runMd(options('whole'));
            await expect(runMd({ ...options('cut'), onProgress: (step) => {
                if (step === 63) throw new Error('interrupted');
            } })).rejects.toThrow('interrupted');
            const resumed = await runMd({ ...options('cut'), resume: true });
            expect(resumed.resumedFrom).toBe(50);
            for (const ext of ['csv', 'extxyz']) expect(readFileSync(join(dir, `cut.${ext}`), 'utf8')).toBe(readFileSync(join(dir, `whole.${ext}`), 'utf8'));
            const { stepsPerSecond: _a, resumedFrom: _b, ...rest } = resumed;
            const { stepsPerSecond: _c, ...expected } = whole;
            expect(rest).toEqual(expected);
        });
    }

    it('refuses a restart file of another run, and a resume without one', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-restart-'));
        const base: MdOptions = {
            items: [{ type: 'Ensemble', kind: 'nve' }, { type: 'Timestep', value: 5 }, { type: 'Steps', value: 10 }],
            start: crystal('fcc', 'Ar', 5.3), masses: mass(4), calculator, restart: { path: join(dir, 'r.json'), every: 5 },
        };
        await expect(runMd({ ...base, resume: true })).rejects.toThrow(/no restart file at .*r\.json to resume from/);
        await runMd(base);
        await expect(runMd({ ...base, items: [...base.items, { type: 'Seed', value: 2 }], resume: true })).rejects.toThrow(/belongs to a different run/);
    });
});
