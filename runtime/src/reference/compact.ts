// Compact window functions of the compact symmetry functions (n2p2 CompactFunction.h):
//
//   C(a; left, right) = core(|x|),  x = (a − c)/w,  c = (left + right)/2,  w = (right − left)/2
//   dC/da = sign(x)·core'(|x|)/w
//
// a is a distance (Å) for radial windows or an angle (rad) for angular windows. The caller makes
// sure that left < a < right (outside, the symmetry function skips the term). With `asymmetric`
// (subtype suffix `a`, radial windows only) the core is evaluated at (2 − |x|)|x|.
import { core, coreAsymmetric, type CoreKind, type ValueAndDerivative } from './core-functions.js';

export interface CompactWindow {
    readonly left: number;
    readonly right: number;
    readonly center: number;
    /** 1/w */
    readonly scale: number;
    readonly core: CoreKind;
    readonly asymmetric: boolean;
}

export function compactWindow(left: number, right: number, kind: CoreKind, asymmetric = false): CompactWindow {
    if (!(left < right)) throw new RangeError(`compact window needs left < right, got [${left}, ${right}]`);
    // n2p2 CompactFunction::setLeftRight
    const center = (right + left) / 2;
    const width = (right - left) / 2;
    return { left, right, center, scale: 1 / width, core: kind, asymmetric };
}

/** C(a) and dC/da into `out`. */
export function compact(w: CompactWindow, a: number, out: ValueAndDerivative): void {
    const x = (a - w.center) * w.scale;
    if (w.asymmetric) coreAsymmetric(w.core, Math.abs(x), out);
    else core(w.core, Math.abs(x), out);
    // copysign(scale, x): the derivative's sign follows x, also for x = −0
    out.df *= x < 0 || Object.is(x, -0) ? -w.scale : w.scale;
}

/** n2p2 compact subtype → core and asymmetry: p1…p4 with optional `a`, or e. */
export function parseSubtype(subtype: string): { core: CoreKind; asymmetric: boolean } | undefined {
    const m = /^(p[1-4]|e)(a?)$/.exec(subtype);
    if (!m) return undefined;
    if (m[1] === 'e' && m[2] === 'a') return undefined;
    return { core: m[1] as CoreKind, asymmetric: m[2] === 'a' };
}
