// Issue 7's acceptance for descriptor distances: a model whose training data are only crystalline
// diamond Stillinger–Weber silicon at 300 K flags a hot (3000 K) frame, a random packing and a
// surface slab as out of domain by both the Mahalanobis and the minimum distance, while held-out
// crystalline structures at the training temperature pass. The distances depend only on the
// descriptors and the scaling statistics fitted on the training split (what `nnp train` saves with
// the weights), so no network is trained here: the statistics come from prepareProblem, as in training.
import { beforeAll, describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { SpecIR } from '../../compiler/src/ir/model-ir.js';
import { sample } from '../../runtime/src/data/sample.js';
import type { ModelParameters } from '../../runtime/src/model/parameters.js';
import type { Structure } from '../../runtime/src/structure.js';
import { prepareProblem } from '../../runtime/src/train/trainer.js';
import { minimumDistances, percentile } from '../../runtime/src/uncertainty/descriptor-distance.js';
import { DescriptorDomain, judge, rangeExcess, type DistanceKind } from '../../runtime/src/uncertainty/domain.js';
import { selectFarthest } from '../../runtime/src/uncertainty/selection.js';
import { randomParameters } from '../helpers/random-model.js';
import { checkText } from '../helpers/specs.js';
import { randomPacking, slab } from '../helpers/out-of-domain.js';

const SPEC = `potential sw = stillinger_weber Si { }
dataset cold {
  sample sw { crystal diamond Si a 5.431 A supercell 2 2 2  md 300 K timestep 1 fs frames 40 every 50 steps  seed 3 }
  split train 80% validation 10% test 10% seed 7
}
dataset cold_again {
  sample sw { crystal diamond Si a 5.431 A supercell 2 2 2  md 300 K timestep 1 fs frames 3 every 50 steps  seed 11 }
}
dataset hot {
  sample sw { crystal diamond Si a 5.431 A supercell 2 2 2  md 3000 K timestep 1 fs frames 1 every 300 steps  seed 5 }
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
}
train si on cold { }
`;


/** 64 Si atoms at random in the 2×2×2 diamond supercell, no two closer than 2.1 Å (a random packing). */

describe('domain of a model trained on crystalline silicon at 300 K', () => {
    let ir: SpecIR;
    let domain: DescriptorDomain;
    let params: ModelParameters;
    let heldOut: { name: string; s: Structure }[];
    let outside: { name: string; s: Structure }[];

    beforeAll(async () => {
        const doc = await checkText(SPEC);
        expect((doc.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
        ir = lowerSpec(doc.parseResult.value);
        const problem = prepareProblem(ir, ir.trainings[0]!, '/nonexistent');
        const model = problem.model;
        params = { ...randomParameters(model, 1), scaling: problem.scaling };
        domain = DescriptorDomain.fromTraining(model, params, problem.data.train.map((l) => l.structure));
        const sw = ir.potentials[0]!;
        const sampled = (name: string) => sample(ir.datasets.find((d) => d.name === name)!.sources[0]!, sw);
        heldOut = [
            ...problem.data.test.map((l, k) => ({ name: `test split ${k}`, s: l.structure })),
            ...problem.data.validation.map((l, k) => ({ name: `validation split ${k}`, s: l.structure })),
            ...sampled('cold_again').map((s, k) => ({ name: `independent 300 K frame ${k}`, s })),
        ];
        outside = [
            { name: '3000 K frame', s: sampled('hot')[0]! },
            { name: 'random packing', s: randomPacking(9) },
            { name: '(001) slab', s: slab() },
        ];
    }, 120_000);

    it('the training split: 32 structures, 2048 atoms, scaling statistics that match the weights', () => {
        expect(domain.trainingStructures).toBe(32);
        expect(domain.elements[0]!.vectors.count).toBe(2048);
        expect(domain.mismatch).toBeUndefined();
    });

    it('thresholds: the 99th percentile of the training structures\' largest (leave-one-out) distance', () => {
        const el = domain.elements[0]!;
        // direct: every training vector's nearest other vector by a full scan, the maximum per structure
        const p = el.vectors.dim;
        const loo = new Float64Array(el.vectors.count);
        for (let i = 0; i < el.vectors.count; i++) {
            let best = Infinity;
            for (let j = 0; j < el.vectors.count; j++) {
                if (j === i) continue;
                let s = 0;
                for (let k = 0; k < p; k++) s += (el.vectors.data[i * p + k]! - el.vectors.data[j * p + k]!) ** 2;
                best = Math.min(best, s);
            }
            loo[i] = Math.sqrt(best);
        }
        const perStructure = new Map<number, number>();
        el.structureOf.forEach((s, j) => perStructure.set(s, Math.max(perStructure.get(s) ?? 0, loo[j]!)));
        const maxima = [...perStructure.values()].sort((a, b) => a - b);
        const h = 0.99 * (maxima.length - 1);
        const direct = maxima[Math.floor(h)]! + (h - Math.floor(h)) * (maxima[Math.floor(h) + 1]! - maxima[Math.floor(h)]!);
        expect(Math.abs(domain.thresholds('minimum', 99)[0]! - direct) / direct).toBeLessThanOrEqual(1e-12);
        expect(domain.thresholds('minimum', 100)[0]).toBe(maxima.at(-1));
        expect(Array.from(domain.trainingDistances('minimum', 0))).toEqual(Array.from(minimumDistances(el.vectors, el.vectors, { leaveOneOut: true, tile: 37 }).distance));
        expect(percentile(domain.structureMaxima('mahalanobis', 0), 99)).toBe(domain.thresholds('mahalanobis', 99)[0]);
    });

    for (const kind of ['mahalanobis', 'minimum'] as const satisfies readonly DistanceKind[]) {
        it(`${kind}: held-out 300 K crystals pass; the hot frame, the random packing and the slab are out of domain`, () => {
            const tau = domain.thresholds(kind, 99);
            const lines = [`${kind}: threshold ${tau[0]!.toPrecision(4)} (training structure maxima: median ${percentile(domain.structureMaxima(kind, 0), 50).toPrecision(4)}, max ${percentile(domain.structureMaxima(kind, 0), 100).toPrecision(4)})`];
            const verdict = (s: Structure) => {
                const v = domain.vectorsOf.of(s);
                return { ...judge(domain.distances(kind, v), v.element, tau), range: rangeExcess(v, params.scaling).filter((x) => x > 0).length };
            };
            for (const { name, s } of heldOut) {
                const j = verdict(s);
                lines.push(`  ${name}: max ${j.maxDistance.toPrecision(4)} = ${j.maxRatio.toFixed(2)} × threshold, ${j.range} atoms outside the range`);
                expect(j.outOfDomain, name).toBe(false);
            }
            for (const { name, s } of outside) {
                const j = verdict(s);
                lines.push(`  ${name}: max ${j.maxDistance.toPrecision(4)} = ${j.maxRatio.toFixed(2)} × threshold, ${j.over.length} atoms over, ${j.range} outside the range`);
                expect(j.outOfDomain, name).toBe(true);
                expect(j.maxRatio, name).toBeGreaterThan(5);
                expect(j.range, name).toBeGreaterThan(0);
            }
            console.log(lines.join('\n'));
        });
    }

    it('selection from a pool: the farthest first, a duplicate of a pick is not picked again', () => {
        const pool = [heldOut[0]!.s, outside[2]!.s, outside[2]!.s, outside[0]!.s, outside[1]!.s, heldOut[1]!.s];
        const vectors = pool.map((s) => domain.vectorsOf.of(s));
        for (const kind of ['mahalanobis', 'minimum'] as const) {
            const tau = domain.thresholds(kind, 99);
            const picks = selectFarthest(domain, kind, vectors, tau, 3);
            expect(picks.map((p) => p.index).sort()).toEqual(expect.arrayContaining([3, 4]));
            expect(picks.filter((p) => p.index === 1 || p.index === 2)).toHaveLength(1);
            const scores = vectors.map((v) => judge(domain.distances(kind, v), v.element, tau).maxRatio);
            expect(picks[0]!.index).toBe(scores.indexOf(Math.max(...scores)));
            expect(picks[0]!.score).toBe(picks[0]!.trainingScore);
            for (let k = 1; k < picks.length; k++) expect(picks[k]!.score).toBeLessThanOrEqual(picks[k]!.trainingScore);
            // the slab's copy, once the slab is picked, scores 0 (its atoms are known)
            const all = selectFarthest(domain, kind, vectors, tau, 6);
            const copy = all.find((p) => p.index === 1 || p.index === 2)!;
            expect(all.indexOf(copy)).toBeLessThan(all.findIndex((p) => p.index === (copy.index === 1 ? 2 : 1)));
            expect(all.find((p) => p.index === (copy.index === 1 ? 2 : 1))!.score).toBe(0);
        }
    });
});
