// The WebGPU kernels against the float64 reference evaluator on random structures (small
// triclinic cells, molecules) for every descriptor type, every cutoff type, every scaling mode
// and every activation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import { GpuEvaluator } from '../../runtime/src/gpu/hdnnp-evaluator.js';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import { evaluateReference } from '../../runtime/src/reference/evaluate.js';
import type { ModelIR } from '../../compiler/src/ir/model-ir.js';
import type { ModelParameters } from '../../runtime/src/model/parameters.js';
import type { Structure } from '../../runtime/src/structure.js';
import { allTypesSpec, lowerModelText, randomParameters, randomStructure } from '../helpers/random-model.js';

const CUTOFFS = ['hard 4.1 A', 'tanhu 4.2 A', 'tanh 4.3 A', 'exp 4.4 A inner 0.15', 'poly1 4.0 A inner 0.3', 'poly2 4.25 A', 'poly3 4.35 A inner 0.1', 'poly4 4.45 A inner 0.2'];

/** The all-types model plus, per cutoff kind, a block of radial and angular functions using it. */
function everyCutoffSpec(scaling: string, activation: string): string {
    const blocks = CUTOFFS.map((c, k) => `
  descriptors for H, O {
    cutoff ${c}
    radial O eta ${0.3 + 0.01 * k} /A^2 rshift 0.4 A
    angular narrow H O eta ${0.02 + 0.001 * k} /A^2 lambda [-1 1] zeta 2
    angular wide O O eta ${0.03 + 0.001 * k} /A^2 lambda 1 zeta 1
  }`).join('');
    return allTypesSpec('cosine 4.5 A inner 0.1', scaling, activation).replace(/\n  network for/, `${blocks}\n  network for`);
}

/** Gaussian and compact angular groups, p = q and p ≠ q, narrow and wide: every path of the pair loops. */
const SMALL_SPEC = (scaling: string, activation: string) => `model m {
  element H
  element O
  cutoff tanhu 4.5 A
  descriptors for H, O {
    radial O eta 0.7 /A^2
    angular narrow H O eta 0.05 /A^2 lambda [-1 1] zeta [1 2.5]
    angular wide O O eta 0.08 /A^2 lambda -1 zeta 2 rshift 0.3 A
    angular compact narrow H H from -4 A to 4 A angle 0 deg to 180 deg shape poly2
  }
  network for H, O { hidden 5 4 activation ${activation} }
  scaling ${scaling}
}`;

/**
 * Steep Gaussians: exponents η S beyond the kernels' flush (e^−44) within the cutoff, for radial terms,
 * per-slot wide factors, joint narrow exponentials by powers (η = 1, 3, 7, 20 × 0.3) and by their own exp
 * (η not a multiple), with and without r_s: the flushed terms must be the negligible ones only.
 */
const STEEP_SPEC = (scaling: string, activation: string) => `model m {
  element H
  element O
  cutoff tanh 4.5 A
  descriptors for H, O {
    radial O eta [4 9] /A^2 rshift [0 1.5] A
    radial H eta 2.5 /A^2
    angular narrow H O eta [0.3 0.9 2.1 6] /A^2 lambda [-1 1] zeta [1 4]
    angular narrow O O eta [0.45 1.3] /A^2 lambda 1 zeta 2 rshift 0.4 A
    angular wide H H eta 3 /A^2 lambda -1 zeta 2
  }
  network for H, O { hidden 5 4 activation ${activation} }
  scaling ${scaling}
}`;

const MODELS: ReadonlyArray<{ scaling: string; activation: string; subgroups?: boolean; everyCutoff?: boolean; spec?: typeof SMALL_SPEC; name?: string }> = [
    { scaling: 'scale_center range -1 to 1', activation: 'tanh softplus' },
    { scaling: 'sigma range 0 to 1', activation: 'logistic gaussian' },
    { scaling: 'scale range 0 to 1', activation: 'relu cos' },
    { scaling: 'center', activation: 'reverse_logistic exp' },
    { scaling: 'none', activation: 'harmonic linear' },
    // the kernels' fallback for devices without subgroups: lanes exchange data through workgroup
    // memory (a smaller model: barriers make the driver's compile slow, ~2 min for the one above)
    { scaling: 'sigma range 0 to 1', activation: 'tanh softplus', subgroups: false, everyCutoff: false },
    { scaling: 'scale_center range -1 to 1', activation: 'tanh softplus', spec: STEEP_SPEC, name: 'steep Gaussians (flushed exponentials)' },
];

