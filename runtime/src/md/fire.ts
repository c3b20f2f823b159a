// The `optimize` protocol with FIRE (Bitzek et al., PRL 97, 170201 (2006)), with ASE's parameters
// and conventions (unit masses, dt in ASE's units: steps of Å per (eV/Å), at most 0.2 Å per step):
//   v ← v + dt F;  P = F·v;  P > 0: v ← (1−α) v + α |v| F̂, after N_min such steps dt ← min(1.1 dt, dt_max),
//   α ← 0.99 α;  P ≤ 0: v ← 0, dt ← dt/2, α ← α_start;  r ← r + dt v (scaled to ≤ 0.2 Å)
// Stops when the largest atomic force is below fmax.
import type { Structure } from '../structure.js';
import type { Calculator } from './run-md.js';

export interface OptimizeResult {
    readonly protocol: 'optimize';
    readonly method: 'fire';
    readonly converged: boolean;
    readonly steps: number;
    readonly energyEv: number;
    readonly fmaxEvPerA: number;
    readonly final: Structure;
}

export function maxForce(forces: Float64Array): number {
    let m = 0;
    for (let i = 0; i < forces.length / 3; i++) m = Math.max(m, Math.hypot(forces[3 * i]!, forces[3 * i + 1]!, forces[3 * i + 2]!));
    return m;
}

export async function fire(start: Structure, calculator: Calculator, fmax: number, maxSteps: number, onStep?: (step: number, energy: number, fmax: number, s: Structure) => void): Promise<OptimizeResult> {
    const dtMax = 1.0;
    const nMin = 5;
    const aStart = 0.1;
    const maxStep = 0.2;
    let dt = 0.1;
    let a = aStart;
    let positive = 0;
    const x = Float64Array.from(start.positions);
    const v = new Float64Array(x.length);
    let r = await calculator({ ...start, positions: x });
    let step = 0;
    onStep?.(0, r.energy, maxForce(r.forces), { ...start, positions: Float64Array.from(x) });
    while (maxForce(r.forces) >= fmax && step < maxSteps) {
        const f = r.forces;
        let p = 0;
        let vn = 0;
        let fn = 0;
        for (let k = 0; k < x.length; k++) {
            p += f[k]! * v[k]!;
            vn += v[k]! * v[k]!;
            fn += f[k]! * f[k]!;
        }
        if (step === 0) {
            // the first step starts from rest (ASE: no velocity yet)
        } else if (p > 0) {
            const mix = (a * Math.sqrt(vn)) / Math.sqrt(fn || 1);
            for (let k = 0; k < x.length; k++) v[k] = (1 - a) * v[k]! + mix * f[k]!;
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
        for (let k = 0; k < x.length; k++) v[k]! += dt * f[k]!;
        let norm = 0;
        for (let k = 0; k < x.length; k++) norm += (dt * v[k]!) ** 2;
        const scale = Math.sqrt(norm) > maxStep ? maxStep / Math.sqrt(norm) : 1;
        for (let k = 0; k < x.length; k++) x[k]! += scale * dt * v[k]!;
        r = await calculator({ ...start, positions: x });
        step++;
        onStep?.(step, r.energy, maxForce(r.forces), { ...start, positions: Float64Array.from(x) });
    }
    const fm = maxForce(r.forces);
    return { protocol: 'optimize', method: 'fire', converged: fm < fmax, steps: step, energyEv: r.energy, fmaxEvPerA: fm, final: { ...start, positions: x, energy: r.energy, forces: r.forces } };
}
