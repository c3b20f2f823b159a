// Cutoff functions f_c(r) and df_c/dr (n2p2 CutoffFunction.h/.cpp), r and r_c in Å, f_c
// dimensionless, df_c/dr in Å⁻¹. For every type f_c = f_c' = 0 for r ≥ r_c.
//
// "Shiftable" types use the inner cutoff r_ci = α r_c (0 ≤ α < 1): f_c = 1 for r < r_ci, else a
// core function of x = (r − r_ci)/(r_c − r_ci) (core-functions.ts), df_c/dr = f'(x)/(r_c − r_ci):
//   hard   (0): f_c = 1                                       (α unused)
//   cosine (1): core c, ½(cos πx + 1)
//   exp    (4): core e, exp(1 − 1/(1 − x²))
//   poly1…poly4 (5…8): cores p1…p4
// The tanh types ignore α (n2p2 warns when α > 0):
//   tanhu  (2): f_c = tanh³(1 − r/r_c)            (f_c(0) = tanh³ 1 ≈ 0.4417, not normalised)
//   tanh   (3): f_c = c·tanh³(1 − r/r_c), c = ((e + e⁻¹)/(e − e⁻¹))³ = coth³ 1 (f_c(0) = 1)
//   df_c/dr = 3 t²(t² − 1)/r_c (× c), t = tanh(1 − r/r_c).
import type { CutoffIR } from '../../../compiler/src/ir/model-ir.js';
import { assertNever, core, type CoreKind, type ValueAndDerivative } from './core-functions.js';

/** f_c and df_c/dr at r (Å), written into `out`. */
export type CutoffFunction = (r: number, out: ValueAndDerivative) => void;

const E = Math.exp(1);
/** n2p2 CutoffFunction::TANH_PRE = ((e + 1/e)/(e − 1/e))³. */
export const TANH_PRE = Math.pow((E + 1 / E) / (E - 1 / E), 3);

export function cutoffFunction(c: Pick<CutoffIR, 'kind' | 'radius' | 'inner'>): CutoffFunction {
    const rc = c.radius;
    const alpha = c.inner;
    if (!(rc > 0)) throw new RangeError(`cutoff radius must be positive, got ${rc}`);
    if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`inner cutoff fraction α must satisfy 0 ≤ α < 1, got ${alpha}`);
    const rcinv = 1 / rc;
    const rci = rc * alpha;
    const iw = 1 / (rc - rci);
    const outside = (r: number, out: ValueAndDerivative): boolean => {
        if (r < rc) return false;
        out.f = 0;
        out.df = 0;
        return true;
    };
    const shifted = (kind: CoreKind): CutoffFunction => (r, out) => {
        if (outside(r, out)) return;
        if (r < rci) {
            out.f = 1;
            out.df = 0;
            return;
        }
        core(kind, (r - rci) * iw, out);
        out.df *= iw;
    };
    switch (c.kind) {
        case 'hard':
            return (r, out) => {
                if (outside(r, out)) return;
                out.f = 1;
                out.df = 0;
            };
        case 'cosine':
            return (r, out) => {
                if (outside(r, out)) return;
                if (r < rci) {
                    out.f = 1;
                    out.df = 0;
                    return;
                }
                // n2p2 fdfCOS: df = −½ (π/(r_c − r_ci)) sin πx with sin πx = √(1 − cos²πx)
                const t = Math.cos(Math.PI * ((r - rci) * iw));
                out.f = 0.5 * (t + 1);
                out.df = -0.5 * iw * Math.PI * Math.sqrt(1 - t * t);
            };
        case 'tanhu':
            return (r, out) => {
                if (outside(r, out)) return;
                const t = Math.tanh(1 - r * rcinv);
                const t2 = t * t;
                out.f = t * t2;
                out.df = 3 * t2 * (t2 - 1) * rcinv;
            };
        case 'tanh':
            return (r, out) => {
                if (outside(r, out)) return;
                const t = Math.tanh(1 - r * rcinv);
                const t2 = t * t;
                out.f = TANH_PRE * t * t2;
                out.df = 3 * TANH_PRE * t2 * (t2 - 1) * rcinv;
            };
        case 'exp':
            return shifted('e');
        case 'poly1':
            return shifted('p1');
        case 'poly2':
            return shifted('p2');
        case 'poly3':
            return shifted('p3');
        case 'poly4':
            return shifted('p4');
        default:
            return assertNever(c.kind);
    }
}