/** Scaling statistics of the raw G over the given structures (as training would compute them). */
function withStatistics(model: ModelIR, params: ModelParameters, structures: readonly Structure[]): ModelParameters {
    const unscaled = { ...model, scaling: { mode: 'none' as const, min: 0, max: 1 } };
    const rows = new Map<string, number[][]>();
    for (const s of structures) {
        const r = evaluateReference(unscaled, params, s);
        r.G.forEach((g, i) => rows.set(s.symbols[i]!, [...(rows.get(s.symbols[i]!) ?? []), [...g]]));
    }
    return {
        ...params,
        scaling: model.descriptors.map((d) => {
            const data = rows.get(d.element) ?? [];
            const col = (k: number) => data.map((row) => row[k]!);
            const k = d.functions.length;
            const mean = Float64Array.from({ length: k }, (_, j) => col(j).reduce((a, b) => a + b, 0) / Math.max(1, data.length));
            return {
                element: d.element,
                min: Float64Array.from({ length: k }, (_, j) => Math.min(...col(j))),
                max: Float64Array.from({ length: k }, (_, j) => Math.max(...col(j)) + 1e-3),
                mean,
                sigma: Float64Array.from({ length: k }, (_, j) => Math.sqrt(col(j).reduce((a, b) => a + (b - mean[j]!) ** 2, 0) / Math.max(1, data.length - 1)) + 1e-3),
            };
        }),
    };
}

let ctx: GpuContext;
beforeAll(async () => {
    ctx = await acquireGpu();
});
afterAll(async () => {
    await ctx?.destroy();
});

describe('WebGPU vs the float64 reference', () => {
    for (const m of MODELS) {
        const exchange = m.subgroups === false ? '; lanes exchange through workgroup memory' : '';
        const name = m.name ?? (m.everyCutoff === false ? 'Gaussian and compact angular groups' : 'every descriptor and cutoff type');
        it(`${name}; scaling ${m.scaling}; activations ${m.activation}${exchange}`, async () => {
            const spec = m.spec ?? (m.everyCutoff === false ? SMALL_SPEC : everyCutoffSpec);
            const model = await lowerModelText(spec(m.scaling, m.activation));
            const structures = ([[1, true], [2, true], [3, false]] as const).map(([seed, periodic]) => ({ seed, periodic, s: randomStructure(seed, 8, periodic) }));
            const params = withStatistics(model, randomParameters(model, 3), structures.map((x) => x.s));
            const gpu = await GpuEvaluator.create(ctx, model, params, buildNeighborList, { subgroups: m.subgroups });
            for (const { seed, periodic, s } of structures) {
                const ref = evaluateReference(model, params, s);
                const got = await gpu.evaluate(s, { descriptors: true });
                // float32 scale of the energy: Σ_i Σ_s |∂E_i/∂G̃_is G̃_is| (near-cancellations)
                let sensitivity = 0;
                ref.dEdG.forEach((d, i) => d.forEach((x, k) => { sensitivity += Math.abs(x * ref.Gscaled[i]![k]!); }));
                let gerr = 0;
                ref.G.forEach((g, i) => g.forEach((x, k) => { gerr = Math.max(gerr, Math.abs(got.descriptors!.g[i]![k]! - x) / Math.max(1, Math.abs(x))); }));
                let ferr = 0, fsq = 0;
                for (let k = 0; k < ref.forces.length; k++) { fsq += ref.forces[k]! ** 2; ferr = Math.max(ferr, Math.abs(got.forces[k]! - ref.forces[k]!)); }
                expect(Math.abs(got.energy - ref.energy), `seed ${seed}`).toBeLessThan(2e-6 * Math.max(Math.abs(ref.energy), sensitivity));
                let sq = 0;
                let worst = 0;
                for (let k = 0; k < ref.forces.length; k++) {
                    sq += ref.forces[k]! ** 2;
                    worst = Math.max(worst, Math.abs(got.forces[k]! - ref.forces[k]!));
                }
                expect(worst, `seed ${seed}`).toBeLessThan(1e-4 * Math.sqrt(sq / ref.forces.length) + 1e-6 * sensitivity);
                // float32 sums of up to thousands of terms (Z-weighted angular functions reach 74 here)
                expect(gerr, `seed ${seed}`).toBeLessThan(5e-5);
                if (periodic) {
                    for (let k = 0; k < 9; k++) expect(Math.abs(got.stress![k]! - ref.stress![k]!)).toBeLessThan(1e-4 * Math.max(...ref.stress!.map(Math.abs)) + 1e-7);
                }
            }
            gpu.destroy();
        });
    }
});
