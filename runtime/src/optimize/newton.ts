// Newton steps with the Hessian: p = −Σ_k (v_kᵀ g / |λ_k|) v_k over the eigenpairs (λ_k, v_k) of H,
// i.e. the Newton step with negative curvatures taken by their magnitude (so every step goes downhill,
// also away from saddles) and (near-)zero modes such as rigid translations left out. The step is
// limited by a trust radius (largest atomic displacement, Å) that adapts to how well the quadratic
// model m(αp) = α gᵀp + ½ α² pᵀHp predicted the change in energy (Nocedal & Wright §4.1: ratio
// ρ = ΔE/Δm; ρ < ¼ shrinks it fourfold, ρ > ¾ at the radius doubles it). Quadratic convergence near
// the minimum, at the price of one Hessian per iteration.
import { symmetricEigen } from '../math/symmetric-eigen.js';
import type { Objective } from './objective.js';
import { cappedStep, dot, iterate, type OptimizeResult, type OptimizeSettings } from './optimizer.js';

/** Curvatures below this fraction of the largest are treated as zero modes. */
const ZERO_MODE = 1e-8;
const MAX_RADIUS = 1.0;

export function minimizeNewton(objective: Objective, settings: OptimizeSettings, hessian: (x: Float64Array) => Promise<Float64Array>): Promise<OptimizeResult> {
    let radius = settings.maxStep ?? 0.2;
    const n = objective.size;
    return iterate('newton', objective, settings, async (x, at) => {
        const H = await hessian(x);
        const { values, vectors } = symmetricEigen(H, n);
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
        let curvature = 0; // pᵀHp
        for (let i = 0; i < n; i++) {
            let hp = 0;
            for (let j = 0; j < n; j++) hp += H[i * n + j]! * p[j]!;
            curvature += p[i]! * hp;
        }
        for (let tries = 0; tries < 30; tries++) {
            const alpha = cappedStep(p, radius);
            const next = x.map((v, k) => v + alpha * p[k]!);
            const e = await objective.evaluate(next);
            const predicted = alpha * slope + 0.5 * alpha * alpha * curvature;
            const rho = predicted < 0 ? (e.energy - at.energy) / predicted : 0;
            if (rho < 0.25) radius /= 4;
            else if (rho > 0.75 && alpha < 1) radius = Math.min(2 * radius, MAX_RADIUS);
            // sufficient decrease, or (energies below their rounding, e.g. float32) Hager–Zhang's approximate form
            const accepted = e.energy <= at.energy + 1e-4 * alpha * slope || (e.energy <= at.energy + 1e-6 * Math.abs(at.energy) && dot(e.gradient, p) <= (2e-4 - 1) * slope);
            if (accepted) return { x: next, at: e };
        }
        return undefined;
    });
}
