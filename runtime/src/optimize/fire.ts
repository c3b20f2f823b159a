// FIRE (Bitzek et al., PRL 97, 170201 (2006)) with ASE's parameters and conventions (unit masses, dt in
// ASE's units: Å per (eV/Å) per step, the whole step scaled to at most maxStep):
//   v ← v + dt F;  P = F·v;  P > 0: v ← (1−α) v + α |v| F̂, after N_min such steps dt ← min(1.1 dt, dt_max),
//   α ← 0.99 α;  P ≤ 0: v ← 0, dt ← dt/2, α ← α_start;  r ← r + dt v
import type { Calculator } from '../md/run-md.js';
import type { Structure } from '../structure.js';
import { positionsObjective, type Objective } from './objective.js';
import { dot, iterate, type OptimizeResult, type OptimizeSettings } from './optimizer.js';

export function minimizeFire(objective: Objective, settings: OptimizeSettings): Promise<OptimizeResult> {
    const dtMax = 1.0;
    const nMin = 5;
    const aStart = 0.1;
    const maxStep = settings.maxStep ?? 0.2;
    let dt = 0.1;
    let a = aStart;
    let positive = 0;
    const v = new Float64Array(objective.size);
    return iterate('fire', objective, settings, async (x, at, iteration) => {
        const f = at.gradient.map((g) => -g);
        const p = dot(f, v);
        if (iteration === 0) {
            // the first step starts from rest (ASE: no velocity yet)
        } else if (p > 0) {
            const mix = (a * Math.sqrt(dot(v, v))) / Math.sqrt(dot(f, f) || 1);
            for (let k = 0; k < v.length; k++) v[k] = (1 - a) * v[k]! + mix * f[k]!;
            if (positive > nMin) {
                dt = Math.min(dt * 1.1, dtMax);
                a *= 0.99;
            }
            positive++;
        } else {
            v.fill(0);
            dt *= 0.5;
            a = aStart;
            positive = 0;
        }
        for (let k = 0; k < v.length; k++) v[k]! += dt * f[k]!;
        const norm = dt * Math.sqrt(dot(v, v));
        const scale = norm > maxStep ? maxStep / norm : 1;
        const next = x.map((xk, k) => xk + scale * dt * v[k]!);
        return { x: next, at: await objective.evaluate(next) };
    });
}

/** FIRE on the atoms' positions (the cell fixed). */
export function fire(start: Structure, calculator: Calculator, fmax: number, maxSteps: number): Promise<OptimizeResult> {
    return minimizeFire(positionsObjective(start, calculator), { fmax, maxSteps });
}
