// n2p2 potentials through the command line: import → check → eval (reference and WebGPU) →
// export → import again; Cu2S (sigma scaling, softplus, cutoff type 6) as well as water.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, nnp } from '../helpers/cli.js';
import { sharedData } from '../helpers/shared-data.js';

const HARTREE = 27.211386245988;


interface EvalJson {
    units: { energy: string; length: string };
    structures: Array<{ energy: number; forces: number[][]; stress: number[][] | null; atomicEnergies: number[] }>;
}

function evalJson(spec: string, structures: string, extra: string[]): EvalJson {
    const r = nnp(['eval', spec, structures, '--json', ...extra]);
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as EvalJson;
}

function maxForceDiff(a: EvalJson, b: EvalJson): number {
    let m = 0;
    a.structures.forEach((s, k) => s.forces.forEach((f, i) => f.forEach((x, c) => { m = Math.max(m, Math.abs(x - b.structures[k]!.forces[i]![c]!)); })));
    return m;
}

describe('nnp import / eval / export with n2p2 potentials', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-n2p2-'));
    const water = join(dir, 'water.nnp');
    const h2o48 = sharedData('n2p2', 'structures', 'H2O_48.data');
    const atomic = ['--length-unit', 'bohr', '--energy-unit', 'Ha'];

    it('imports the H2O potential as a spec that checks clean', () => {
        const r = nnp(['import', 'n2p2', sharedData('n2p2', 'potentials', 'H2O_RPBE-D3'), '-o', water, ...atomic]);
        expect(r.code, r.err).toBe(0);
        expect(existsSync(join(dir, 'water.weights.json'))).toBe(true);
        const text = readFileSync(water, 'utf8');
        expect(text).toContain('cutoff tanhu 12 bohr');
        expect(text).toContain('network for H, O { hidden 25 25 activation tanh }');
        const check = nnp(['check', water]);
        expect([check.code, check.out]).toEqual([0, '']);
    });

    it('evaluates with the reference (n2p2 to 1e-12) and on WebGPU', () => {
        const oracle = JSON.parse(readFileSync(sharedData('n2p2', 'oracle', 'H2O_48.json'), 'utf8')) as { energy: number };
        const ref = evalJson(water, h2o48, ['--backend', 'reference', ...atomic]);
        expect(ref.units).toEqual({ energy: 'eV', length: 'A' });
        expect(Object.keys(ref.structures[0]!)).toEqual(['energy', 'forces', 'stress', 'atomicEnergies']);
        expect(Math.abs(ref.structures[0]!.energy / HARTREE - oracle.energy) / Math.abs(oracle.energy)).toBeLessThan(1e-12);
        const gpu = evalJson(water, h2o48, ['--backend', 'webgpu', ...atomic]);
        expect(Math.abs(gpu.structures[0]!.energy - ref.structures[0]!.energy) / Math.abs(ref.structures[0]!.energy)).toBeLessThan(2e-6);
        expect(maxForceDiff(gpu, ref)).toBeLessThan(1e-3);
        expect(ref.structures[0]!.stress).toHaveLength(3);
    });

    it('export → import gives identical predictions', () => {
        const out = join(dir, 'exported');
        const e = nnp(['export', 'n2p2', water, '-o', out, ...atomic]);
        expect(e.code, e.err).toBe(0);
        for (const f of ['input.nn', 'scaling.data', 'weights.001.data', 'weights.008.data', 'in.lammps']) expect(existsSync(join(out, f)), f).toBe(true);
        // the LAMMPS input is complete for this export: units, cutoff (Å), unit conversions, elements by type
        const lammps = readFileSync(join(out, 'in.lammps'), 'utf8');
        expect(lammps).toContain('units           metal');
        expect(lammps).toMatch(/pair_style {6}hdnnp 6\.35012653\d* dir \.\/ .* cflength 1\.88972612\d* cfenergy 0\.0367493\d*/);
        expect(lammps).toContain('pair_coeff      * * H O');
        expect(lammps).toContain('read_data       structure.lmp        # e.g. from: nnp convert structure.xyz structure.lmp --elements H,O');
        const again = join(dir, 'again.nnp');
        expect(nnp(['import', 'n2p2', out, '-o', again, ...atomic]).code).toBe(0);
        const a = evalJson(water, h2o48, ['--backend', 'reference', ...atomic]);
        const b = evalJson(again, h2o48, ['--backend', 'reference', ...atomic]);
        expect(Math.abs(a.structures[0]!.energy - b.structures[0]!.energy)).toBeLessThan(1e-12 * Math.abs(a.structures[0]!.energy));
        expect(maxForceDiff(a, b)).toBeLessThan(1e-12);
    });

    it('imports Cu2S (sigma scaling, softplus, cutoff type 6); WebGPU matches the float64 evaluator', () => {
        const cu2s = join(dir, 'cu2s.nnp');
        expect(nnp(['import', 'n2p2', sharedData('n2p2', 'potentials', 'Cu2S_PBE'), '-o', cu2s]).code).toBe(0);
        const structures = sharedData('n2p2', 'structures', 'Cu2S_144.data');
        const ref = evalJson(cu2s, structures, ['--backend', 'reference']);
        const gpu = evalJson(cu2s, structures, ['--backend', 'webgpu']);
        const e = ref.structures[0]!.energy;
        expect(Math.abs(gpu.structures[0]!.energy - e) / Math.abs(e)).toBeLessThan(2e-6);
        let sq = 0;
        let n = 0;
        for (const f of ref.structures[0]!.forces) for (const x of f) { sq += x * x; n++; }
        expect(maxForceDiff(gpu, ref)).toBeLessThan(1e-4 * Math.sqrt(sq / n));
    });

    it('prints a table without --json', () => {
        const r = nnp(['eval', water, h2o48, '--backend', 'reference', ...atomic]);
        expect(r.code, r.err).toBe(0);
        expect(r.out.split('\n')[0]).toMatch(/^structure\s+atoms\s+energy\/eV/);
        expect(r.out.split('\n')[1]).toMatch(/^\s+0\s+48\s+-3\.33\d+e\+4|^\s+0\s+48\s+-33\d{3}\.\d+/);
    });

    it('writes all of a large --json output into a pipe (88 kB, more than a pipe buffer)', () => {
        const big = sharedData('n2p2', 'structures', 'H2O_1080_liquid.data');
        const file = join(dir, 'big.json');
        expect(spawnSync('bash', ['-c', `node bin/nnp.js eval ${water} ${big} --backend reference ${atomic.join(' ')} --json > ${file}`], { cwd: ROOT }).status).toBe(0);
        const piped = spawnSync('bash', ['-c', `node bin/nnp.js eval ${water} ${big} --backend reference ${atomic.join(' ')} --json | cat`], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
        expect(piped.status).toBe(0);
        expect(piped.stdout.length).toBeGreaterThan(65536);
        expect(piped.stdout).toBe(readFileSync(file, 'utf8'));
        expect((JSON.parse(piped.stdout) as { structures: unknown[] }).structures).toHaveLength(1);
    });
});

describe('export in Å and eV', () => {
    it('reproduces the predictions bit for bit after export → import', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-bits-'));
        const cu2s = join(dir, 'cu2s.nnp');
        expect(nnp(['import', 'n2p2', sharedData('n2p2', 'potentials', 'Cu2S_PBE'), '-o', cu2s]).code).toBe(0);
        expect(nnp(['export', 'n2p2', cu2s, '-o', join(dir, 'exported')]).code).toBe(0);
        const again = join(dir, 'again.nnp');
        expect(nnp(['import', 'n2p2', join(dir, 'exported'), '-o', again]).code).toBe(0);
        const structures = sharedData('n2p2', 'structures', 'Cu2S_144.data');
        const a = evalJson(cu2s, structures, ['--backend', 'reference']);
        const b = evalJson(again, structures, ['--backend', 'reference']);
        expect(b).toEqual(a);
    });
});
