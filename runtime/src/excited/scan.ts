// Evaluation of fitted two-state models against the reference surface: errors on a grid, the gap at
// the conical intersection, the NAC vector around it, and the smoothness of what each network learned.
import { conicalIntersection, eigenvalues, nacVector, referenceDiabatic, type TwoStateParams } from './two-state.js';
import type { TwoStateModel } from './two-state-model.js';

export interface ScanGrid {
    readonly x: readonly [number, number];
    readonly y: readonly [number, number];
    readonly nx: number;
    readonly ny: number;
}

export const NEAR_CI = 0.2; // Å: "near the conical intersection" on the grid
export const NAC_RADIUS = 0.3; // Å: the circle of NAC test points around the conical intersection
export const NAC_ANGLES = 16;
export const FD_STEP = 0.005; // Å: finite-difference step of the second derivatives

export function axis(lo: number, hi: number, n: number): number[] {
    return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

export function referenceEnergies(p: TwoStateParams, x: number, y: number): [number, number] {
    const d = referenceDiabatic(p, x, y);
    return eigenvalues(d.h[0], d.h[1], d.h[2]);
}

/** max over the line of |f(s + h) − 2 f(s) + f(s − h)| / h² (eV/Å²), h = FD_STEP, along (x(s), y(s)). */
function maxSecondDerivative(f: (x: number, y: number) => number, pts: readonly (readonly [number, number])[], dir: readonly [number, number]): number {
    let m = 0;
    const h = FD_STEP;
    for (const [x, y] of pts) {
        const d2 = (f(x + h * dir[0], y + h * dir[1]) - 2 * f(x, y) + f(x - h * dir[0], y - h * dir[1])) / (h * h);
        m = Math.max(m, Math.abs(d2));
    }
    return m;
}

export interface ModelScan {
    readonly model: string;
    readonly representation: string;
    /** Over the grid, meV: RMSE of E− and E+, largest |error| of either. */
    readonly rmseLower: number;
    readonly rmseUpper: number;
    readonly maxError: number;
    /** The same within NEAR_CI of the conical intersection (grid points), meV. */
    readonly nearCiPoints: number;
    readonly rmseNearCi: number;
    readonly maxErrorNearCi: number;
    /** E+ − E− at the reference conical intersection, meV (the reference: 0). */
    readonly gapAtCi: number;
    /** Largest |∂²/∂s²| (eV/Å²) along the line y = 0 through the CI, per network output and per adiabatic energy. */
    readonly secondDerivative: Readonly<Record<string, number>>;
    /** Diabatic models: NAC ∇θ on the circle of radius NAC_RADIUS around the CI against the reference's. */
    readonly nac?: {
        /** Mean |cos| of the angle between the model's and the reference's vectors (1: parallel; sign is a phase convention). */
        readonly meanAbsCos: number;
        readonly minAbsCos: number;
        /** Mean and largest | |d_model| / |d_ref| − 1 |. */
        readonly meanMagnitudeError: number;
        readonly maxMagnitudeError: number;
        /** Mean |d_ref| on the circle, 1/Å. */
        readonly meanReferenceMagnitude: number;
    };
}

export interface ScanResult {
    readonly ci: { readonly x: number; readonly y: number; readonly energy: number };
    readonly grid: { readonly x: number[]; readonly y: number[]; readonly reference: [number, number][]; readonly models: Record<string, [number, number][]> };
    /** Cuts: along y = 0 through the CI (s = x) and along the seam x = x_c (s = y). */
    readonly cuts: Record<'ci' | 'seam', { readonly s: number[]; readonly reference: [number, number][]; readonly models: Record<string, [number, number][]> }>;
    readonly reference: { readonly secondDerivative: Readonly<Record<string, number>> };
    readonly models: readonly ModelScan[];
}

export function scanTwoState(p: TwoStateParams, models: readonly TwoStateModel[], g: ScanGrid, cutPoints = 201): ScanResult {
    const ci = conicalIntersection(p);
    const xs = axis(g.x[0], g.x[1], g.nx);
    const ys = axis(g.y[0], g.y[1], g.ny);
    const pts: [number, number][] = xs.flatMap((x) => ys.map((y): [number, number] => [x, y]));
    const reference = pts.map(([x, y]) => referenceEnergies(p, x, y));
    const gridModels: Record<string, [number, number][]> = {};
    const cutS = { ci: axis(g.x[0], g.x[1], cutPoints), seam: axis(g.y[0], g.y[1], cutPoints) };
    const cutXY = { ci: cutS.ci.map((s): [number, number] => [s, 0]), seam: cutS.seam.map((s): [number, number] => [ci.x, s]) };
    const cuts = {
        ci: { s: cutS.ci, reference: cutXY.ci.map(([x, y]) => referenceEnergies(p, x, y)), models: {} as Record<string, [number, number][]> },
        seam: { s: cutS.seam, reference: cutXY.seam.map(([x, y]) => referenceEnergies(p, x, y)), models: {} as Record<string, [number, number][]> },
    };
    const along: readonly [number, number] = [1, 0];
    const refD2: Record<string, number> = {
        'E-': maxSecondDerivative((x, y) => referenceEnergies(p, x, y)[0], cutXY.ci, along),
        'E+': maxSecondDerivative((x, y) => referenceEnergies(p, x, y)[1], cutXY.ci, along),
    };
    const results = models.map((m): ModelScan => {
        const e = pts.map(([x, y]) => m.evaluate(x, y).energies);
        gridModels[m.spec.name] = e;
        cuts.ci.models[m.spec.name] = cutXY.ci.map(([x, y]) => m.evaluate(x, y).energies);
        cuts.seam.models[m.spec.name] = cutXY.seam.map(([x, y]) => m.evaluate(x, y).energies);
        let sl = 0, su = 0, mx = 0, sn = 0, mn = 0, nn = 0;
        pts.forEach(([x, y], i) => {
            const dl = 1e3 * (e[i]![0] - reference[i]![0]);
            const du = 1e3 * (e[i]![1] - reference[i]![1]);
            sl += dl * dl;
            su += du * du;
            mx = Math.max(mx, Math.abs(dl), Math.abs(du));
            if (Math.hypot(x - ci.x, y - ci.y) <= NEAR_CI + 1e-9) {
                nn++;
                sn += dl * dl + du * du;
                mn = Math.max(mn, Math.abs(dl), Math.abs(du));
            }
        });
        const atCi = m.evaluate(ci.x, ci.y).energies;
        const d2: Record<string, number> = {};
        m.nets.forEach((_, k) => {
            const name = m.spec.representation === 'diabatic' ? ['h11', 'h22', 'h12'][k]! : ['E-', 'E+'][k]!;
            d2[`net ${name}`] = maxSecondDerivative((x, y) => m.outputs(x, y).values[k]!, cutXY.ci, along);
        });
        if (m.spec.representation === 'diabatic') {
            d2['E-'] = maxSecondDerivative((x, y) => m.evaluate(x, y).energies[0], cutXY.ci, along);
            d2['E+'] = maxSecondDerivative((x, y) => m.evaluate(x, y).energies[1], cutXY.ci, along);
        }
        let nac: ModelScan['nac'];
        if (m.spec.representation === 'diabatic') {
            let sc = 0, minc = 1, se = 0, me = 0, sr = 0;
            for (let j = 0; j < NAC_ANGLES; j++) {
                const phi = (2 * Math.PI * (j + 0.5)) / NAC_ANGLES;
                const x = ci.x + NAC_RADIUS * Math.cos(phi);
                const y = ci.y + NAC_RADIUS * Math.sin(phi);
                const dm = m.evaluate(x, y).nac!;
                const dr = nacVector(referenceDiabatic(p, x, y));
                const nm = Math.hypot(...dm);
                const nr = Math.hypot(...dr);
                const c = Math.abs(dm[0] * dr[0] + dm[1] * dr[1]) / (nm * nr);
                sc += c;
                minc = Math.min(minc, c);
                const err = Math.abs(nm / nr - 1);
                se += err;
                me = Math.max(me, err);
                sr += nr;
            }
            nac = { meanAbsCos: sc / NAC_ANGLES, minAbsCos: minc, meanMagnitudeError: se / NAC_ANGLES, maxMagnitudeError: me, meanReferenceMagnitude: sr / NAC_ANGLES };
        }
        return {
            model: m.spec.name, representation: m.spec.representation,
            rmseLower: Math.sqrt(sl / pts.length), rmseUpper: Math.sqrt(su / pts.length), maxError: mx,
            nearCiPoints: nn, rmseNearCi: Math.sqrt(sn / (2 * Math.max(nn, 1))), maxErrorNearCi: mn,
            gapAtCi: 1e3 * (atCi[1] - atCi[0]), secondDerivative: d2, ...(nac ? { nac } : {}),
        };
    });
    return { ci, grid: { x: xs, y: ys, reference, models: gridModels }, cuts, reference: { secondDerivative: refD2 }, models: results };
}
