// Core functions on x ∈ [0, 1] that fall from 1 at x = 0 to 0 at x = 1, with their derivatives
// (n2p2 CoreFunction.h). They shape the shiftable cutoff functions and the compact symmetry
// functions. Polynomials are written in n2p2's Horner forms so values agree to the last bit.
//
//   p1: f = (2x − 3)x² + 1                                f' = x(6x − 6)
//   p2: f = ((15 − 6x)x − 10)x³ + 1                       f' = x²((60 − 30x)x − 30)
//   p3: f = (x(x(20x − 70) + 84) − 35)x⁴ + 1              f' = x³(x(x(140x − 420) + 420) − 140)
//   p4: f = (x(x((315 − 70x)x − 540) + 420) − 126)x⁵ + 1  f' = x⁴(x(x((2520 − 630x)x − 3780) + 2520) − 630)
//   e : f = e·exp(1/(x² − 1))                             f' = −2e·x·exp(1/(x² − 1))/(x² − 1)²
//   c : f = ½(cos πx + 1)                                 f' = −(π/2) sin πx
//
// p_n has n continuous derivatives at both ends (f'(0) = f'(1) = 0 …); e is C^∞.

export type CoreKind = 'p1' | 'p2' | 'p3' | 'p4' | 'e' | 'c';

/** Value and derivative, written into a caller-owned pair to keep hot loops allocation-free. */
export interface ValueAndDerivative {
    f: number;
    df: number;
}

const E = Math.exp(1);

/** f(x) and f'(x) of a core function; x is expected in [0, 1] (callers check the window). */
export function core(kind: CoreKind, x: number, out: ValueAndDerivative): void {
    switch (kind) {
        case 'p1':
            out.f = (2 * x - 3) * x * x + 1;
            out.df = x * (6 * x - 6);
            return;
        case 'p2': {
            const x2 = x * x;
            out.f = ((15 - 6 * x) * x - 10) * x * x2 + 1;
            out.df = x2 * ((60 - 30 * x) * x - 30);
            return;
        }
        case 'p3': {
            const x2 = x * x;
            out.f = (x * (x * (20 * x - 70) + 84) - 35) * x2 * x2 + 1;
            out.df = x2 * x * (x * (x * (140 * x - 420) + 420) - 140);
            return;
        }
        case 'p4': {
            let x4 = x * x;
            x4 *= x4;
            out.f = (x * (x * ((315 - 70 * x) * x - 540) + 420) - 126) * x * x4 + 1;
            out.df = x4 * (x * (x * ((2520 - 630 * x) * x - 3780) + 2520) - 630);
            return;
        }
        case 'e': {
            // f → 0 with all derivatives as x → 1; guard x² rounding to 1 (1/0 would give ∞)
            if (!(x * x < 1)) {
                out.f = 0;
                out.df = 0;
                return;
            }
            const t = 1 / (x * x - 1);
            const ex = Math.exp(t);
            out.f = E * ex;
            out.df = -2 * E * x * t * t * ex;
            return;
        }
        case 'c': {
            // n2p2's fdfCOS: sin πx as √(1 − cos²πx) (≥ 0 on [0, 1]).
            const c = Math.cos(Math.PI * x);
            out.f = 0.5 * (c + 1);
            out.df = -0.5 * Math.PI * Math.sqrt(1 - c * c);
            return;
        }
        default:
            assertNever(kind);
    }
}

/**
 * Core with n2p2's asymmetry option (subtype suffix `a`): the argument is replaced by
 * u = (2 − x)x, so f_a(x) = f(u), f_a'(x) = (2 − 2x) f'(u). Steep at x = 0, same end at x = 1.
 */
export function coreAsymmetric(kind: CoreKind, x: number, out: ValueAndDerivative): void {
    core(kind, (2 - x) * x, out);
    out.df *= 2 - 2 * x;
}

export function assertNever(x: never): never {
    throw new Error(`unexpected value ${JSON.stringify(x)}`);
}
