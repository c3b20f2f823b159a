// Last-layer Laplace credible intervals (runtime/src/uncertainty/laplace.ts): the features are the
// energy's derivatives with respect to the output layers' weights and biases (checked against central
// differences of the float64 evaluator, with softplus output too), the predictive variance equals
// 1/β + φᵀ(βΦᵀΦ + αI)⁻¹φ by a direct solve, the evidence fixed point holds at the fitted α and β, and
// the epistemic width grows away from the training data.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelIR } from '../../compiler/src/ir/model-ir.js';
import { solveSymmetric } from '../../runtime/src/math/linear-solve.js';
import type { ModelParameters } from '../../runtime/src/model/parameters.js';
import { evaluatePrepared, prepareModel } from '../../runtime/src/reference/evaluate.js';
import type { Structure } from '../../runtime/src/structure.js';
import { fitLaplace, laplaceStd, lastLayerFeatures } from '../../runtime/src/uncertainty/laplace.js';
import { allTypesSpec, lowerModelText, randomParameters, randomStructure, rng } from '../helpers/random-model.js';

describe('last-layer Laplace', () => {
    let model: ModelIR;
    let params: ModelParameters;
    let training: Structure[];

    beforeAll(async () => {
        model = await lowerModelText(allTypesSpec('cosine 4.5 A inner 0.1', 'scale_center range -1 to 1', 'tanh tanh'));
        params = randomParameters(model, 3);
        const pm = prepareModel(model, params);
        const noise = rng(5);
        // labels: the model's own energies plus noise of 10 meV, so β should come out near 1/(0.01)²
        training = Array.from({ length: 40 }, (_, k) => {
            const s = randomStructure(100 + k, 4 + (k % 3), k % 2 === 0);
            return { ...s, energy: evaluatePrepared(pm, s).energy + 0.01 * Math.sqrt(-2 * Math.log(noise())) * Math.cos(2 * Math.PI * noise()) };
        });
    });

    it('features are ∂E/∂θ of the output layers (central differences), also with a softplus output', async () => {
        for (const activation of ['tanh tanh', 'tanh softplus']) {
            const m = activation === 'tanh tanh' ? model : await lowerModelText(allTypesSpec('cosine 4.5 A inner 0.1', 'scale_center range -1 to 1', activation));
            const p = randomParameters(m, 7);
            const s = randomStructure(11, 6, true);
            const { features } = lastLayerFeatures(prepareModel(m, p), s);
            let at = 0;
            for (const net of p.networks) {
                const last = net.layers.at(-1)!;
                const theta = [...Array.from(last.weights.keys()).map((k) => ({ array: last.weights, k })), { array: last.biases, k: 0 }];
                for (const { array, k } of theta) {
                    const h = 1e-5;
                    const x0 = array[k]!;
                    array[k] = x0 + h;
                    const up = evaluatePrepared(prepareModel(m, p), s).energy;
                    array[k] = x0 - h;
                    const down = evaluatePrepared(prepareModel(m, p), s).energy;
                    array[k] = x0;
                    expect(features[at]!).toBeCloseTo((up - down) / (2 * h), 6);
                    at++;
                }
            }
            expect(at).toBe(features.length);
        }
    });

    it('predictive variance = 1/β + φᵀ(βΦᵀΦ + αI)⁻¹φ; α, β at the evidence fixed point', () => {
        const pm = prepareModel(model, params);
        const fit = fitLaplace(pm, training);
        const P = fit.parameters;
        const rows = training.map((s) => lastLayerFeatures(pm, s).features);
        const A = new Float64Array(P * P);
        for (const r of rows) for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) A[a * P + b]! += fit.beta * r[a]! * r[b]!;
        for (let a = 0; a < P; a++) A[a * P + a]! += fit.alpha;
        const probe = lastLayerFeatures(pm, randomStructure(999, 7, true)).features;
        const direct = 1 / fit.beta + probe.reduce((acc, x, a) => acc + x * solveSymmetric(A, probe, P)[a]!, 0);
        expect(laplaceStd(fit, probe).std ** 2).toBeCloseTo(direct, 10);
        // MacKay: γ = Σ βλ/(βλ + α), α = γ/|θ|², β = (N − γ)/Σr²
        const gamma = fit.eigenvalues.reduce((g, l) => g + (fit.beta * l) / (fit.beta * l + fit.alpha), 0);
        expect(gamma).toBeCloseTo(fit.effectiveParameters, 6);
        const residual2 = training.reduce((acc, s) => acc + (evaluatePrepared(pm, s).energy - s.energy!) ** 2, 0);
        expect(fit.beta).toBeCloseTo((training.length - gamma) / residual2, 3);
        // the labels' noise is 10 meV: 1/√β recovers it within the sampling spread of 40 values
        expect(1 / Math.sqrt(fit.beta)).toBeGreaterThan(0.006);
        expect(1 / Math.sqrt(fit.beta)).toBeLessThan(0.016);
    });

    it('the epistemic width grows away from the data: directions the training features never took keep the prior width', () => {
        const pm = prepareModel(model, params);
        // training on hydrogen only: the oxygen network's output layer is determined by the prior alone
        const hydrogen = training.map((s) => ({ ...s, symbols: s.symbols.map(() => 'H') })).map((s, k) => ({ ...s, energy: evaluatePrepared(pm, s).energy + 0.01 * ((k % 3) - 1) }));
        const fit = fitLaplace(pm, hydrogen);
        const probe = randomStructure(4242, 6, true);
        const onlyH = laplaceStd(fit, lastLayerFeatures(pm, { ...probe, symbols: probe.symbols.map(() => 'H') }).features).epistemic;
        const withO = laplaceStd(fit, lastLayerFeatures(pm, probe).features);
        expect(probe.symbols).toContain('O');
        expect(withO.epistemic).toBeGreaterThan(20 * onlyH);
        // and that width is the prior's: |φ_O|/√α
        const { features } = lastLayerFeatures(pm, probe);
        const oBlock = features.slice(features.length / 2);
        expect(withO.epistemic).toBeCloseTo(Math.hypot(...oBlock) / Math.sqrt(fit.alpha), 3);
    });
});
