// Committees (issue 7, item 2): K networks per element trained from different seeds (and, with
// `committee K bootstrap`, on bootstrap resamples of the training split) that share the scaling
// statistics and energy offsets, so that they differ only in their networks. The committee predicts
// the mean of its members; the spread of the members is the uncertainty:
//
//   Ē = (1/K) Σ_k E_k                      σ_E = sqrt( Σ_k (E_k − Ē)² / (K − 1) )       (eV)
//   F̄_i = (1/K) Σ_k F_ik                   σ_F,i = sqrt( Σ_c Σ_k (F_ikc − F̄_ic)² / (K − 1) )   (eV/Å, per atom: |σ_F|)
//
// (the unbiased sample variance; K = 1 gives σ = 0). Committees are over-confident (their members see
// the same data), so the spread is calibrated by one scale factor s per quantity fitted on the
// validation split: with z = error / (s σ), s is chosen so that the z-scores have unit RMS,
//
//   s² = (1/n) Σ_j e_j² / σ_j²
//
// the maximum-likelihood scale of a Gaussian e_j ~ N(0, (s σ_j)²) (Musil et al., JCTC 15, 906 (2019)
// use the same estimator). Energies: e_j = Ē_j − E_ref,j per structure; forces: e_i = |F̄_i − F_ref,i|,
// one term per atom (e_i² and σ_F,i² both sum three components, so s = 1 when every component's error
// has the variance σ_F,i²/3). Terms with σ = 0 are left out. The calibrated uncertainty is s σ.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { mixSeed, uniforms } from '../math/random.js';
import { calibrationChart } from '../report/svg-plot.js';

/** n indices drawn from 0..n−1 with replacement (a bootstrap resample), by `seed`. */
export function bootstrapIndices(n: number, seed: number): number[] {
    const u = uniforms(mixSeed(seed, 0xb0075));
    return Array.from({ length: n }, () => Math.min(n - 1, Math.floor(u() * n)));
}

/** One member's prediction for a structure: energy in eV, (atoms, 3) forces in eV/Å. */
export interface MemberPrediction {
    readonly energy: number;
    readonly forces: ArrayLike<number>;
}

export interface CommitteePrediction {
    readonly members: number;
    /** Mean energy, eV. */
    readonly energy: number;
    /** σ_E, eV (uncalibrated). */
    readonly energyStd: number;
    /** (atoms, 3) mean forces, eV/Å. */
    readonly forces: Float64Array;
    /** (atoms) σ_F,i = |σ_F| per atom, eV/Å (uncalibrated). */
    readonly forceStd: Float64Array;
}

/** The committee mean and spread of one structure's member predictions (same structure, same atom order). */
export function committeeStatistics(members: readonly MemberPrediction[]): CommitteePrediction {
    const K = members.length;
    if (K === 0) throw new Error('a committee needs at least one member');
    const n3 = members[0]!.forces.length;
    for (const m of members) if (m.forces.length !== n3) throw new Error('committee members disagree on the number of atoms');
    let energy = 0;
    for (const m of members) energy += m.energy / K;
    let ve = 0;
    for (const m of members) ve += (m.energy - energy) ** 2;
    const forces = new Float64Array(n3);
    for (const m of members) for (let q = 0; q < n3; q++) forces[q]! += m.forces[q]! / K;
    const forceStd = new Float64Array(n3 / 3);
    for (let i = 0; i < n3 / 3; i++) {
        let v = 0;
        for (const m of members) for (let c = 0; c < 3; c++) v += (m.forces[3 * i + c]! - forces[3 * i + c]!) ** 2;
        forceStd[i] = K > 1 ? Math.sqrt(v / (K - 1)) : 0;
    }
    return { members: K, energy, energyStd: K > 1 ? Math.sqrt(ve / (K - 1)) : 0, forces, forceStd };
}

/** The scale s with unit RMS z-score: s² = (1/n) Σ_j e_j² / σ_j² over the n terms with σ_j > 0; 1 when none has a spread. */
export function fitCalibration(errors: ArrayLike<number>, sigmas: ArrayLike<number>): number {
    let sum = 0;
    let n = 0;
    for (let j = 0; j < errors.length; j++) {
        const s = sigmas[j]!;
        if (!(s > 0) || !Number.isFinite(errors[j]!)) continue;
        sum += (errors[j]! / s) ** 2;
        n++;
    }
    return n > 0 ? Math.sqrt(sum / n) : 1;
}

