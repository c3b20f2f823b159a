// Newton steps with the Hessian: p = −Σ_k (v_kᵀ g / |λ_k|) v_k over the eigenpairs (λ_k, v_k) of H,
// i.e. the Newton step with negative curvatures taken by their magnitude (so every step goes downhill,
// also away from saddles) and (near-)zero modes such as rigid translations left out; the step capped
// at maxStep per atom, then halved until the energy decreases (Armijo). Quadratic convergence near
// the minimum, at the price of one Hessian per iteration.
import { symmetricEigen } from '../math/symmetric-eigen.js';
import type { Objective } from './objective.js';
import { cappedStep, dot, iterate, type OptimizeResult, type OptimizeSettings } from './optimizer.js';

/** Curvatures below this fraction of the largest are treated as zero modes. */
const ZERO_MODE = 1e-8;

export function minimizeNewton(objective: Objective, settings: OptimizeSettings, hessian: (x: Float64Array) => Promise<Float64Array>): Promise<OptimizeResult> {
    const maxStep = settings.maxStep ?? 0.2;
    const n = objective.size;
    return iterate('newton', objective, settings, async (x, at) => {
        const { values, vectors } = symmetricEigen(await hessian(x), n);
        const largest = Math.max(...values.map(Math.abs));
        const p = new Float64Array(n);
        for (let k = 0; k < n; k++) {
            const lambda = Math.abs(values[k]!);
            if (lambda <= ZERO_MODE * largest) continue;
            let c = 0;
            for (let i = 0; i < n; i++) c += vectors[i * n + k]! * at.gradient[i]!;
            for (let i = 0; i < n; i++) p[i]! -= (c / lambda) * vectors[i * n + k]!;
        }
        const slope = dot(p, at.gradient);
        if (!(slope < 0)) return undefined;
        for (let alpha = cappedStep(p, maxStep), tries = 0; tries < 30; alpha /= 2, tries++) {
            const next = x.map((v, k) => v + alpha * p[k]!);
            const e = await objective.evaluate(next);
            if (e.energy <= at.energy + 1e-4 * alpha * slope) return { x: next, at: e };
        }
        return undefined;
    });
}
