// L-BFGS (Nocedal, Math. Comp. 35, 773 (1980)): the inverse Hessian from the last m steps s = Δx and
// gradient changes y = Δg by the two-loop recursion, scaled by γ = sᵀy / yᵀy; a strong-Wolfe line
// search along the direction, the trial step capped at maxStep per atom.
import { strongWolfe } from './line-search.js';
import type { Objective } from './objective.js';
import { cappedStep, dot, iterate, type OptimizeResult, type OptimizeSettings } from './optimizer.js';

export function minimizeLbfgs(objective: Objective, settings: OptimizeSettings, memory = 20): Promise<OptimizeResult> {
    const maxStep = settings.maxStep ?? 0.2;
    let S: Float64Array[] = [];
    let Y: Float64Array[] = [];
    return iterate('lbfgs', objective, settings, async (x, at) => {
        for (let attempt = 0; attempt < 2; attempt++) {
            const p = direction(at.gradient, S, Y);
            const found = await strongWolfe(objective, x, at, p, cappedStep(p, maxStep), 1e-4, 0.9);
            if (!found) {
                if (S.length === 0) return undefined; // steepest descent found no lower point
                S = [];
                Y = [];
                continue;
            }
            const s = found.x.map((v, k) => v - x[k]!);
            const y = found.at.gradient.map((v, k) => v - at.gradient[k]!);
            if (dot(s, y) > 1e-14) {
                S.push(s);
                Y.push(y);
                if (S.length > memory) {
                    S.shift();
                    Y.shift();
                }
            }
            return found;
        }
        return undefined;
    });
}

/** −H g by the two-loop recursion; steepest descent without history or when that is not downhill. */
function direction(g: Float64Array, S: readonly Float64Array[], Y: readonly Float64Array[]): Float64Array {
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
        const a = dot(S[k]!, q) / dot(Y[k]!, S[k]!);
        alpha[k] = a;
        for (let i = 0; i < q.length; i++) q[i]! -= a * Y[k]![i]!;
    }
    if (S.length > 0) {
        const last = S.length - 1;
        const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
        for (let i = 0; i < q.length; i++) q[i]! *= gamma;
    }
    for (let k = 0; k < S.length; k++) {
        const b = dot(Y[k]!, q) / dot(Y[k]!, S[k]!);
        for (let i = 0; i < q.length; i++) q[i]! += S[k]![i]! * (alpha[k]! - b);
    }
    const p = q.map((v) => -v);
    return dot(p, g) < 0 ? p : g.map((v) => -v);
}
