// Committees end to end (float64 reference backend): `committee 3 bootstrap` in a train block on 300 K
// crystalline Stillinger–Weber silicon trains three members that differ; the committee mean's error is
// no worse than the average member's; the calibrated spread (nnp eval --json: energyStd, forceStd) is
// larger on out-of-domain structures (a random packing, a surface slab) than on held-out crystals;
// `run uncertainty` adds the committee columns; `guard committee percentile 99 stop` (the largest
// calibrated force spread of an atom) stops md heating a held-out 300 K frame at 3000 K;
// `--resume` gives each finished member back from its checkpoint.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { sample } from '../../runtime/src/data/sample.js';
import { readStructures, writeStructures } from '../../runtime/src/io/read-structures.js';
import type { Structure } from '../../runtime/src/structure.js';
import { nnp } from '../helpers/cli.js';
import { checkText } from '../helpers/specs.js';
import { randomPacking, slab } from '../helpers/out-of-domain.js';


const SAMPLES = `potential sw = stillinger_weber Si { }
dataset cold { sample sw { crystal diamond Si a 5.431 A supercell 2 2 2  md 300 K timestep 1 fs frames 40 every 50 steps  seed 3 } }
dataset again { sample sw { crystal diamond Si a 5.431 A supercell 2 2 2  md 300 K timestep 1 fs frames 3 every 50 steps  seed 11 } }
dataset warm { sample sw { crystal diamond Si a 5.431 A supercell 2 2 2  md 500 K to 2500 K timestep 1 fs frames 8 every 40 steps  seed 12 } }
`;

const SPEC = `potential sw = stillinger_weber Si { }
dataset cold {
  from "cold.xyz"
  split train 70% validation 15% test 15% seed 7
}
model si {
  element Si
  cutoff cosine 5.0 A
  descriptors for Si {
    radial Si grid shifted 8 from 1.5 A to 4.5 A
    angular narrow Si Si eta [0.005 0.05] /A^2 lambda [-1 1] zeta [1 2 4]
  }
  network for Si { hidden 8 activation tanh }
  scaling scale range -1 to 1
  normalization auto
}
train si on cold {
  loss energy 1 forces 10
  optimizer adam lr 5e-3
  epochs 100
  batch 4
  save "out/si.weights.json"
  seed 1
  committee 3 bootstrap
}
run uncertainty si as scores {
  on "probe.xyz"
  distance minimum
}
run uncertainty si as mixed {
  on "mixed.xyz"
  compare sw
  group by "kind"
}
run uncertainty si as query {
  on "probe.xyz"
  select 2 from "mixed.xyz" to "out/query.xyz" by committee
}
run md si as heat {
  from "start.xyz"
  ensemble nvt langevin 3000 K damping 20 fs
  timestep 1 fs
  steps 400
  velocities 300 K
  seed 2
  log "out/heat.csv" every 1
  guard committee percentile 99 stop
}
`;


interface SplitErrors { energyRmse: number; forceRmse: number }

