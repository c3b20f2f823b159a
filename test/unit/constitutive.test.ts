// The constitutive runtime: Neo-Hookean stress = ∂W/∂E, the energy network's stress = ∂W/∂E with
// W(0) = S(0) = 0 for any weights, the training gradient against finite differences of the loss.
import { describe, expect, it } from 'vitest';
import { asymmetry, loopWork, tangentStiffness } from '../../runtime/src/constitutive/analysis.js';
import { linearElastic, neoHookeanEnergy, neoHookeanStress, sampleStrainStates } from '../../runtime/src/constitutive/neo-hookean.js';
import { fitConstitutive, modelEnergy, modelStress, stressLossGradient } from '../../runtime/src/constitutive/networks.js';
import { toVoigt } from '../../runtime/src/constitutive/tensor.js';

const mat = { shear: 1, bulk: 3 };

/** ∂W/∂E_ij by central differences (symmetric perturbation of ij and ji), Voigt order. */
function fdStress(W: (E: Float64Array) => number, E: Float64Array, h = 1e-6): Float64Array {
    const pairs = [[0, 0], [1, 1], [2, 2], [1, 2], [0, 2], [0, 1]] as const;
    return Float64Array.from(pairs, ([i, j]) => {
        const p = Float64Array.from(E);
        const m = Float64Array.from(E);
        const d = i === j ? h : h / 2; // E_ij and E_ji both move: dW = S_ij dE_ij + S_ji dE_ji
        p[3 * i + j]! += d; p[3 * j + i]! += i === j ? 0 : d;
        m[3 * i + j]! -= d; m[3 * j + i]! -= i === j ? 0 : d;
        return (W(p) - W(m)) / (2 * h);
    });
}

describe('constitutive models', () => {
    const states = sampleStrainStates(mat, 0.1, 40, 7);

    it('Neo-Hookean S = ∂W/∂E, stress-free at E = 0, linear-elastic constants at small strain', () => {
        for (const s of states.slice(0, 8)) {
            const fd = fdStress((E) => neoHookeanEnergy(mat, E), s.strain);
            toVoigt(s.stress).forEach((v, c) => expect(Math.abs(v - fd[c]!)).toBeLessThan(1e-8));
        }
        expect(Math.max(...neoHookeanStress(mat, new Float64Array(9)).map(Math.abs))).toBeLessThan(1e-15);
        const C = tangentStiffness((E) => toVoigt(neoHookeanStress(mat, E)), new Float64Array(9));
        const lin = linearElastic(mat);
        expect(C[0]!).toBeCloseTo(lin.c11, 6);
        expect(C[1]!).toBeCloseTo(lin.c12, 6);
        expect(C[5 * 6 + 5]!).toBeCloseTo(lin.c44, 6);
        expect(asymmetry(C)).toBeLessThan(1e-8);
    });

    it('the energy model is hyperelastic for any weights; the direct model is not', () => {
        const fit = (kind: 'energy' | 'direct') => fitConstitutive({ kind, hidden: [6, 6], activation: 'softplus' }, states, { epochs: 1, batch: 8, lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, seed: 5 }).model;
        const energy = fit('energy');
        const zero = new Float64Array(9);
        expect(modelEnergy(energy, zero)).toBe(0);
        expect(Math.max(...modelStress(energy, zero).map(Math.abs))).toBeLessThan(1e-14);
        for (const s of states.slice(0, 6)) {
            const fd = fdStress((E) => modelEnergy(energy, E)!, s.strain);
            const S = modelStress(energy, s.strain);
            S.forEach((v, c) => expect(Math.abs(v - fd[c]!)).toBeLessThan(1e-7 * (1 + Math.abs(v))));
        }
        const A = Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0);
        const B = Float64Array.of(0, 0.5, 0, 0.5, 0, 0, 0, 0, 0);
        expect(Math.abs(loopWork((E) => modelStress(energy, E), A, B, 0.05).work)).toBeLessThan(1e-15);
        const direct = fit('direct');
        expect(asymmetry(tangentStiffness((E) => modelStress(direct, E), states[1]!.strain))).toBeGreaterThan(1e-3);
    });

    it('the training gradient matches central differences of the loss (energy: through the input derivatives)', () => {
        for (const kind of ['energy', 'direct'] as const) {
            const model = fitConstitutive({ kind, hidden: [5, 4], activation: 'softplus' }, states, { epochs: 2, batch: 8, lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, seed: 3 }).model;
            const w = new Float64Array(model.networks[0]!.weights[0]!.buffer); // the flat parameter vector the networks view
            const { loss, gradient } = stressLossGradient(model, states);
            expect(gradient.length).toBe(w.length);
            const h = 1e-6;
            let worst = 0;
            const scale = Math.max(...gradient.map(Math.abs));
            for (let q = 0; q < w.length; q += 3) {
                const w0 = w[q]!;
                w[q] = w0 + h;
                const lp = stressLossGradient(model, states).loss;
                w[q] = w0 - h;
                const lm = stressLossGradient(model, states).loss;
                w[q] = w0;
                worst = Math.max(worst, Math.abs((lp - lm) / (2 * h) - gradient[q]!));
            }
            expect(stressLossGradient(model, states).loss).toBe(loss);
            expect(worst / scale, kind).toBeLessThan(1e-6);
        }
    });

    it('training lowers the stress loss of both models', () => {
        for (const kind of ['energy', 'direct'] as const) {
            const r = fitConstitutive({ kind, hidden: [8, 8], activation: 'softplus' }, states, { epochs: 40, batch: 8, lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, seed: 1 });
            expect(r.losses.at(-1)!).toBeLessThan(0.2 * r.losses[0]!);
        }
    });
});
