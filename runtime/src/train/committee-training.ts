// Committee training (`committee K [bootstrap]` in a train block): member k is the same training
// problem with seed (seed + k) — its own initial weights and mini-batch order — and, with `bootstrap`,
// a bootstrap resample of the training split (with replacement, seeded by the member's seed). The
// validation and test splits, the scaling statistics, the normalisation and the energy offsets are
// the problem's (computed once from the whole training split), so the members differ only in their
// networks. After training: each member's errors, the committee mean's errors, and the calibration
// of the spread on the validation split (runtime/src/uncertainty/committee.ts).
import { bootstrapIndices, calibrationBins, calibrationPlot, committeeStatistics, fitCalibration } from '../uncertainty/committee.js';
import { referenceLoss, type Predictions } from './reference-loss.js';
import { splitReport, type SplitReport } from './report.js';
import type { TrainProblem } from './trainer.js';
import type { TrainingStructure } from './training-set.js';

/** The training problem of member k (0-based). Member 0 without bootstrap is the problem itself but for its fingerprint. */
export function memberProblem(problem: TrainProblem, k: number): TrainProblem {
    const c = problem.training.committee;
    if (!c) return problem;
    const seed = problem.training.seed + k;
    const train = c.bootstrap ? bootstrapIndices(problem.sets[0].length, seed).map((i) => problem.sets[0][i]!) : problem.sets[0];
    return {
        ...problem,
        training: { ...problem.training, seed },
        sets: [train, problem.sets[1], problem.sets[2]],
        fingerprint: `${problem.fingerprint}.c${k}`,
    };
}

function predictions(problem: TrainProblem, weights: Float64Array, set: readonly TrainingStructure[]): Predictions {
    const p: Predictions = { energies: new Float64Array(set.length), forces: [] };
    if (set.length > 0) referenceLoss(problem.layout, weights, set, set.map((_, i) => i), { energy: 0, forces: 0 }, problem.sigma, undefined, p);
    return p;
}

export interface CommitteeCalibration {
    readonly energy: number;
    readonly forces: number;
    readonly split: 'validation' | 'train';
    readonly structures: number;
    readonly atoms: number;
    /** Calibrated σ_E/N of the split's structures, eV/atom, ascending. */
    readonly energyStdPerAtom: number[];
    /** Per structure of the split: the largest calibrated σ_F,i, eV/Å, ascending. */
    readonly maxForceStd: number[];
}

export interface CommitteeReport {
    readonly size: number;
    readonly bootstrap: boolean;
    /** Per member, per split: errors (meV/atom, meV/Å). */
    readonly members: readonly Readonly<Record<string, SplitReport>>[];
    /** The committee mean's errors per split. */
    readonly mean: Readonly<Record<string, SplitReport>>;
    /** Per split: the mean calibrated σ_E/N (meV/atom) and σ_F per atom (meV/Å) of the committee. */
    readonly spread: Readonly<Record<string, { readonly energyStdPerAtom: number; readonly forceStd: number }>>;
    readonly calibration: CommitteeCalibration;
}

const SPLITS = ['train', 'validation', 'test'] as const;

