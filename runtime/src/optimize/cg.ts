// Nonlinear conjugate gradients, Polak–Ribière with β⁺ = max(0, gᵀ(g − g_prev) / g_prevᵀg_prev)
// (Nocedal & Wright §5.2), restarted along −g every `size` iterations or when the direction is not
// downhill; a strong-Wolfe line search with c₂ = 0.1, as CG needs accurate line minima.
import { strongWolfe } from './line-search.js';
import type { Objective } from './objective.js';
import { cappedStep, dot, iterate, type OptimizeResult, type OptimizeSettings } from './optimizer.js';

export function minimizeCg(objective: Objective, settings: OptimizeSettings): Promise<OptimizeResult> {
    const maxStep = settings.maxStep ?? 0.2;
    let p: Float64Array | undefined;
    let previous: { g: Float64Array; p: Float64Array; alpha: number } | undefined;
    let sinceRestart = 0;
    return iterate('cg', objective, settings, async (x, at) => {
        const g = at.gradient;
        if (previous && p && sinceRestart < objective.size) {
            const beta = Math.max(0, (dot(g, g) - dot(g, previous.g)) / dot(previous.g, previous.g));
            p = g.map((v, k) => -v + beta * previous!.p[k]!);
            if (dot(p, g) >= 0) p = undefined;
        } else {
            p = undefined;
        }
        if (!p) {
            p = g.map((v) => -v);
            sinceRestart = 0;
        }
        // initial trial: the previous step's first-order decrease, capped (Nocedal & Wright eq. 3.60)
        const guess = previous ? (previous.alpha * dot(previous.g, previous.p)) / dot(g, p) : 1;
        let found = await strongWolfe(objective, x, at, p, Math.min(guess, cappedStep(p, maxStep)), 1e-4, 0.1);
        if (!found && sinceRestart > 0) {
            p = g.map((v) => -v);
            sinceRestart = 0;
            found = await strongWolfe(objective, x, at, p, cappedStep(p, maxStep), 1e-4, 0.1);
        }
        if (!found) return undefined;
        previous = { g, p, alpha: found.alpha };
        sinceRestart++;
        return found;
    });
}
