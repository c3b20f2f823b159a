// Behler–Parrinello symmetry functions of one central atom i and their analytic derivatives with
// respect to the neighbour displacements d_j = r_j − r_i (Å). All G are dimensionless.
// Formulas and n2p2's conventions: shared/design/N2P2-FORMAT.md §5.3 (types as n2p2 numbers them).
//
// Sums run over the neighbours of i within the function's cutoff (strict r < r_c); angular sums
// run over unordered pairs {j, k}, j < k in neighbour-list order, whose elements are {e1, e2}
// (every pair for weighted types). θ_ijk is the angle at i: cos θ = d_j·d_k/(r_ij r_ik).
//
//  2  radial                 G = Σ_{j∈e1} e^{−η(r_ij−r_s)²} f_c(r_ij)
//  12 radial-weighted        G = Σ_j Z_j e^{−η(r_ij−r_s)²} f_c(r_ij)
//  3  angular-narrow         G = 2^{1−ζ} Σ_{j<k} P^ζ e^{−η[(r_ij−r_s)²+(r_ik−r_s)²+(r_jk−r_s)²]} f_c(r_ij) f_c(r_ik) f_c(r_jk),
//                                P = 1 + λ cos θ_ijk; a term is 0 when P ≤ 0; requires r_jk < r_c
//  9  angular-wide           as 3 without the r_jk factors and without the r_jk < r_c condition
//  13 angular-narrow-weighted  as 3 over all pairs, each term × Z_j Z_k
//  20 compact-radial         G = Σ_{j∈e1, r_l<r_ij<r_c} C(r_ij)
//  23 compact-radial-weighted  G = Σ_{j, r_l<r_ij<r_c} Z_j C(r_ij)
//  21 compact-angular-narrow G = Σ_{j<k} C(r_ij) C(r_ik) C(r_jk) C_a(θ_ijk)  (r_l < r_ij, r_ik, r_jk < r_c)
//  22 compact-angular-wide   G = Σ_{j<k} C(r_ij) C(r_ik) C_a(θ_ijk)
//  24, 25                    21, 22 over all pairs, each term × Z_j Z_k
// Compact terms need −1 < cos θ < 1 and θ_l < θ < θ_r (θ = acos cos θ, rad); C is the radial window
// [r_l, r_c] (compact.ts), C_a the angular window [θ_l, θ_r] with the same core, never asymmetric.
//
// Derivatives: a radial term T(r_ij) gives ∂T/∂d_j = T'(r_ij) d_j/r_ij. An angular term
// T(r_ij, r_ik, r_jk, cos θ) gives, with u_j = d_j/r_ij, u_k = d_k/r_ik, e_jk = (d_k − d_j)/r_jk,
//   ∂T/∂d_j = T_rij u_j + T_cos (u_k − cos θ u_j)/r_ij − T_rjk e_jk
//   ∂T/∂d_k = T_rik u_k + T_cos (u_j − cos θ u_k)/r_ik + T_rjk e_jk
// and the central atom gets ∂T/∂r_i = −Σ ∂T/∂d (done by the caller when it gathers forces).
//
// Deliberate deviation: n2p2's grouped angular code (SymGrpExpAngn/Angw) ignores r_s ≤ 0 of types
// 3 and 9; here r_s always applies (the n2p2 importer zeroes a negative r_s to keep n2p2's numbers).
import type { SymmetryFunctionIR } from '../../../compiler/src/ir/model-ir.js';
import { compact, compactWindow, parseSubtype, type CompactWindow } from './compact.js';
import { assertNever, type ValueAndDerivative } from './core-functions.js';
import { cutoffFunction, type CutoffFunction } from './cutoff.js';
import type { AtomEnvironment } from './environment.js';

/** C's DBL_MIN, the smallest normal double. */
const DBL_MIN = 2.2250738585072014e-308;

interface Common {
    readonly ir: SymmetryFunctionIR;
    /** Neighbour element indices (model order); −1 when weighted (all elements, × Z). */
    readonly e1: number;
    readonly e2: number;
    readonly weighted: boolean;
    /** Largest neighbour distance the function sees, Å. */
    readonly rc: number;
}