export interface CalibrationBin {
    /** RMS of the calibrated σ in the bin. */
    readonly sigma: number;
    /** RMS error in the bin (per component for forces: |e|/√3). */
    readonly rmse: number;
    readonly count: number;
}

/** Equal-count bins of the terms sorted by σ: per bin the RMS predicted σ and the RMS error (both per component: divided by √dimension). */
export function calibrationBins(errors: ArrayLike<number>, sigmas: ArrayLike<number>, bins: number, dimension = 1): CalibrationBin[] {
    const order = Array.from({ length: errors.length }, (_, j) => j).sort((a, b) => sigmas[a]! - sigmas[b]! || a - b);
    const count = Math.min(bins, order.length);
    const out: CalibrationBin[] = [];
    for (let b = 0; b < count; b++) {
        const part = order.slice(Math.floor((b * order.length) / count), Math.floor(((b + 1) * order.length) / count));
        if (part.length === 0) continue;
        let s2 = 0;
        let e2 = 0;
        for (const j of part) {
            s2 += sigmas[j]! ** 2 / dimension;
            e2 += errors[j]! ** 2 / dimension;
        }
        out.push({ sigma: Math.sqrt(s2 / part.length), rmse: Math.sqrt(e2 / part.length), count: part.length });
    }
    return out;
}

/** The calibration plot of energies (meV/atom) and forces (meV/Å, per component), from calibrated bins. */
export function calibrationPlot(model: string, energy: readonly CalibrationBin[], forces: readonly CalibrationBin[]): string {
    return calibrationChart(`${model}: committee calibration (validation split)`, 'meV/atom or meV/Å', [
        { name: 'energy per atom', color: '#1f77b4', x: energy.map((b) => 1000 * b.sigma), y: energy.map((b) => 1000 * b.rmse) },
        { name: 'force component', color: '#d62728', x: forces.map((b) => 1000 * b.sigma), y: forces.map((b) => 1000 * b.rmse) },
    ]);
}

/** `<stem>.committee.json`: the members and their calibration, written by `nnp train`. */
export interface CommitteeFile {
    readonly format: 'nnp-committee';
    readonly version: 1;
    readonly model: string;
    readonly size: number;
    readonly bootstrap: boolean;
    /** Per member: its seed. */
    readonly seeds: readonly number[];
    /** Per member: its weights file, relative to the committee file's folder. */
    readonly members: readonly string[];
    readonly calibration: {
        /** s for σ_E. */
        readonly energy: number;
        /** s for σ_F,i. */
        readonly forces: number;
        /** The split the factors were fitted on. */
        readonly split: 'validation' | 'train';
        readonly structures: number;
        readonly atoms: number;
    };
    /** Calibrated σ_E per atom (eV/atom) of the calibration split's structures, ascending. */
    readonly energyStdPerAtom: readonly number[];
    /** The largest calibrated σ_F,i (eV/Å) of each structure of the calibration split, ascending (the guard's percentiles). */
    readonly maxForceStd: readonly number[];
}

export class CommitteeFileError extends Error {}

export function writeCommitteeFile(path: string, c: CommitteeFile): void {
    writeFileAtomic(path, `${JSON.stringify(c, null, 2)}\n`);
}

/** Reads a committee file; `memberPaths` are absolute. */
export function readCommitteeFile(path: string): CommitteeFile & { readonly memberPaths: readonly string[] } {
    let json: CommitteeFile;
    try {
        json = JSON.parse(readFileSync(path, 'utf8')) as CommitteeFile;
    } catch (e) {
        throw new CommitteeFileError(`${path}: cannot read the committee (${(e as Error).message})`);
    }
    if (json.format !== 'nnp-committee' || json.version !== 1) throw new CommitteeFileError(`${path}: not an nnp committee file (format nnp-committee, version 1)`);
    if (!Array.isArray(json.members) || json.members.length === 0) throw new CommitteeFileError(`${path}: the committee has no members`);
    const c = json.calibration;
    if (!c || !(c.energy > 0) || !(c.forces > 0)) throw new CommitteeFileError(`${path}: calibration factors must be positive`);
    return { ...json, memberPaths: json.members.map((m) => resolve(dirname(path), m)) };
}

/** The P-th percentile (0..100, linear interpolation) of ascending values. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
    if (sorted.length === 0) return NaN;
    const x = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo]! + (x - lo) * (sorted[hi]! - sorted[lo]!);
}
