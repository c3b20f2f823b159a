// The optimisers' common settings, result and loop: each method proposes the next point; the loop
// counts iterations, reports each one and stops when the largest force is below fmax.
import type { Structure } from '../structure.js';
import type { Evaluation, Objective } from './objective.js';

export interface OptimizeSettings {
    /** Stop when the largest atomic force (and cell force) is below this (eV/Å). */
    readonly fmax: number;
    readonly maxSteps: number;
    /** Largest displacement of any atom in one step (Å). */
    readonly maxStep?: number;
    readonly onStep?: (iteration: number, at: Evaluation, fmax: number) => void;
}

export interface OptimizeResult {
    readonly protocol: 'optimize';
    readonly method: string;
    readonly converged: boolean;
    /** Optimiser iterations (steps); a line search or a Hessian counts as part of one. */
    readonly steps: number;
    /** Energy and force evaluations, including line searches and finite-difference Hessians. */
    readonly evaluations: number;
    readonly energyEv: number;
    readonly fmaxEvPerA: number;
    readonly final: Structure;
}

/** One iteration: from the current point to the next, or undefined when no progress is possible. */
export type Step = (x: Float64Array, at: Evaluation, iteration: number) => Promise<{ readonly x: Float64Array; readonly at: Evaluation } | undefined>;

export async function iterate(method: string, objective: Objective, settings: OptimizeSettings, step: Step): Promise<OptimizeResult> {
    let x: Float64Array = Float64Array.from(objective.x0);
    let at = await objective.evaluate(x);
    let iteration = 0;
    settings.onStep?.(0, at, objective.fmax(at.gradient));
    while (objective.fmax(at.gradient) >= settings.fmax && iteration < settings.maxSteps) {
        const next = await step(x, at, iteration);
        if (!next) break;
        ({ x, at } = next);
        iteration++;
        settings.onStep?.(iteration, at, objective.fmax(at.gradient));
    }
    const f = objective.fmax(at.gradient);
    return {
        protocol: 'optimize', method, converged: f < settings.fmax, steps: iteration, evaluations: objective.evaluations,
        energyEv: at.energy, fmaxEvPerA: f, final: { ...at.structure, energy: at.energy, forces: at.calculation.forces },
    };
}

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let s = 0;
    for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
    return s;
};

/** The largest step along p whose biggest 3-vector displacement stays within maxStep, at most 1. */
export function cappedStep(p: Float64Array, maxStep: number): number {
    let m = 0;
    for (let i = 0; i < p.length / 3; i++) m = Math.max(m, Math.hypot(p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!));
    return m > maxStep ? maxStep / m : 1;
}