export interface ExpRadial extends Common {
    readonly family: 'exp-radial';
    readonly eta: number;
    readonly rs: number;
    readonly cutoff: CutoffFunction;
}

export interface ExpAngular extends Common {
    readonly family: 'exp-angular';
    /** narrow: with the r_jk factors and the r_jk < r_c condition. */
    readonly narrow: boolean;
    readonly eta: number;
    readonly rs: number;
    readonly lambda: number;
    readonly zeta: number;
    /** ζ when integral (n2p2 then uses exponentiation by squaring). */
    readonly zetaInt: number | undefined;
    /** 2^{1−ζ} */
    readonly norm: number;
    readonly cutoff: CutoffFunction;
}

export interface CompactRadial extends Common {
    readonly family: 'compact-radial';
    readonly radial: CompactWindow;
}

export interface CompactAngular extends Common {
    readonly family: 'compact-angular';
    readonly narrow: boolean;
    readonly radial: CompactWindow;
    readonly angle: CompactWindow;
}

export type PreparedFunction = ExpRadial | ExpAngular | CompactRadial | CompactAngular;

/** Shares one CutoffFunction per (kind, radius, α), so environments cache f_c once for all. */
export class CutoffCache {
    private readonly map = new Map<string, CutoffFunction>();
    get(c: NonNullable<SymmetryFunctionIR['cutoff']>): CutoffFunction {
        const key = `${c.kind} ${c.radius} ${c.inner}`;
        let f = this.map.get(key);
        if (!f) {
            f = cutoffFunction(c);
            this.map.set(key, f);
        }
        return f;
    }
}

