// `nnp run` with a model trained only on 300 K crystalline Stillinger–Weber silicon: the uncertainty
// protocol writes per-structure and per-atom scores (held-out crystals pass, a random packing and a
// surface slab are out of domain) and picks the farthest pool structures to label; an md run that
// heats the crystal at 3000 K with `guard mahalanobis percentile 99 stop` stops at the first checked
// step (every 10 steps) whose structure is out of domain (checked here against the trajectory), and a
// `warn` guard warns once per episode and runs on.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { sample } from '../../runtime/src/data/sample.js';
import { readStructures, writeStructures } from '../../runtime/src/io/read-structures.js';
import { readWeights } from '../../runtime/src/model/weights-file.js';
import type { Structure } from '../../runtime/src/structure.js';
import { loadTrainingData } from '../../runtime/src/train/dataset.js';
import { DescriptorDomain, judge } from '../../runtime/src/uncertainty/domain.js';
import { nnp } from '../helpers/cli.js';
import { checkText } from '../helpers/specs.js';
import { randomPacking, slab } from '../helpers/out-of-domain.js';


const SAMPLES = `potential sw = stillinger_weber Si { }
dataset cold { sample sw { crystal diamond Si a 5.431 A supercell 2 2 2  md 300 K timestep 1 fs frames 40 every 50 steps  seed 3 } }
dataset again { sample sw { crystal diamond Si a 5.431 A supercell 2 2 2  md 300 K timestep 1 fs frames 2 every 50 steps  seed 11 } }
`;

const SPEC = `dataset cold {
  from "cold.xyz"
  split train 80% validation 10% test 10% seed 7
}
model si {
  element Si
  cutoff cosine 5.0 A
  descriptors for Si {
    radial Si grid shifted 8 from 1.5 A to 4.5 A
    angular narrow Si Si eta [0.005 0.05] /A^2 lambda [-1 1] zeta [1 2 4]
    angular wide Si Si eta 0.01 /A^2 lambda [-1 1] zeta 1
  }
  network for Si { hidden 8 activation tanh }
  scaling scale range -1 to 1
  normalization auto
}
train si on cold {
  loss energy 1 forces 10
  optimizer adam lr 5e-3
  epochs 30
  batch 8
  save "out/si.weights.json"
  seed 1
}
run uncertainty si as scores {
  on "probe.xyz"
  distance minimum
  select 2 from "pool.xyz" to "out/label.xyz"
}
run uncertainty si as scores_m {
  on "probe.xyz"
}
run md si as heat {
  crystal diamond Si a 5.431 A supercell 2 2 2
  ensemble nvt langevin 3000 K damping 20 fs
  timestep 1 fs
  steps 400
  velocities 300 K
  seed 2
  log "out/heat.csv" every 1
  trajectory "out/heat.extxyz" every 1
  guard mahalanobis percentile 99 stop
}
run md si as warm {
  crystal diamond Si a 5.431 A supercell 2 2 2
  ensemble nvt langevin 3000 K damping 20 fs
  timestep 1 fs
  steps 120
  velocities 300 K
  seed 2
  guard minimum
}
`;


const csv = (path: string) => {
    const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
    const keys = head!.split(',');
    return rows.map((r) => Object.fromEntries(r.split(',').map((v, k) => [keys[k]!, v])));
};

