// Gallery: examples/constitutive, run as a user would from a fresh copy: `nnp run` fits both
// constitutive models to Neo-Hookean stress–strain states (no weights yet), then the stiffness run
// evaluates them. The scientific claim: the network strain-energy model W(I1, I2, I3) has a tangent
// stiffness that is symmetric to rounding and does no work around closed strain loops, while the direct
// strain → stress network (fitting the same stresses about as well) has an asymmetric tangent and does
// work around the loops; the energy model's small-strain stiffness is the Neo-Hookean λ + 2μ, λ, μ.
// With training seeds 3 and 4 every check below still holds (README).
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { StiffnessSummary } from '../../compiler/src/cli/commands/constitutive.js';
import { nnp, ROOT } from '../helpers/cli.js';


it('constitutive: the energy network has a symmetric tangent and conserves energy; the direct network does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-constitutive-'));
    copyFileSync(join(ROOT, 'examples', 'constitutive', 'model.nnp'), join(dir, 'model.nnp'));
    const run = nnp(['run', 'model.nnp'], dir);
    expect(run.code, run.err).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'tangent', 'summary.json'), 'utf8')) as StiffnessSummary;
    const { w_energy: energy, s_direct: direct } = summary.models as Record<'w_energy' | 's_direct', StiffnessSummary['models'][string]>;
    // μ = 1 GPa, κ = 3 GPa: λ = κ − 2μ/3 = 7/3 GPa
    expect(summary.material.linear.c11).toBeCloseTo(13 / 3, 12);
    expect(summary.material.linear.c12).toBeCloseTo(7 / 3, 12);
    expect(summary.material.linear.c44).toBeCloseTo(1, 12);
    expect(energy.test.count).toBe(100);

    // tangent ∂S/∂E by central differences: the energy model's is a Hessian (FD/rounding error only),
    // the direct model's is not symmetric
    expect(energy.asymmetryMax).toBeLessThan(1e-8);
    expect(direct.asymmetryMean).toBeGreaterThan(1e-2);
    expect(direct.asymmetryMean).toBeGreaterThan(1e6 * energy.asymmetryMean);

    // work around 20 closed loops of amplitude 0.05: zero to rounding for the energy model, not for the direct one
    expect(energy.loopWorkMax).toBeLessThan(1e-14); // GPa
    expect(energy.loopWorkRelativeMean).toBeLessThan(1e-12);
    expect(direct.loopWorkMax).toBeGreaterThan(1e-5);
    expect(direct.loopWorkRelativeMean).toBeGreaterThan(1e-3);
    expect(direct.loopWorks.filter((w) => Math.abs(w) > 1e-6).length).toBeGreaterThanOrEqual(15);

    // both fit the held-out stresses (stresses up to ~0.6 GPa)
    expect(energy.test.rmse).toBeLessThan(0.005); // GPa
    expect(energy.test.relative).toBeLessThan(0.03);
    expect(direct.test.rmse).toBeLessThan(0.01);
    expect(direct.test.relative).toBeLessThan(0.05);

    // small-strain stiffness of the energy model → Neo-Hookean λ + 2μ, λ, μ (within 5 %)
    const lin = summary.material.linear;
    expect(Math.abs(energy.elastic.c11 / lin.c11 - 1)).toBeLessThan(0.05);
    expect(Math.abs(energy.elastic.c12 / lin.c12 - 1)).toBeLessThan(0.05);
    expect(Math.abs(energy.elastic.c44 / lin.c44 - 1)).toBeLessThan(0.05);
}, 300_000);