/** Numeric form of a function: element indices resolved, cutoff and windows built. */
export function prepareFunction(f: SymmetryFunctionIR, elementIndex: ReadonlyMap<string, number>, cutoffs: CutoffCache): PreparedFunction {
    const index = (k: number): number => {
        const sym = f.neighbors[k];
        const i = sym === undefined ? undefined : elementIndex.get(sym);
        if (i === undefined) throw new Error(`symmetry function ${describe(f)}: neighbour element ${sym ?? `#${k + 1}`} is not in the model`);
        return i;
    };
    const need = (x: number | undefined, what: string): number => {
        if (x === undefined || !Number.isFinite(x)) throw new Error(`symmetry function ${describe(f)}: ${what} missing or not finite`);
        return x;
    };
    const expCutoff = () => {
        if (!f.cutoff) throw new Error(`symmetry function ${describe(f)}: no cutoff`);
        return { cutoff: cutoffs.get(f.cutoff), rc: f.cutoff.radius };
    };
    const radialWindow = () => {
        const sub = parseSubtype(f.subtype ?? '');
        if (!sub) throw new Error(`symmetry function ${describe(f)}: compact subtype ${JSON.stringify(f.subtype)} is not p1…p4[a] or e`);
        return { sub, radial: compactWindow(need(f.low, 'low'), need(f.high, 'high'), sub.core, sub.asymmetric) };
    };
    const angleWindow = (core: CompactWindow['core']) => compactWindow(need(f.angleLow, 'angleLow'), need(f.angleHigh, 'angleHigh'), core, false);
    const expAngular = (narrow: boolean, weighted: boolean): ExpAngular => {
        const zeta = need(f.zeta, 'zeta');
        const r = Math.round(zeta);
        return {
            family: 'exp-angular', ir: f, narrow, weighted,
            e1: weighted ? -1 : Math.min(index(0), index(1)), e2: weighted ? -1 : Math.max(index(0), index(1)),
            eta: need(f.eta, 'eta'), rs: f.rshift ?? 0, lambda: need(f.lambda, 'lambda'), zeta,
            zetaInt: Math.abs(zeta - r) <= DBL_MIN ? r : undefined, // n2p2: integral when |ζ − round ζ| ≤ DBL_MIN
            norm: Math.pow(2, 1 - zeta),
            ...expCutoff(),
        };
    };
    const compactAngular = (narrow: boolean, weighted: boolean): CompactAngular => {
        const { sub, radial } = radialWindow();
        return {
            family: 'compact-angular', ir: f, narrow, weighted,
            e1: weighted ? -1 : Math.min(index(0), index(1)), e2: weighted ? -1 : Math.max(index(0), index(1)),
            radial, angle: angleWindow(sub.core), rc: radial.right,
        };
    };
    switch (f.kind) {
        case 'radial':
            return { family: 'exp-radial', ir: f, weighted: false, e1: index(0), e2: -1, eta: need(f.eta, 'eta'), rs: f.rshift ?? 0, ...expCutoff() };
        case 'radial-weighted':
            return { family: 'exp-radial', ir: f, weighted: true, e1: -1, e2: -1, eta: need(f.eta, 'eta'), rs: f.rshift ?? 0, ...expCutoff() };
        case 'angular-narrow':
            return expAngular(true, false);
        case 'angular-wide':
            return expAngular(false, false);
        case 'angular-narrow-weighted':
            return expAngular(true, true);
        case 'compact-radial':
        case 'compact-radial-weighted': {
            const weighted = f.kind === 'compact-radial-weighted';
            const { radial } = radialWindow();
            return { family: 'compact-radial', ir: f, weighted, e1: weighted ? -1 : index(0), e2: -1, radial, rc: radial.right };
        }
        case 'compact-angular-narrow':
            return compactAngular(true, false);
        case 'compact-angular-wide':
            return compactAngular(false, false);
        case 'compact-angular-narrow-weighted':
            return compactAngular(true, true);
        case 'compact-angular-wide-weighted':
            return compactAngular(false, true);
        default:
            return assertNever(f.kind);
    }
}

function describe(f: SymmetryFunctionIR): string {
    return `${f.kind} (n2p2 type ${f.n2p2Type}${f.neighbors.length ? `, ${f.neighbors.join(' ')}` : ''})`;
}

/**
 * G of atom i for one function. With `grad`, also adds weight · ∂G/∂d_j into grad[3j … 3j+2]
 * for every neighbour j (grad: (count, 3); weight typically ∂E_i/∂G in eV, giving eV/Å).
 */
export function evaluateFunction(p: PreparedFunction, env: AtomEnvironment, grad?: Float64Array, weight = 1): number {
    switch (p.family) {
        case 'exp-radial':
            return expRadial(p, env, grad, weight);
        case 'exp-angular':
            return expAngular(p, env, grad, weight);
        case 'compact-radial':
            return compactRadial(p, env, grad, weight);
        case 'compact-angular':
            return compactAngular(p, env, grad, weight);
        default:
            return assertNever(p);
    }
}

/** Types 2, 12: T = w_j e^{−η(r−r_s)²} f_c(r),  T' = w_j e^{−η(r−r_s)²} [f_c'(r) − 2η(r−r_s) f_c(r)]. */
function expRadial(p: ExpRadial, env: AtomEnvironment, grad: Float64Array | undefined, weight: number): number {
    const { eta, rs, rc } = p;
    const fc = env.radialCutoff(p.cutoff);
    let sum = 0;
    for (let j = 0; j < env.count; j++) {
        const r = env.r[j]!;
        if (!(r < rc)) continue;
        if (!p.weighted && env.element[j] !== p.e1) continue;
        const w = p.weighted ? env.z[j]! : 1;
        const dr = r - rs;
        const x = Math.exp(-eta * dr * dr);
        sum += w * x * fc.f[j]!;
        if (grad) {
            const dT = weight * w * x * (fc.df[j]! - 2 * eta * dr * fc.f[j]!);
            addRadial(grad, env, j, dT);
        }
    }
    return sum;
}

/** Types 20, 23: T = w_j C(r) for r_l < r < r_c. */
function compactRadial(p: CompactRadial, env: AtomEnvironment, grad: Float64Array | undefined, weight: number): number {
    const win = p.radial;
    const c: ValueAndDerivative = { f: 0, df: 0 };
    let sum = 0;
    for (let j = 0; j < env.count; j++) {
        const r = env.r[j]!;
        if (!(r > win.left && r < win.right)) continue;
        if (!p.weighted && env.element[j] !== p.e1) continue;
        const w = p.weighted ? env.z[j]! : 1;
        compact(win, r, c);
        sum += w * c.f;
        if (grad) addRadial(grad, env, j, weight * w * c.df);
    }
    return sum;
}

/**
 * Types 3, 9, 13. Per pair, with P = 1 + λ cos θ, X = exp(−η Σ (r − r_s)²), F = Π f_c:
 *   T = w P^ζ X F            (w = Z_j Z_k when weighted, else 1; G = 2^{1−ζ} Σ T)
 *   T_cos = w ζ λ P^{ζ−1} X F
 *   T_rij = w P^ζ X f_c(r_ik) f_c(r_jk) [f_c'(r_ij) − 2η(r_ij − r_s) f_c(r_ij)]   (and r_ik, r_jk alike)
 */
function expAngular(p: ExpAngular, env: AtomEnvironment, grad: Float64Array | undefined, weight: number): number {
    const { eta, rs, lambda, zeta, zetaInt, rc, narrow } = p;
    const n = env.count;
    const rc2 = rc * rc;
    const fc = env.radialCutoff(p.cutoff);
    const { rjk, rjk2, cos } = env.pairs();
    const fcjk = narrow ? env.pairCutoff(p.cutoff) : undefined;
    const scale = weight * p.norm;
    let sum = 0;
    for (let j = 0; j < n - 1; j++) {
        const rj = env.r[j]!;
        if (!(rj < rc)) continue;
        const ej = env.element[j]!;
        if (!p.weighted && ej !== p.e1 && ej !== p.e2) continue;
        const fj = fc.f[j]!;
        const dfj = fc.df[j]!;
        const drj = rj - rs;
        for (let k = j + 1; k < n; k++) {
            const ek = env.element[k]!;
            if (!p.weighted && !((ej === p.e1 && ek === p.e2) || (ej === p.e2 && ek === p.e1))) continue;
            const rk = env.r[k]!;
            if (!(rk < rc)) continue;
            const t = j * n + k;
            if (narrow && !(rjk2[t]! < rc2)) continue;
            const c = cos[t]!;
            const plambda = 1 + lambda * c;
            if (plambda <= 0) continue;
            const p1 = zetaInt !== undefined ? powInt(plambda, zetaInt - 1) : Math.pow(plambda, zeta - 1); // P^{ζ−1}
            const pz = p1 * plambda; // P^ζ
            const drk = rk - rs;
            const drjk = narrow ? rjk[t]! - rs : 0;
            const x = Math.exp(-eta * (drj * drj + drk * drk + drjk * drjk));
            const fk = fc.f[k]!;
            const fjk = fcjk ? fcjk.f[t]! : 1;
            const w = p.weighted ? env.z[j]! * env.z[k]! : 1;
            sum += w * pz * x * fj * fk * fjk;
            if (grad) {
                const s = scale * w * x;
                const dCos = s * zeta * lambda * p1 * fj * fk * fjk;
                const dRj = s * pz * fk * fjk * (dfj - 2 * eta * drj * fj);
                const dRk = s * pz * fj * fjk * (fc.df[k]! - 2 * eta * drk * fk);
                const dRjk = fcjk ? s * pz * fj * fk * (fcjk.df[t]! - 2 * eta * drjk * fjk) : 0;
                addAngular(grad, env, j, k, c, narrow ? rjk[t]! : 0, dRj, dRk, dRjk, dCos);
            }
        }
    }
    return p.norm * sum;
}

/**
 * Types 21, 22, 24, 25. Per pair, with R = C(r_ij) C(r_ik) [C(r_jk)] and A = C_a(θ):
 *   T = w R A,  T_cos = w R C_a'(θ) dθ/dcos θ = −w R C_a'(θ)/√(1 − cos²θ),  T_rij = w C'(r_ij) C(r_ik) [C(r_jk)] A …
 */
function compactAngular(p: CompactAngular, env: AtomEnvironment, grad: Float64Array | undefined, weight: number): number {
    const { radial: win, angle, narrow } = p;
    const n = env.count;
    const { rjk, rjk2, cos } = env.pairs();
    const rmin = Math.max(win.left, 0);
    const r2min = rmin * rmin;
    const r2max = win.right * win.right;
    const cj: ValueAndDerivative = { f: 0, df: 0 };
    const ck: ValueAndDerivative = { f: 0, df: 0 };
    const cjk: ValueAndDerivative = { f: 1, df: 0 };
    const ca: ValueAndDerivative = { f: 0, df: 0 };
    let sum = 0;
    for (let j = 0; j < n - 1; j++) {
        const rj = env.r[j]!;
        if (!(rj > win.left && rj < win.right)) continue;
        const ej = env.element[j]!;
        if (!p.weighted && ej !== p.e1 && ej !== p.e2) continue;
        compact(win, rj, cj);
        for (let k = j + 1; k < n; k++) {
            const ek = env.element[k]!;
            if (!p.weighted && !((ej === p.e1 && ek === p.e2) || (ej === p.e2 && ek === p.e1))) continue;
            const rk = env.r[k]!;
            if (!(rk > win.left && rk < win.right)) continue;
            const t = j * n + k;
            if (narrow) {
                // n2p2 SymGrpCompAngn: max(r_l, 0)² < r_jk² < r_c², then r_l < r_jk < r_c
                const s2 = rjk2[t]!;
                if (s2 >= r2max || s2 <= r2min) continue;
                const s = rjk[t]!;
                if (s <= win.left || s >= win.right) continue;
            }
            const c = cos[t]!;
            if (c <= -1 || c >= 1) continue;
            const theta = Math.acos(c);
            if (theta <= angle.left || theta >= angle.right) continue;
            compact(win, rk, ck);
            if (narrow) compact(win, rjk[t]!, cjk);
            compact(angle, theta, ca);
            const w = p.weighted ? env.z[j]! * env.z[k]! : 1;
            const rad = cj.f * ck.f * cjk.f;
            sum += w * rad * ca.f;
            if (grad) {
                const s = weight * w;
                const dCos = (-s * rad * ca.df) / Math.sqrt(1 - c * c);
                const dRj = s * cj.df * ck.f * cjk.f * ca.f;
                const dRk = s * cj.f * ck.df * cjk.f * ca.f;
                const dRjk = narrow ? s * cj.f * ck.f * cjk.df * ca.f : 0;
                addAngular(grad, env, j, k, c, narrow ? rjk[t]! : 0, dRj, dRk, dRjk, dCos);
            }
        }
    }
    return sum;
}

/** grad_j += (dT/dr_ij) d_j/r_ij */
function addRadial(grad: Float64Array, env: AtomEnvironment, j: number, dTdr: number): void {
    if (dTdr === 0) return;
    const s = dTdr / env.r[j]!;
    grad[3 * j]! += s * env.d[3 * j]!;
    grad[3 * j + 1]! += s * env.d[3 * j + 1]!;
    grad[3 * j + 2]! += s * env.d[3 * j + 2]!;
}

/** The chain rule of an angular term (see the header): adds ∂T/∂d_j and ∂T/∂d_k. */
function addAngular(grad: Float64Array, env: AtomEnvironment, j: number, k: number, cos: number, rjk: number, dRj: number, dRk: number, dRjk: number, dCos: number): void {
    const d = env.d;
    const rj = env.r[j]!;
    const rk = env.r[k]!;
    // coefficients of d_j and d_k in ∂T/∂d_j and ∂T/∂d_k
    const jj = dRj / rj - (dCos * cos) / (rj * rj);
    const jk = dCos / (rj * rk);
    const kk = dRk / rk - (dCos * cos) / (rk * rk);
    const jkr = dRjk !== 0 ? dRjk / rjk : 0; // T_rjk / r_jk, multiplies (d_k − d_j)
    for (let c = 0; c < 3; c++) {
        const dj = d[3 * j + c]!;
        const dk = d[3 * k + c]!;
        const ejk = jkr * (dk - dj);
        grad[3 * j + c]! += jj * dj + jk * dk - ejk;
        grad[3 * k + c]! += kk * dk + jk * dj + ejk;
    }
}

/** x^n by squaring (n2p2 utility.cpp pow_int); n < 0 uses 1/x. */
export function powInt(x: number, n: number): number {
    let m = n;
    if (n < 0) {
        x = 1 / x;
        m = -n;
    }
    let result = 1;
    do {
        if (m & 1) result *= x;
        m >>>= 1;
        x *= x;
    } while (m);
    return result;
}
