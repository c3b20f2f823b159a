// The two-state algebra behind examples/excited-states: the loss's derivatives with respect to the
// diabatic elements (Hellmann–Feynman, ∂E/∂H = v vᵀ) and the NAC ∇θ, against finite differences;
// and the model's weight gradient, against finite differences of the loss over the weights.
import { describe, expect, it } from 'vitest';
import { conicalIntersection, eigenvalues, nacVector, referenceDiabatic } from '../../runtime/src/excited/two-state.js';
import { TwoStateModel, outputAdjoints, energyRmse, fitTwoStateModel } from '../../runtime/src/excited/two-state-model.js';
import { accumulateNetworkGradient } from '../../runtime/src/train/network-gradient.js';
import { runNetwork } from '../../runtime/src/reference/network.js';
import { checkText, describe as describeDiagnostic } from '../helpers/specs.js';

const P = { k: 1, a: 0.5, offset: 0.1, c: 0.5 };

describe('two-state model', () => {
    it('eigenvalues and the conical intersection of the reference', () => {
        const ci = conicalIntersection(P);
        expect(ci.x).toBeCloseTo(0.1, 14);
        const d = referenceDiabatic(P, ci.x, ci.y);
        const [lo, hi] = eigenvalues(...d.h);
        expect(hi - lo).toBeCloseTo(0, 14);
        expect(lo).toBeCloseTo(0.18, 14);
        // on the seam away from y = 0: an avoided crossing with gap 2|c y|
        const [l2, h2] = eigenvalues(...referenceDiabatic(P, ci.x, 0.3).h);
        expect(h2 - l2).toBeCloseTo(2 * 0.5 * 0.3, 12);
    });

    it('dL/dh of the eigenvalue loss matches finite differences', () => {
        const ref: [number, number] = [0.2, 0.5];
        const loss = (h: number[]) => {
            const e = eigenvalues(h[0]!, h[1]!, h[2]!);
            return 0.5 * ((e[0] - ref[0]) ** 2 + (e[1] - ref[1]) ** 2);
        };
        for (const h of [[0.3, 0.1, 0.05], [0.1, 0.4, -0.2], [0.25, 0.2, 0.01]]) {
            const g = outputAdjoints({ spec: { name: 'm', representation: 'diabatic', hidden: [], activation: 'tanh' } }, h, ref);
            for (let i = 0; i < 3; i++) {
                const hp = [...h]; hp[i]! += 1e-6;
                const hm = [...h]; hm[i]! -= 1e-6;
                expect(g[i]).toBeCloseTo((loss(hp) - loss(hm)) / 2e-6, 7);
            }
        }
    });

    it('the NAC ∇θ matches finite differences of θ = ½ atan2(2H12, H11 − H22)', () => {
        const theta = (x: number, y: number) => {
            const d = referenceDiabatic(P, x, y);
            return 0.5 * Math.atan2(2 * d.h[2], d.h[0] - d.h[1]);
        };
        for (const [x, y] of [[0.4, 0.2], [-0.2, -0.3], [0.1, 0.3]] as const) {
            const n = nacVector(referenceDiabatic(P, x, y));
            const h = 1e-6;
            expect(n[0]).toBeCloseTo((theta(x + h, y) - theta(x - h, y)) / (2 * h), 6);
            expect(n[1]).toBeCloseTo((theta(x, y + h) - theta(x, y - h)) / (2 * h), 6);
        }
        // circular cone: |∇θ| = 1/(2ρ) at distance ρ from the intersection (here 2ka = 2c = 1 eV/Å)
        const n = nacVector(referenceDiabatic(P, 0.1 + 0.3 * Math.cos(1), 0.3 * Math.sin(1)));
        expect(Math.hypot(...n)).toBeCloseTo(1 / 0.6, 10);
    });

    it('the weight gradient of the diabatic loss matches finite differences, and fitting lowers the loss', () => {
        const spec = { name: 'm', representation: 'diabatic' as const, hidden: [4], activation: 'tanh' };
        const model = TwoStateModel.initial(spec, 3);
        const pts = [[0.3, 0.2], [-0.4, -0.1], [0.1, 0.05]].map(([x, y]) => ({ x: x!, y: y!, energies: eigenvalues(...referenceDiabatic(P, x!, y!).h) }));
        const loss = () => pts.reduce((s, p) => {
            const e = model.evaluate(p.x, p.y).energies;
            return s + 0.5 * ((e[0] - p.energies[0]) ** 2 + (e[1] - p.energies[1]) ** 2);
        }, 0);
        const grads = model.nets.map((n) => ({ ...n, weights: n.weights.map((w) => new Float64Array(w.length)), biases: n.biases.map((b) => new Float64Array(b.length)) }));
        for (const p of pts) {
            const adj = outputAdjoints(model, model.nets.map((n) => runNetwork(n, [p.x, p.y])), p.energies);
            model.nets.forEach((n, k) => accumulateNetworkGradient(n, [p.x, p.y], [0, 0], adj[k]!, 0, grads[k]!));
        }
        for (const [k, l, j] of [[0, 0, 1], [1, 1, 2], [2, 0, 5], [2, 1, 0]] as const) {
            const w = model.nets[k]!.weights[l]!;
            const w0 = w[j]!;
            w[j] = w0 + 1e-6; const lp = loss();
            w[j] = w0 - 1e-6; const lm = loss();
            w[j] = w0;
            expect(grads[k]!.weights[l]![j]).toBeCloseTo((lp - lm) / 2e-6, 7);
        }
        const before = energyRmse(model, pts);
        const after = fitTwoStateModel(model, pts, { epochs: 200, batch: 3, seed: 1, lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
        expect(after).toBeLessThan(before / 5);
    });

    it('validation: surface parameters, the fit\'s grid and optimizer, one fit per model, scans of fitted models', async () => {
        const doc = await checkText([
            'surface s = two_state { k -1 eV/A^2 a 0.5 A offset 0.1 eV c 0.5 eV/A }',
            'states m { representation diabatic hidden 8 activation tanh }',
            'states n { representation adiabatic }',
            'fit m on s { optimizer sgd lr 0.1 }',
            'fit m on s { grid x from 1 A to -1 A points 5 y from -1 A to 1 A points 1 }',
            'scan scan_all { models m n compare s }',
        ].join('\n'));
        expect((doc.diagnostics ?? []).map(describeDiagnostic)).toEqual([
            ['1:27', 'error', 'potential-param-value', "'k' must be positive."],
            ['4:5', 'error', 'missing-parameter', "A fit needs its data: 'grid x from … to … points n y from … to … points m'."],
            ['4:24', 'error', 'optimizer-option', 'Two-state models are fitted with adam, not sgd.'],
            ['5:5', 'error', 'duplicate-setting', "Model 'm' already has a fit block."],
            ['5:33', 'error', 'grid-invalid', "The grid's x range must run from low to high."],
            ['5:73', 'error', 'out-of-range', 'Expected a value at least 2, got 1.'],
            ['6:26', 'error', 'missing-parameter', "Model 'n' has no fit block, so it has no weights to scan."],
        ]);
    });
});
