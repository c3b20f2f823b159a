// The parts of training around the optimiser: data splits, least-squares offsets, schedules,
// initialisation, the ridge fit of linear models, and the saved parameters reproducing the
// energies and forces training saw (offsets, normalisation and scaling included).
import { describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { evaluateReference } from '../../runtime/src/reference/evaluate.js';
import { splitIndices } from '../../runtime/src/train/dataset.js';
import { fitElementOffsets } from '../../runtime/src/train/energy-offsets.js';
import { initialWeights } from '../../runtime/src/train/initialise.js';
import { referenceLoss, type Predictions } from '../../runtime/src/train/reference-loss.js';
import { Schedule } from '../../runtime/src/train/schedule.js';
import { fitRidge } from '../../runtime/src/train/ridge.js';
import { parametersOf, prepareProblem } from '../../runtime/src/train/trainer.js';
import type { Structure } from '../../runtime/src/structure.js';
import { checkText } from '../helpers/specs.js';

async function problemOf(text: string) {
    const doc = await checkText(text);
    expect((doc.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
    const ir = lowerSpec(doc.parseResult.value);
    return prepareProblem(ir, ir.trainings[0]!, '/');
}

const SI = (network: string, extra = '') => `potential sw = stillinger_weber Si { }
dataset d {
  sample sw { crystal diamond Si a 5.431 A rattle 0.1 A frames 12 seed 5 }
  sample sw { crystal diamond Si a 5.6 A rattle 0.1 A frames 6 seed 6 }
  split train 70% validation 30% seed 1
}
model si {
  element Si
  cutoff cosine 4.0 A
  descriptors for Si {
    radial Si grid shifted 4 from 1.5 A to 3.8 A
    angular narrow Si Si eta 0.01 /A^2 lambda [-1 1] zeta 1
  }
  network for Si { ${network} }
  scaling scale range -1 to 1
  ${extra}
}
train si on d { loss energy 1 forces 2 }
`;

describe('data splits', () => {
    it('are a partition of the structures, fixed by the seed', () => {
        const a = splitIndices(50, { train: 0.8, validation: 0.1, test: 0.1, seed: 3 });
        expect([a.train.length, a.validation.length, a.test.length]).toEqual([40, 5, 5]);
        expect([...a.train, ...a.validation, ...a.test].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
        expect(splitIndices(50, { train: 0.8, validation: 0.1, test: 0.1, seed: 3 })).toEqual(a);
        expect(splitIndices(50, { train: 0.8, validation: 0.1, test: 0.1, seed: 4 }).train).not.toEqual(a.train);
        expect(splitIndices(3, { train: 0.9, validation: 0.1, test: 0, seed: 0 }).validation).toHaveLength(1);
    });
});

describe('element energy offsets', () => {
    const s = (symbols: string[], energy: number): Structure => ({ symbols, positions: new Float64Array(3 * symbols.length), pbc: [false, false, false], info: {}, energy });
    it('recover per-element energies by least squares', () => {
        const data = [s(['H', 'H', 'O'], 2 * -13.6 + -432.1), s(['H', 'O'], -13.6 - 432.1 + 0.01), s(['O', 'O'], -864.2 - 0.01), s(['H'], -13.6)];
        const o = fitElementOffsets(data, ['H', 'O'], new Map());
        expect(o.get('H')!).toBeCloseTo(-13.6, 2);
        expect(o.get('O')!).toBeCloseTo(-432.1, 2);
    });
    it('split a fixed stoichiometry evenly and honour the spec\'s own offsets', () => {
        const data = [s(['H', 'H', 'O'], -30), s(['H', 'H', 'O', 'H', 'H', 'O'], -60.3)];
        const o = fitElementOffsets(data, ['H', 'O'], new Map());
        expect(2 * o.get('H')! + o.get('O')!).toBeCloseTo(-30.12, 6);
        expect(Math.abs(o.get('H')! - o.get('O')!)).toBeLessThan(0.01); // not −18 and +6: near the mean per atom
        const shifted = fitElementOffsets(data, ['H', 'O'], new Map([['H', -1]]));
        expect(2 * (shifted.get('H')! - 1) + shifted.get('O')!).toBeCloseTo(-30.12, 6);
    });
});

describe('learning-rate schedules', () => {
    it('constant, exponential, cosine, plateau', () => {
        const c = new Schedule({ type: 'Schedule', kind: 'constant' }, 0.01, 100);
        expect(c.rate(50, c.initialState())).toBe(0.01);
        const e = new Schedule({ type: 'Schedule', kind: 'exponential', factor: 0.9 }, 0.01, 100);
        expect(e.rate(2, e.initialState())).toBeCloseTo(0.0081, 12);
        const cos = new Schedule({ type: 'Schedule', kind: 'cosine', minLr: 0.001 }, 0.01, 100);
        expect([cos.rate(0, cos.initialState()), cos.rate(50, cos.initialState()), cos.rate(100, cos.initialState())].map((x) => Number(x.toFixed(12)))).toEqual([0.01, 0.0055, 0.001]);
        const p = new Schedule({ type: 'Schedule', kind: 'plateau', factor: 0.5, patience: 2, minLr: 0.003 }, 0.01, 100);
        let st = p.update(p.initialState(), 1);
        st = p.update(st, 2);
        expect(p.rate(0, st)).toBe(0.01);
        st = p.update(st, 2);
        expect(p.rate(0, st)).toBe(0.005);
        st = p.update(p.update(st, 3), 3);
        expect(p.rate(0, st)).toBe(0.003);
    });
});

describe('initial weights', () => {
    it('are fixed by the seed; Xavier bounds; Nguyen–Widrow row norms', async () => {
        const p = await problemOf(SI('hidden 6 5 activation tanh'));
        const a = initialWeights(p.layout, 'xavier', 7);
        expect(initialWeights(p.layout, 'xavier', 7)).toEqual(a);
        expect(initialWeights(p.layout, 'xavier', 8)).not.toEqual(a);
        const l0 = p.layout.networks[0]!.layers[0]!;
        const bound = Math.sqrt(6 / (l0.inputs + l0.outputs));
        for (let q = 0; q < l0.inputs * l0.outputs; q++) expect(Math.abs(a[l0.w + q]!)).toBeLessThanOrEqual(bound);
        const nw = initialWeights(p.layout, 'nguyen_widrow', 7);
        const beta = 0.7 * l0.outputs ** (1 / l0.inputs);
        expect(Math.hypot(...nw.subarray(l0.w, l0.w + l0.inputs))).toBeCloseTo(beta, 12);
    });
});

describe('saved parameters', () => {
    it('reproduce the energies and forces training computed (offsets, auto normalisation, scaling)', async () => {
        const p = await problemOf(SI('hidden 5 activation softplus', 'normalization auto'));
        expect(p.normalization!.convEnergy).toBeGreaterThan(0);
        const w = initialWeights(p.layout, 'xavier', 3);
        const set = p.sets[0];
        const predictions: Predictions = { energies: new Float64Array(set.length), forces: [] };
        referenceLoss(p.layout, w, set, set.map((_, i) => i), { energy: 1, forces: 1 }, p.sigma, undefined, predictions);
        const params = parametersOf(p, w);
        set.forEach((s, k) => {
            const r = evaluateReference(p.model, params, s.label.structure);
            const offset = s.label.structure.energy! - s.target;
            expect(r.energy).toBeCloseTo(predictions.energies[k]! + offset, 9);
            for (let q = 0; q < r.forces.length; q++) expect(r.forces[q]!).toBeCloseTo(predictions.forces[k]![q]!, 9);
        });
    });
});

describe('ridge fit of a linear model', () => {
    it('is the minimum of the loss: its gradient vanishes there', async () => {
        const p = await problemOf(SI('linear'));
        expect(p.training.optimizer.kind).toBe('ridge');
        const w = fitRidge(p, 0);
        const all = p.sets[0].map((_, i) => i);
        const g = new Float64Array(p.layout.total);
        const at = referenceLoss(p.layout, w, p.sets[0], all, p.training.loss, p.sigma, g).loss;
        const scale = referenceLoss(p.layout, new Float64Array(p.layout.total), p.sets[0], all, p.training.loss, p.sigma).loss;
        expect(at).toBeLessThan(scale);
        const g0 = new Float64Array(p.layout.total);
        referenceLoss(p.layout, new Float64Array(p.layout.total), p.sets[0], all, p.training.loss, p.sigma, g0);
        expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-6 * Math.max(...g0.map(Math.abs)));
    });
});

describe('early stopping', () => {
    it('stops when the validation loss has not improved for `patience` epochs and keeps the best weights', async () => {
        const p = await problemOf(SI('hidden 4 activation tanh').replace('train si on d { loss energy 1 forces 2 }', 'train si on d { optimizer adam lr 1e-30 epochs 50 stop when validation stalls 3 epochs }'));
        const { runTraining } = await import('../../runtime/src/train/trainer.js');
        const r = await runTraining(p, { backend: 'reference', checkpointEvery: 1, resume: false });
        expect(r.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
        expect([r.stoppedEarly, r.bestEpoch]).toEqual([true, 1]);
        const w0 = Float32Array.from(initialWeights(p.layout, 'xavier', 0));
        expect(Math.max(...r.weights.map((w, q) => Math.abs(w - w0[q]!)))).toBeLessThan(1e-25); // steps of lr 1e-30 only
    });
});
