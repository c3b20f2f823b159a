// A line search for the strong Wolfe conditions (Nocedal & Wright, Numerical Optimization, 2nd ed.,
// algorithms 3.5 and 3.6): sufficient decrease φ(α) ≤ φ(0) + c₁ α φ'(0) and curvature
// |φ'(α)| ≤ c₂ |φ'(0)|, with the bracket shrunk by safeguarded cubic interpolation.
// Near a minimum the energy changes fall below its rounding (float32 energies of a GPU calculator:
// ~10⁻⁷ |E|), so sufficient decrease is also granted in Hager & Zhang's approximate form
// (SIAM J. Optim. 16, 170 (2005)): φ(α) ≤ φ(0) + ε with ε = 10⁻⁶ |φ(0)|, and φ'(α) ≤ (2c₁ − 1) φ'(0),
// which uses the (accurate) forces where the energies cannot decide.
import type { Evaluation, Objective } from './objective.js';

export interface LineSearchResult {
    readonly alpha: number;
    readonly x: Float64Array;
    readonly at: Evaluation;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
    return s;
};

/** Minimiser of the cubic through (a, fa, ga), (b, fb, gb), kept inside the middle 80 % of the bracket. */
function cubicStep(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
    const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
    const disc = d1 * d1 - ga * gb;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    let t = (a + b) / 2;
    if (disc >= 0) {
        const d2 = Math.sign(b - a) * Math.sqrt(disc);
        const c = b - (b - a) * ((gb + d2 - d1) / (gb - ga + 2 * d2));
        if (Number.isFinite(c)) t = c;
    }
    const margin = 0.1 * (hi - lo);
    return Math.min(Math.max(t, lo + margin), hi - margin);
}

/**
 * Searches along p from x (where `at` was evaluated), starting with step alpha1. Returns the best
 * point found; `undefined` only when no step decreased the energy (p is then not a useful direction).
 */
export async function strongWolfe(objective: Objective, x: Float64Array, at: Evaluation, p: Float64Array, alpha1: number, c1 = 1e-4, c2 = 0.9, maxEvaluations = 20): Promise<LineSearchResult | undefined> {
    const f0 = at.energy;
    const g0 = dot(at.gradient, p);
    if (!(g0 < 0)) return undefined;
    const eps = 1e-6 * Math.abs(f0);
    const sufficient = (q: { alpha: number; f: number; g: number }) => q.f <= f0 + c1 * q.alpha * g0 || (q.f <= f0 + eps && q.g <= (2 * c1 - 1) * g0);
    const point = async (alpha: number) => {
        const xa = x.map((v, k) => v + alpha * p[k]!);
        const e = await objective.evaluate(xa);
        return { alpha, x: xa, at: e, f: e.energy, g: dot(e.gradient, p) };
    };
    type Point = Awaited<ReturnType<typeof point>>;
    let best: Point | undefined;
    const keep = (q: Point) => {
        if (sufficient(q) && (!best || q.f < best.f)) best = q;
    };
    let evaluations = 0;
    const zoom = async (lo: Point | { alpha: number; f: number; g: number }, hi: Point | { alpha: number; f: number; g: number }): Promise<Point | undefined> => {
        while (evaluations < maxEvaluations) {
            const q = await point(cubicStep(lo.alpha, lo.f, lo.g, hi.alpha, hi.f, hi.g));
            evaluations++;
            keep(q);
            if (!sufficient(q) || q.f > lo.f + (q.g <= 0 ? eps : 0)) {
                hi = q;
            } else {
                if (Math.abs(q.g) <= -c2 * g0) return q;
                if (q.g * (hi.alpha - lo.alpha) >= 0) hi = lo;
                lo = q;
            }
            if (Math.abs(hi.alpha - lo.alpha) < 1e-12 * Math.max(1, hi.alpha)) break;
        }
        return best;
    };
    let prev = { alpha: 0, f: f0, g: g0 };
    let alpha = alpha1;
    while (evaluations < maxEvaluations) {
        const q = await point(alpha);
        evaluations++;
        keep(q);
        if (!sufficient(q) || (evaluations > 1 && q.f > prev.f + (q.g <= 0 ? eps : 0))) {
            const z = await zoom(prev, q);
            return z ?? best;
        }
        if (Math.abs(q.g) <= -c2 * g0) return q;
        if (q.g >= 0) return (await zoom(q, prev)) ?? best;
        prev = q;
        alpha *= 2;
    }
    return best;
}
