// `nnp run` for optimize (every method; Newton needs the fewest iterations, counts printed), phonons
// (modes, VDOS, a second calculator compared) and md with a VDOS from the velocity autocorrelation.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nnp } from '../helpers/cli.js';
import { readStructures, writeStructures } from '../../runtime/src/io/read-structures.js';
import { crystal } from '../../runtime/src/structures/crystal.js';

const summaryOf = (dir: string, run: string) => JSON.parse(readFileSync(join(dir, 'out', run, 'summary.json'), 'utf8')) as Record<string, unknown>;

describe('nnp run: optimize, phonons, md vdos', () => {
    it('optimize: fire, lbfgs, cg and newton reach fmax ≤ 1e-3 eV/Å on a distorted Morse cluster; newton in the fewest iterations', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-opt-'));
        // a 13-atom icosahedron (the Morse ρ = α r₀ = 6 cluster's minimum shape), each coordinate displaced by up to ±0.2 Å
        const phi = (1 + Math.sqrt(5)) / 2;
        const sites = [[0, 0, 0]];
        for (const a of [-1, 1]) for (const b of [-1, 1]) sites.push([0, a, b * phi], [a, b * phi, 0], [b * phi, 0, a]);
        const positions = Float64Array.from(sites.flat(), (v, k) => (v * 3.7) / Math.hypot(1, phi) + 0.2 * Math.sin(7 * k + 1));
        writeStructures(join(dir, 'cluster.xyz'), [{ symbols: sites.map(() => 'Ar'), positions, pbc: [false, false, false], info: {} }]);
        const runs = ['fire', 'lbfgs', 'cg', 'newton hessian finite_difference'].map((m) => `run optimize pot as opt_${m.split(' ')[0]} {
  from "cluster.xyz"
  method ${m}
  fmax 0.001 eV/A
  max_steps 5000
}`);
        writeFileSync(join(dir, 'opt.nnp'), `potential pot = morse Ar { depth 10 meV alpha 1.6 /A r0 3.75 A cutoff 9 A shift }\n${runs.join('\n')}\n`);
        const r = nnp(['run', 'opt.nnp'], dir);
        expect(r.code, r.err).toBe(0);
        console.log(r.out);
        const steps: Record<string, number> = {};
        const energies: number[] = [];
        for (const m of ['fire', 'lbfgs', 'cg', 'newton']) {
            const s = summaryOf(dir, `opt_${m}`);
            expect(s['converged']).toBe(true);
            expect(s['fmaxEvPerA'] as number).toBeLessThanOrEqual(1e-3);
            expect(r.out).toMatch(new RegExp(`^opt_${m}: ${m} converged in ${String(s['steps'])} steps \\(${String(s['evaluations'])} evaluations\\)`, 'm'));
            steps[m] = s['steps'] as number;
            energies.push(s['energyEv'] as number);
            const final = readStructures(join(dir, 'out', `opt_${m}`, 'final.extxyz'))[0]!;
            expect(final.symbols).toHaveLength(13);
        }
        expect(steps['newton']!).toBeLessThan(steps['lbfgs']!);
        expect(steps['newton']!).toBeLessThan(steps['cg']!);
        expect(Math.max(...energies) - Math.min(...energies)).toBeLessThan(1e-3);
    }, 120_000);

    it('phonons of SW silicon (2×2×2 cell): Γ optical mode at the top, acoustic ≈ 0, a softer SW compared', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-ph-'));
        writeFileSync(join(dir, 'ph.nnp'), `potential sw = stillinger_weber Si { }
potential soft = stillinger_weber Si { epsilon 1.9 eV }
run phonons sw as modes {
  crystal diamond Si a 5.431 A supercell 2 2 2
  displacement 0.01 A
  vdos bins 200 smearing 0.3 THz max 20 THz
  compare soft
}
`);
        const r = nnp(['run', 'ph.nnp'], dir);
        expect(r.code, r.err).toBe(0);
        const s = summaryOf(dir, 'modes') as { modes: number; maxFrequencyThz: number; acousticMaxAbsThz: number; imaginaryModes: number; compare: { maxFrequencyThz: number; vdosOverlap: number } };
        expect(s.modes).toBe(192);
        expect(s.maxFrequencyThz).toBeGreaterThan(17.7);
        expect(s.maxFrequencyThz).toBeLessThan(18);
        expect(s.acousticMaxAbsThz).toBeLessThan(0.01);
        expect(s.imaginaryModes).toBe(0);
        // every SW frequency scales with √ε: the softer potential's top mode is √(1.9/2.1683) lower
        expect(s.compare.maxFrequencyThz / s.maxFrequencyThz).toBeCloseTo(Math.sqrt(1.9 / 2.1683), 4);
        expect(s.compare.vdosOverlap).toBeGreaterThan(0.2);
        expect(s.compare.vdosOverlap).toBeLessThan(0.9);
        const vdos = readFileSync(join(dir, 'out', 'modes', 'vdos.csv'), 'utf8').trim().split('\n');
        expect(vdos[0]).toBe('frequency_THz,sw_per_THz,soft_per_THz');
        expect(vdos).toHaveLength(201);
        expect(readFileSync(join(dir, 'out', 'modes', 'frequencies.csv'), 'utf8').trim().split('\n')).toHaveLength(193);
        expect(readFileSync(join(dir, 'out', 'modes', 'vdos.svg'), 'utf8')).toMatch(/^<svg[\s\S]*overlap 0\.\d{3}[\s\S]*<\/svg>\n?$/);
    }, 120_000);

    it('md with vdos: the velocity-autocorrelation VDOS of cold SW silicon peaks near the optical phonon', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-mdv-'));
        writeFileSync(join(dir, 'md.nnp'), `potential sw = stillinger_weber Si { }
run md sw as cold {
  crystal diamond Si a 5.431 A supercell 2 2 2
  ensemble nve
  timestep 2 fs
  steps 1200
  velocities 60 K
  seed 3
  vdos bins 200 max 20 THz
}
`);
        const r = nnp(['run', 'md.nnp'], dir);
        expect(r.code, r.err).toBe(0);
        expect(existsSync(join(dir, 'out', 'cold', 'vdos.svg'))).toBe(true);
        const rows = readFileSync(join(dir, 'out', 'cold', 'vdos.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
        const top = rows.reduce((a, b) => (b[1]! > a[1]! ? b : a));
        // the strongest VDOS peak of diamond-lattice SW silicon is the optical band just below 17.8 THz
        expect(top[0]!).toBeGreaterThan(15);
        expect(top[0]!).toBeLessThan(18);
    }, 120_000);

    it('rank: relaxed SW silicon polymorphs, diamond lowest at −2ε per atom and a = 5.431 Å', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-rank-'));
        writeStructures(join(dir, 'diamond.xyz'), [crystal('diamond', 'Si', 5.5)]);
        writeStructures(join(dir, 'btin.xyz'), [crystal('beta_tin', 'Si', 4.8, { c: 2.65, supercell: [2, 2, 3] })]);
        writeStructures(join(dir, 'others.xyz'), [crystal('sc', 'Si', 2.6, { supercell: [3, 3, 3] }), crystal('fcc', 'Si', 3.9, { supercell: [2, 2, 2] })]);
        writeFileSync(join(dir, 'rank.nnp'), `potential sw = stillinger_weber Si { }
run rank sw as phases {
  structures "btin.xyz" "others.xyz" "diamond.xyz"
  relax
  method lbfgs
  fmax 0.001 eV/A
}
`);
        // float64: −2ε to 1e-6 eV/atom, and L-BFGS line searches to 1e-3 eV/Å need energies finer than float32's
        const r = nnp(['run', 'rank.nnp', '--backend', 'reference'], dir);
        expect(r.code, r.err).toBe(0);
        const s = summaryOf(dir, 'phases') as { ranking: { name: string; energyPerAtomEv: number; deltaMevPerAtom: number; volumePerAtomA3: number; relaxed: { converged: boolean } }[] };
        expect(s.ranking.map((e) => e.name)).toEqual(['diamond.xyz', 'btin.xyz', 'others.xyz[0]', 'others.xyz[1]']);
        const diamond = s.ranking[0]!;
        expect(diamond.energyPerAtomEv).toBeCloseTo(-2 * 2.1683, 6);
        expect(Math.cbrt(8 * diamond.volumePerAtomA3)).toBeCloseTo(5.431, 2); // SW's lattice constant is 5.431 Å
        expect(s.ranking.every((e) => e.relaxed.converged)).toBe(true);
        for (let k = 1; k < s.ranking.length; k++) expect(s.ranking[k]!.deltaMevPerAtom).toBeGreaterThan(s.ranking[k - 1]!.deltaMevPerAtom);
        expect(r.out).toMatch(/^phases: diamond\.xyz 0 meV\/atom < btin\.xyz \+\d+\.\d meV\/atom < /);
        expect(readFileSync(join(dir, 'out', 'phases', 'ranking.csv'), 'utf8').split('\n')[0]).toBe('rank,structure,atoms,energy_per_atom_eV,delta_meV_per_atom,volume_per_atom_A3');
        expect(readStructures(join(dir, 'out', 'phases', 'relaxed.extxyz'))).toHaveLength(4);
    }, 120_000);

    it('optimize on WebGPU (float32 energies): lbfgs, cg and newton still reach fmax ≤ 1e-3 eV/Å', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-opt32-'));
        const c = crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] });
        writeStructures(join(dir, 'rattled.xyz'), [{ ...c, positions: c.positions.map((x, k) => x + 0.1 * Math.sin(5 * k + 1)) }]);
        const runs = ['lbfgs', 'cg', 'newton hessian analytic'].map((m) => `run optimize sw as f32_${m.split(' ')[0]} { from "rattled.xyz" method ${m} fmax 0.001 eV/A max_steps 500 }`);
        writeFileSync(join(dir, 'opt.nnp'), `potential sw = stillinger_weber Si { }\n${runs.join('\n')}\n`);
        const r = nnp(['run', 'opt.nnp'], dir);
        expect(r.code, r.err).toBe(0);
        for (const m of ['lbfgs', 'cg', 'newton']) {
            const s = summaryOf(dir, `f32_${m}`);
            expect(s['converged'], m).toBe(true);
            expect(s['energyEv'] as number).toBeCloseTo(-64 * 2 * 2.1683, 3);
        }
    }, 120_000);
});
