// Gallery: examples/excited-states, run as a user would: `nnp run` fits both two-state models (no
// weights yet) to the adiabatic energies of a linear-vibronic-coupling surface with a conical
// intersection, then scans them against it. The scientific claims: the diabatic model (networks for
// H_d, energies its eigenvalues) reproduces E∓ everywhere, including at the conical intersection, where
// its gap closes and its energies keep the cusp while its networks stay smooth, and its eigenvectors'
// NAC matches the reference's around the intersection; the direct adiabatic fit is smooth where the
// surfaces must be sharp: large errors near the intersection and a gap that does not close.
// The spec's seed gives the README's numbers; with seeds 2 and 3 every bound below still holds
// (diabatic near-CI RMSE ≤ 4.0 meV, gap ≤ 6.2 meV, NAC |cos| ≥ 0.990 and magnitude error ≤ 11 %;
// direct near-CI RMSE ≥ 39 meV, gap ≥ 174 meV). The models run in float64 on the CPU (no backend).
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { nnp, ROOT } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples', 'excited-states');

interface ModelScan {
    model: string;
    rmseLower: number;
    rmseUpper: number;
    rmseNearCi: number;
    maxErrorNearCi: number;
    nearCiPoints: number;
    gapAtCi: number;
    secondDerivative: Record<string, number>;
    nac?: { meanAbsCos: number; minAbsCos: number; meanMagnitudeError: number; maxMagnitudeError: number; meanReferenceMagnitude: number };
}

it('excited states: a diabatic model learns a conical intersection that a direct adiabatic fit smooths away', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-excited-'));
    copyFileSync(join(EXAMPLE, 'model.nnp'), join(dir, 'model.nnp'));
    const run = nnp(['run', 'model.nnp'], dir);
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/model 'diabatic_model' has no weights yet: fitting it first/);
    expect(run.out).toMatch(/^surfaces: diabatic_model \(diabatic\) vs lvc: E− RMSE/m);

    const s = JSON.parse(readFileSync(join(dir, 'out', 'surfaces', 'summary.json'), 'utf8')) as {
        ci: { x: number; y: number; energy: number }; referenceSecondDerivative: Record<string, number>; models: ModelScan[];
    };
    // the reference: k = 1 eV/Å², a = 0.5 Å, offset 0.1 eV → x_c = offset/(2ka) = 0.1 Å, E_CI = ½k(x_c + a)² = 0.18 eV;
    // along y = 0 the slope of E∓ jumps by 2ka = 1 eV/Å at x_c: second difference (1 eV/Å)/h ± k = 200 ± 1 eV/Å²
    expect(s.ci.x).toBeCloseTo(0.1, 12);
    expect(s.ci.energy).toBeCloseTo(0.18, 12);
    expect(s.referenceSecondDerivative['E-']).toBeCloseTo(199, 6);
    expect(s.referenceSecondDerivative['E+']).toBeCloseTo(201, 6);

    const dia = s.models.find((m) => m.model === 'diabatic_model')!;
    const direct = s.models.find((m) => m.model === 'direct_model')!;
    expect(dia.nearCiPoints).toBe(49);

    // the diabatic model's eigenvalues match the reference over the grid and near the intersection (meV)
    expect(dia.rmseLower).toBeLessThan(10);
    expect(dia.rmseUpper).toBeLessThan(10);
    expect(dia.rmseNearCi).toBeLessThan(6);
    expect(dia.maxErrorNearCi).toBeLessThan(15);
    // the direct fit is worst exactly there, many times the diabatic model's error
    expect(direct.rmseNearCi).toBeGreaterThan(25);
    expect(direct.rmseNearCi).toBeGreaterThan(5 * dia.rmseNearCi);
    expect(direct.maxErrorNearCi).toBeGreaterThan(50);

    // the gap at the conical intersection: closed by the diabatic model, ≳ 0.1 eV open in the direct fit
    expect(Math.abs(dia.gapAtCi)).toBeLessThan(15);
    expect(direct.gapAtCi).toBeGreaterThan(100);

    // smooth where it must be smooth, sharp where it must be sharp (eV/Å², along y = 0, h = 0.005 Å):
    // the learned diabatic elements are as smooth as the reference's (k = 1, 1, 0), yet their eigenvalues
    // keep the cusp (second differences of tens of eV/Å², the reference 200); the direct fit's
    // surfaces have no cusp at all
    for (const k of ['net h11', 'net h22', 'net h12']) expect(dia.secondDerivative[k]).toBeLessThan(5);
    expect(dia.secondDerivative['E-']).toBeGreaterThan(20);
    expect(dia.secondDerivative['E+']).toBeGreaterThan(20);
    for (const k of ['net E-', 'net E+']) expect(direct.secondDerivative[k]).toBeLessThan(5);

    // the NAC ∇θ from the diabatic eigenvectors, 0.3 Å from the intersection (|d_ref| = 1/(2·0.3 Å) on
    // average for this cone): the same direction and, within 15 %, the same magnitude
    expect(dia.nac!.meanReferenceMagnitude).toBeCloseTo(1 / 0.6, 1);
    expect(dia.nac!.meanAbsCos).toBeGreaterThan(0.98);
    expect(dia.nac!.minAbsCos).toBeGreaterThan(0.95);
    expect(dia.nac!.meanMagnitudeError).toBeLessThan(0.15);
    expect(direct.nac).toBeUndefined();

    const cut = readFileSync(join(dir, 'out', 'surfaces', 'cut-ci.csv'), 'utf8').trim().split('\n');
    expect(cut[0]).toBe('x_A,ref_lower_eV,ref_upper_eV,diabatic_model_lower_eV,diabatic_model_upper_eV,direct_model_lower_eV,direct_model_upper_eV');
    expect(cut).toHaveLength(202);
    for (const f of ['cut-ci.svg', 'cut-seam.svg']) expect(readFileSync(join(dir, 'out', 'surfaces', f), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n?$/);
}, 120_000);