/** Errors of every member and of the mean, the calibration (validation split, else training) and its plot. */
export function evaluateCommittee(problem: TrainProblem, members: readonly Float64Array[]): { report: CommitteeReport; plot: string } {
    const per = members.map((w) => problem.sets.map((set) => predictions(problem, w, set)));
    const memberReports = per.map((p) => {
        const out: Record<string, SplitReport> = {};
        SPLITS.forEach((name, s) => {
            if (problem.sets[s].length > 0) out[name] = splitReport(problem, problem.sets[s], p[s]!);
        });
        return out;
    });
    const stats = problem.sets.map((set, s) => set.map((_, j) => committeeStatistics(per.map((p) => ({ energy: p[s]!.energies[j]!, forces: p[s]!.forces[j]! })))));
    const meanReport: Record<string, SplitReport> = {};
    SPLITS.forEach((name, s) => {
        if (problem.sets[s].length === 0) return;
        const st = stats[s]!;
        meanReport[name] = splitReport(problem, problem.sets[s], { energies: Float64Array.from(st, (x) => x.energy), forces: st.map((x) => x.forces) });
    });

    const cs = problem.sets[1].length > 0 ? 1 : 0;
    const set = problem.sets[cs];
    const st = stats[cs]!;
    const eErr = set.map((x, j) => st[j]!.energy - x.target);
    const eSig = st.map((x) => x.energyStd);
    const fErr: number[] = [];
    const fSig: number[] = [];
    set.forEach((x, j) => {
        for (let i = 0; i < x.atoms.length; i++) {
            fErr.push(Math.hypot(st[j]!.forces[3 * i]! - x.forces[3 * i]!, st[j]!.forces[3 * i + 1]! - x.forces[3 * i + 1]!, st[j]!.forces[3 * i + 2]! - x.forces[3 * i + 2]!));
            fSig.push(st[j]!.forceStd[i]!);
        }
    });
    const sE = fitCalibration(eErr, eSig);
    const sF = fitCalibration(fErr, fSig);
    const calibration: CommitteeCalibration = {
        energy: sE, forces: sF, split: cs === 1 ? 'validation' : 'train', structures: set.length, atoms: fErr.length,
        energyStdPerAtom: set.map((x, j) => (sE * st[j]!.energyStd) / x.atoms.length).sort((a, b) => a - b),
        maxForceStd: st.map((x) => sF * Math.max(...x.forceStd)).sort((a, b) => a - b),
    };
    const spread: Record<string, { energyStdPerAtom: number; forceStd: number }> = {};
    SPLITS.forEach((name, s) => {
        if (problem.sets[s].length === 0) return;
        let e = 0;
        let f = 0;
        let atoms = 0;
        problem.sets[s].forEach((x, j) => {
            e += (sE * stats[s]![j]!.energyStd) / x.atoms.length;
            for (const v of stats[s]![j]!.forceStd) f += sF * v;
            atoms += x.atoms.length;
        });
        spread[name] = { energyStdPerAtom: (1000 * e) / problem.sets[s].length, forceStd: (1000 * f) / Math.max(1, atoms) };
    });
    // bins of the calibrated σ (per atom for energies, per component for forces)
    const bins = Math.max(2, Math.min(10, Math.floor(set.length / 2)));
    const eBins = calibrationBins(set.map((x, j) => eErr[j]! / x.atoms.length), set.map((x, j) => (sE * eSig[j]!) / x.atoms.length), bins);
    const fBins = calibrationBins(fErr, fSig.map((v) => sF * v), 10, 3);
    const c = problem.training.committee;
    return {
        report: { size: members.length, bootstrap: c?.bootstrap ?? false, members: memberReports, mean: meanReport, spread, calibration },
        plot: calibrationPlot(problem.model.name, eBins, fBins),
    };
}

const f2 = (x: number) => x.toFixed(2);

/** The committee section of the markdown report. */
export function committeeMarkdown(r: CommitteeReport): string {
    const rows: string[] = [];
    for (const name of SPLITS) {
        r.members.forEach((m, k) => {
            const s = m[name];
            if (s) rows.push(`| ${name} | member ${k} | ${f2(s.energyRmse)} | ${f2(s.energyMae)} | ${f2(s.forceRmse)} | ${f2(s.forceMae)} |`);
        });
        const s = r.mean[name];
        if (s) rows.push(`| ${name} | **mean** | ${f2(s.energyRmse)} | ${f2(s.energyMae)} | ${f2(s.forceRmse)} | ${f2(s.forceMae)} |`);
    }
    const c = r.calibration;
    return [
        '',
        `## Committee (${r.size} members${r.bootstrap ? ', bootstrap resamples' : ''})`,
        '',
        '| split | model | E RMSE (meV/atom) | E MAE (meV/atom) | F RMSE (meV/Å) | F MAE (meV/Å) |',
        '|---|---|---|---|---|---|',
        ...rows,
        '',
        `Calibration on the ${c.split} split (${c.structures} structures, ${c.atoms} atoms): σ_E × ${c.energy.toPrecision(4)}, σ_F × ${c.forces.toPrecision(4)} (unit RMS z-score).`,
        '',
        '| split | mean calibrated σ_E (meV/atom) | mean calibrated σ_F per atom (meV/Å) |',
        '|---|---|---|',
        ...Object.entries(r.spread).map(([name, s]) => `| ${name} | ${f2(s.energyStdPerAtom)} | ${f2(s.forceStd)} |`),
        '',
    ].join('\n');
}