describe('committees: training, calibrated spread, eval, uncertainty and the md guard', () => {
    let dir: string;
    let trained: ReturnType<typeof nnp>;

    beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), 'nnp-committee-'));
        const ir = lowerSpec((await checkText(SAMPLES)).parseResult.value);
        const frames = (name: string) => sample(ir.datasets.find((d) => d.name === name)!.sources[0]!, ir.potentials[0]!);
        writeStructures(join(dir, 'cold.xyz'), frames('cold'));
        const again = frames('again').map((s) => ({ ...s, energy: undefined, forces: undefined, stress: undefined }) as Structure);
        writeStructures(join(dir, 'probe.xyz'), [...again, randomPacking(9), slab()]);
        // a mixed test set: held-out 300 K crystals, crystals heated to 500 … 2500 K, a random packing, a slab
        const kind = (s: Structure, k: string) => ({ ...s, energy: undefined, forces: undefined, stress: undefined, info: { ...s.info, kind: k } }) as Structure;
        writeStructures(join(dir, 'mixed.xyz'), [...again.map((s) => kind(s, 'crystal')), ...frames('warm').map((s) => kind(s, 'heated')), kind(randomPacking(9), 'random'), kind(slab(), 'slab')]);
        writeStructures(join(dir, 'start.xyz'), [again[0]!]);
        writeFileSync(join(dir, 'si.nnp'), SPEC);
        trained = nnp(['train', 'si.nnp', '--backend', 'reference'], dir);
        expect(trained.code, trained.err).toBe(0);
    }, 300_000);

    it('trains members that differ; the mean is no worse than the average member; calibration and its plot', () => {
        const out = join(dir, 'out');
        const committee = JSON.parse(readFileSync(join(out, 'si.committee.json'), 'utf8')) as {
            size: number; bootstrap: boolean; seeds: number[]; members: string[]; calibration: { energy: number; forces: number; split: string; structures: number }; energyStdPerAtom: number[]; maxForceStd: number[];
        };
        expect(committee).toMatchObject({ size: 3, bootstrap: true, seeds: [1, 2, 3], members: ['si.c0.weights.json', 'si.c1.weights.json', 'si.c2.weights.json'] });
        expect(committee.calibration).toMatchObject({ split: 'validation', structures: 6 });
        expect(committee.calibration.energy).toBeGreaterThan(0);
        expect(committee.calibration.forces).toBeGreaterThan(0);
        expect(committee.energyStdPerAtom).toHaveLength(6);
        expect(committee.maxForceStd).toHaveLength(6);
        const weights = committee.members.map((m) => JSON.parse(readFileSync(join(out, m), 'utf8')) as { networks: { layers: { weights: number[] }[] }[]; scaling: unknown; offsets: unknown; normalization: unknown });
        // member 0 is the plain weights file; members share scaling, offsets and normalisation, not networks
        expect(readFileSync(join(out, 'si.weights.json'), 'utf8')).toBe(readFileSync(join(out, 'si.c0.weights.json'), 'utf8'));
        for (const w of weights.slice(1)) {
            expect(w.scaling).toEqual(weights[0]!.scaling);
            expect(w.offsets).toEqual(weights[0]!.offsets);
            expect(w.normalization).toEqual(weights[0]!.normalization);
            expect(w.networks[0]!.layers[0]!.weights).not.toEqual(weights[0]!.networks[0]!.layers[0]!.weights);
        }
        const report = JSON.parse(readFileSync(join(out, 'si.report.json'), 'utf8')) as { committee: { members: Record<string, SplitErrors>[]; mean: Record<string, SplitErrors>; calibration: { energy: number } } };
        expect(report.committee.members).toHaveLength(3);
        for (const split of ['train', 'validation', 'test']) {
            const avg = (f: (s: SplitErrors) => number) => report.committee.members.reduce((a, m) => a + f(m[split]!), 0) / 3;
            expect(report.committee.mean[split]!.energyRmse).toBeLessThanOrEqual(avg((s) => s.energyRmse) + 1e-9);
            expect(report.committee.mean[split]!.forceRmse).toBeLessThanOrEqual(avg((s) => s.forceRmse) + 1e-9);
            console.log(`${split}: members E ${report.committee.members.map((m) => m[split]!.energyRmse.toFixed(2)).join(', ')} mean ${report.committee.mean[split]!.energyRmse.toFixed(2)} meV/atom; F ${report.committee.members.map((m) => m[split]!.forceRmse.toFixed(1)).join(', ')} mean ${report.committee.mean[split]!.forceRmse.toFixed(1)} meV/Å`);
        }
        expect(report.committee.calibration.energy).toBe(committee.calibration.energy);
        expect(readFileSync(join(out, 'si.report.md'), 'utf8')).toMatch(/## Committee \(3 members, bootstrap resamples\)[\s\S]*\| test \| \*\*mean\*\* \|/);
        expect(readFileSync(join(out, 'si.calibration.svg'), 'utf8')).toMatch(/^<svg[\s\S]*y = x \(calibrated\)/);
        expect(trained.out).toMatch(/si: committee of 3: calibration factors energy [\d.]+, forces [\d.]+ \(validation split\)/);
        console.log(trained.out.trim());
    });

    it('nnp eval: the mean with the calibrated spread, larger out of domain than on held-out crystals', () => {
        const r = nnp(['eval', 'si.nnp', 'probe.xyz', '--backend', 'reference', '--json'], dir);
        expect(r.code, r.err).toBe(0);
        const json = JSON.parse(r.out) as { committee: { members: number }; structures: { energy: number; forces: number[][]; stress: unknown; atomicEnergies: number[]; energyStd: number; forceStd: number[] }[] };
        expect(json.committee.members).toBe(3);
        expect(json.structures).toHaveLength(5);
        for (const s of json.structures) {
            expect(Object.keys(s)).toEqual(['energy', 'forces', 'stress', 'atomicEnergies', 'energyStd', 'forceStd']);
            expect(s.forceStd).toHaveLength(64);
        }
        const perAtom = json.structures.map((s) => s.energyStd / 64);
        const forceMean = json.structures.map((s) => s.forceStd.reduce((a, b) => a + b, 0) / 64);
        console.log(`calibrated σ_E (meV/atom): ${perAtom.map((x) => (1000 * x).toFixed(2)).join(', ')}; mean σ_F (meV/Å): ${forceMean.map((x) => (1000 * x).toFixed(1)).join(', ')}`);
        const inDomain = Math.max(...perAtom.slice(0, 3));
        for (const x of perAtom.slice(3)) expect(x).toBeGreaterThan(2 * inDomain);
        const fIn = Math.max(...forceMean.slice(0, 3));
        for (const x of forceMean.slice(3)) expect(x).toBeGreaterThan(fIn);
        // the table adds the spread columns
        const t = nnp(['eval', 'si.nnp', 'probe.xyz', '--backend', 'reference'], dir);
        expect(t.code, t.err).toBe(0);
        expect(t.out.split('\n')[0]).toMatch(/std_E\/atom\/eV  max_std_F\/\(eV\/A\)$/);
    });

    it('run uncertainty adds the committee columns; guard committee stops the heated crystal', () => {
        const u = nnp(['run', 'si.nnp', 'scores', '--backend', 'reference'], dir);
        expect(u.code, u.err).toBe(0);
        const [head, ...rows] = readFileSync(join(dir, 'out', 'scores', 'scores.csv'), 'utf8').trim().split('\n');
        expect(head).toBe('index,atoms,max_distance,max_ratio,worst_atom,atoms_over_threshold,atoms_outside_range,out_of_domain,committee_energy_std,committee_max_force_std,laplace_energy_std');
        const std = rows.map((r) => Number(r.split(',')[8]));
        expect(Math.min(...std.slice(3))).toBeGreaterThan(Math.max(...std.slice(0, 3)));
        expect(readFileSync(join(dir, 'out', 'scores', 'atoms.csv'), 'utf8').split('\n')[0]).toMatch(/,committee_force_std$/);

        const r = nnp(['run', 'si.nnp', 'heat', '--backend', 'reference'], dir);
        expect(r.code, r.err).toBe(0);
        const summary = JSON.parse(readFileSync(join(dir, 'out', 'heat', 'summary.json'), 'utf8')) as {
            stoppedAt: number; stopReason: string; guard: { measure: string; action: string; thresholds: { maxForceStd: number }; trips: { step: number }[] };
        };
        const log = readFileSync(join(dir, 'out', 'heat.csv'), 'utf8').trim().split('\n');
        const T = Number(log.at(-1)!.split(',')[log[0]!.split(',').indexOf('temperature_K')]);
        console.log(`heat: stopped at ${summary.stoppedAt} (T ${T} K): ${summary.stopReason}`);
        expect(summary.stoppedAt).toBeGreaterThan(0);
        expect(summary.stoppedAt).toBeLessThan(400);
        expect(summary.stoppedAt % 10).toBe(0);
        expect(summary.guard).toMatchObject({ measure: 'committee', action: 'stop', trips: [{ step: summary.stoppedAt }] });
        const committee = JSON.parse(readFileSync(join(dir, 'out', 'si.committee.json'), 'utf8')) as { maxForceStd: number[] };
        // 99th percentile of 6 values: 0.99 · 5 = 4.95 between the 5th and 6th
        const m = committee.maxForceStd;
        expect(summary.guard.thresholds.maxForceStd).toBeCloseTo(m[4]! + 0.95 * (m[5]! - m[4]!), 12);
        expect(T).toBeGreaterThan(1000);
        expect(summary.stopReason).toMatch(/^committee force spread [\d.]+ eV\/Å > [\d.]+ eV\/Å \(99th percentile of the validation structures\) at atom \d+; \d+ atoms? over the threshold: [\d, …()a-z]+; energy spread [\d.]+ meV\/atom$/);
        expect(r.out).toMatch(new RegExp(`^heat: stopped by the committee guard at step ${summary.stoppedAt} of 400`));
    });

    it('committee spread and Laplace credible intervals rank the true errors of a mixed test set (Spearman ≥ 0.5); query by committee', () => {
        const u = nnp(['run', 'si.nnp', 'mixed', '--backend', 'reference'], dir);
        expect(u.code, u.err).toBe(0);
        const summary = JSON.parse(readFileSync(join(dir, 'out', 'mixed', 'summary.json'), 'utf8')) as {
            compare: { spearman: { atoms: number; structuresForces: number; laplaceEnergy: number; committeeAtoms: number; committeeStructures: number } };
            laplace: { alpha: number; beta: number; effectiveParameters: number; parameters: number };
        };
        const rho = summary.compare.spearman;
        console.log(`mixed test set (3 crystals, 8 heated, random, slab): Spearman ρ committee ${rho.committeeAtoms.toFixed(2)} per atom, ${rho.committeeStructures.toFixed(2)} per structure; `
            + `Laplace ${rho.laplaceEnergy.toFixed(2)} per structure; distance ${rho.atoms.toFixed(2)} per atom; Laplace γ = ${summary.laplace.effectiveParameters.toFixed(1)} of ${summary.laplace.parameters}`);
        expect(rho.committeeAtoms).toBeGreaterThanOrEqual(0.5);
        expect(rho.committeeStructures).toBeGreaterThanOrEqual(0.5);
        expect(rho.laplaceEnergy).toBeGreaterThanOrEqual(0.5);
        expect(summary.laplace.effectiveParameters).toBeGreaterThan(0);
        expect(summary.laplace.effectiveParameters).toBeLessThanOrEqual(summary.laplace.parameters);
        // query by committee: the two pool structures with the largest calibrated force spread
        const q = nnp(['run', 'si.nnp', 'query', '--backend', 'reference'], dir);
        expect(q.code, q.err).toBe(0);
        const [head, ...rows] = readFileSync(join(dir, 'out', 'mixed', 'scores.csv'), 'utf8').trim().split('\n');
        const col = head!.split(',').indexOf('committee_max_force_std');
        const spread = rows.map((r) => Number(r.split(',')[col]));
        const top = spread.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 2).map(([, i]) => i);
        const picked = readStructures(join(dir, 'out', 'query.xyz')).map((s) => Number(s.info['pool_index']));
        expect(picked).toEqual(top);
    });

    it('--resume gives finished members back from their checkpoints', () => {
        const before = readFileSync(join(dir, 'out', 'si.c2.weights.json'), 'utf8');
        const r = nnp(['train', 'si.nnp', '--backend', 'reference', '--resume'], dir);
        expect(r.code, r.err).toBe(0);
        expect(r.err).toContain(`resuming from ${join(dir, 'out', 'si.c2.checkpoint.json')} after epoch 100`);
        expect(readFileSync(join(dir, 'out', 'si.c2.weights.json'), 'utf8')).toBe(before);
    });
});