describe('nnp run: uncertainty and the md guard', () => {
    let dir: string;

    beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), 'nnp-uncertainty-'));
        const doc = await checkText(SAMPLES);
        const ir = lowerSpec(doc.parseResult.value);
        const frames = (name: string) => sample(ir.datasets.find((d) => d.name === name)!.sources[0]!, ir.potentials[0]!);
        writeStructures(join(dir, 'cold.xyz'), frames('cold'));
        const again = frames('again').map((s) => ({ ...s, energy: undefined, forces: undefined, stress: undefined }) as Structure);
        // probe: two independent 300 K frames, then a random packing and a slab
        writeStructures(join(dir, 'probe.xyz'), [...again, randomPacking(9), slab()]);
        writeStructures(join(dir, 'pool.xyz'), [again[0]!, slab(), slab(), randomPacking(9), again[1]!]);
        writeFileSync(join(dir, 'si.nnp'), SPEC);
        const t = nnp(['train', 'si.nnp', '--backend', 'reference'], dir);
        expect(t.code, t.err).toBe(0);
    }, 300_000);

    it('uncertainty: scores.csv, atoms.csv and summary with the verdicts; the farthest pool structures to label', () => {
        for (const [run, kind] of [['scores', 'minimum'], ['scores_m', 'mahalanobis']] as const) {
            const r = nnp(['run', 'si.nnp', run, '--backend', 'reference'], dir);
            expect(r.code, r.err).toBe(0);
            expect(r.err).toMatch(/the training split of model 'si': 32 structures \(2048 Si atoms\)/);
            expect(r.out).toMatch(new RegExp(`^${run}: 2 of 4 structures out of domain by the ${kind} distance \\(threshold Si [\\d.]+: 99th percentile of the training structures\\), [234] outside the training range`));
            console.log(r.out.trim());
            const out = join(dir, 'out', run);
            const scores = csv(join(out, 'scores.csv'));
            expect(scores.map((s) => s['out_of_domain'])).toEqual(['false', 'false', 'true', 'true']);
            expect(scores.map((s) => s['atoms_over_threshold'])).toEqual(['0', '0', '64', '32']);
            expect(scores.map((s) => Number(s['atoms_outside_range']))).toEqual([expect.any(Number), expect.any(Number), 64, 32]);
            for (const s of scores.slice(0, 2)) expect(Number(s['max_ratio'])).toBeLessThan(1);
            for (const s of scores.slice(2)) expect(Number(s['max_ratio'])).toBeGreaterThan(5);
            const atoms = csv(join(out, 'atoms.csv'));
            expect(atoms).toHaveLength(4 * 64);
            expect(atoms[0]).toMatchObject({ structure: '0', atom: '0', element: 'Si', over_threshold: 'false' });
            // the slab's over-threshold atoms are its surface layers (z within 1.4 Å of either surface)
            const slabAtoms = atoms.filter((a) => a['structure'] === '3');
            const z = Array.from({ length: 64 }, (_, i) => slab().positions[3 * i + 2]!);
            const zs = [...new Set(z.map((x) => x.toFixed(3)))].map(Number).sort((a, b) => a - b);
            const surface = (x: number) => x < zs[0]! + 1.4 || x > zs.at(-1)! - 1.4;
            slabAtoms.forEach((a, i) => expect(a['over_threshold'], `slab atom ${i} at z ${z[i]}`).toBe(surface(z[i]!) ? 'true' : 'false'));
            const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
                protocol: string; distance: string; structures: number; outOfDomain: number; outOfDomainIndices: number[];
                thresholds: { element: string; threshold: number; trainingAtoms: number; trainingStructures: number }[];
            };
            expect(summary).toMatchObject({ protocol: 'uncertainty', distance: kind, structures: 4, outOfDomain: 2, outOfDomainIndices: [2, 3] });
            expect(summary.thresholds[0]).toMatchObject({ element: 'Si', trainingAtoms: 2048, trainingStructures: 32 });
        }
        // selection (minimum distance): the random packing and one slab, never both copies; no labels
        const picked = readStructures(join(dir, 'out', 'label.xyz'));
        expect(picked.map((s) => s.info['pool_index'])).toEqual([3, 1]);
        expect(picked.every((s) => s.energy === undefined && s.forces === undefined)).toBe(true);
        // on WebGPU the minimum distances come from the device (tiled exact search): the float64 ones to 1e-5
        const reference = csv(join(dir, 'out', 'scores', 'atoms.csv'));
        const threshold = JSON.parse(readFileSync(join(dir, 'out', 'scores', 'summary.json'), 'utf8')).thresholds[0].threshold as number;
        const gpu = nnp(['run', 'si.nnp', 'scores'], dir);
        expect(gpu.code, gpu.err).toBe(0);
        expect(gpu.err).toMatch(/^scores: minimum distances on WebGPU in [\d.]+ s$/m);
        const device = csv(join(dir, 'out', 'scores', 'atoms.csv'));
        device.forEach((a, i) => expect(Math.abs(Number(a['distance']) - Number(reference[i]!['distance'])) / Number(reference[i]!['distance'])).toBeLessThan(1e-5));
        expect(Math.abs(JSON.parse(readFileSync(join(dir, 'out', 'scores', 'summary.json'), 'utf8')).thresholds[0].threshold - threshold) / threshold).toBeLessThan(1e-5);
        expect(readStructures(join(dir, 'out', 'label.xyz')).map((s) => s.info['pool_index'])).toEqual([3, 1]);
        const summary = JSON.parse(readFileSync(join(dir, 'out', 'scores', 'summary.json'), 'utf8')) as { select: { picks: { index: number; score: number }[] } };
        expect(summary.select.picks.map((p) => p.index)).toEqual([3, 1]);
    });

    it('md: a guard that stops the heated crystal at the first step out of domain; a warn guard warns once per episode', async () => {
        const r = nnp(['run', 'si.nnp', 'heat', '--backend', 'reference'], dir);
        expect(r.code, r.err).toBe(0);
        const summary = JSON.parse(readFileSync(join(dir, 'out', 'heat', 'summary.json'), 'utf8')) as {
            steps: number; stoppedAt: number; stopReason: string; guard: { measure: string; action: string; checks: number; thresholds: Record<string, number>; trips: { step: number }[] };
        };
        const stop = summary.stoppedAt;
        expect(stop).toBeGreaterThan(0);
        expect(stop).toBeLessThan(400);
        expect(stop % 10).toBe(0);
        expect(summary.stopReason).toMatch(/^mahalanobis distance [\d.]+ > [\d.]+ \(Si threshold, 99th percentile of the training structures\) at atom \d+; \d+ atoms? over the threshold: /);
        expect(summary.guard).toMatchObject({ measure: 'mahalanobis', action: 'stop', checks: stop / 10 + 1, trips: [{ step: stop }] });
        expect(r.out).toMatch(new RegExp(`^heat: stopped by the mahalanobis guard at step ${stop} of 400 \\(nvt langevin\\)`));
        expect(r.err).toContain(`guard: step ${stop}: mahalanobis distance`);
        const log = csv(join(dir, 'out', 'heat.csv'));
        expect(log.map((l) => Number(l['step']))).toEqual(Array.from({ length: stop + 1 }, (_, k) => k));
        expect(Number(log.at(-1)!['temperature_K'])).toBeGreaterThan(600);
        // the trajectory: every checked frame before the stop is inside the domain, the last one is not
        const doc = await checkText(SPEC.replaceAll('"cold.xyz"', JSON.stringify(join(dir, 'cold.xyz'))));
        const ir = lowerSpec(doc.parseResult.value);
        const model = ir.models[0]!;
        const params = readWeights(join(dir, 'out', 'si.weights.json'), model);
        const train = loadTrainingData(ir, ['cold'], model, { baseDir: dir, needForces: true }).train.map((l) => l.structure);
        const domain = DescriptorDomain.fromTraining(model, params, train);
        const tau = domain.thresholds('mahalanobis', 99);
        expect(tau[0]).toBe(summary.guard.thresholds['Si']);
        const frames = readStructures(join(dir, 'out', 'heat.extxyz'));
        expect(frames).toHaveLength(stop + 1);
        const out = frames.map((s) => {
            const v = domain.vectorsOf.of(s);
            return judge(domain.distances('mahalanobis', v), v.element, tau).outOfDomain;
        });
        expect(out.filter((_, k) => k % 10 === 0).indexOf(true)).toBe(stop / 10);
        expect(out.indexOf(true)).toBeGreaterThan(stop - 10);
        console.log(`heat: threshold ${tau[0]}, stopped at step ${stop} (T ${log.at(-1)!['temperature_K']} K): ${summary.stopReason}`);

        const w = nnp(['run', 'si.nnp', 'warm', '--backend', 'reference'], dir);
        expect(w.code, w.err).toBe(0);
        const warm = JSON.parse(readFileSync(join(dir, 'out', 'warm', 'summary.json'), 'utf8')) as { stoppedAt?: number; guard: { trips: { step: number }[]; checks: number } };
        expect(warm.stoppedAt).toBeUndefined();
        expect(warm.guard.checks).toBe(13);
        expect(warm.guard.trips.length).toBeGreaterThanOrEqual(1);
        expect(w.err.split('\n').filter((l) => l.includes('guard: warning: step'))).toHaveLength(warm.guard.trips.length);
        console.log(w.out.trim(), JSON.stringify(warm.guard.trips));
        expect(w.out).toMatch(/^warm: 120 steps \(nvt langevin\).*the minimum guard tripped \d+ times? \(first at step \d+\)/);
    });

    it('the range guard needs no training data; what is missing or not available is said plainly', () => {
        const heat = (name: string, guard: string) => `run md si as ${name} {
  crystal diamond Si a 5.431 A supercell 2 2 2
  ensemble nvt langevin 3000 K damping 20 fs
  timestep 1 fs
  steps 100
  velocities 300 K
  seed 2
  ${guard}
}
`;
        // the model with its weights named directly, and no train block: range works, the distances cannot
        const model = SPEC.slice(SPEC.indexOf('model si'), SPEC.indexOf('train si')).replace('normalization auto', 'normalization auto\n  weights "out/si.weights.json"');
        writeFileSync(join(dir, 'alone.nnp'), `${model}${heat('ranged', 'guard range 0.02 stop')}${heat('far', 'guard minimum stop')}run uncertainty si as u { on "probe.xyz" }\n`);
        const ranged = nnp(['run', 'alone.nnp', 'ranged', '--backend', 'reference'], dir);
        expect(ranged.code, ranged.err).toBe(0);
        const summary = JSON.parse(readFileSync(join(dir, 'out', 'ranged', 'summary.json'), 'utf8')) as { stoppedAt: number; stopReason: string; guard: { thresholds: { tolerance: number } } };
        expect(summary.stoppedAt % 10).toBe(0);
        expect(summary.stopReason).toMatch(/^\d+ atoms? with descriptors outside the training range by more than 0.02 of their range \(atoms [\d, …()a-z]+; atom \d+ Si: functions [\d, ]+, [\d.]+ of the range out\)$/);
        expect(summary.guard.thresholds.tolerance).toBe(0.02);
        for (const run of ['far', 'u']) {
            const r = nnp(['run', 'alone.nnp', run, '--backend', 'reference'], dir);
            expect(r.code).toBe(1);
            expect(r.err.trim()).toMatch(new RegExp(`^nnp run: '${run}': (a guard|an uncertainty run) measures distances from the training data of model 'si', and the spec has no 'train si on …' block naming them \\(add the train block its weights were fitted with\\)$`));
        }
        writeFileSync(join(dir, 'bad.nnp'), `${model}${heat('spread', 'guard committee stop')}${heat('pct', 'guard range percentile 99')}`);
        const committee = nnp(['run', 'bad.nnp', 'spread', '--backend', 'reference'], dir);
        expect(committee.code).toBe(1);
        expect(committee.err.trim()).toBe("nnp run: 'spread': the committee guard needs a committee: add 'committee K' (K ≥ 2) to the train block of model 'si' and train it");
        const pct = nnp(['run', 'bad.nnp', 'pct', '--backend', 'reference'], dir);
        expect(pct.code).toBe(1);
        expect(pct.err.trim()).toMatch(/^nnp run: 'pct': guard range compares the descriptors with the training minimum and maximum: give a tolerance/);
    });
});
