// The end-of-training report: errors of the chosen weights on every split (float64 evaluation),
// per element and per group (extended XYZ config_type), the learning curve and parity plots.
// Energies per atom in meV/atom, forces in meV/Å.
import { lineChart, parityChart } from '../report/svg-plot.js';
import type { EpochRecord } from './checkpoint.js';
import { referenceLoss, type Predictions } from './reference-loss.js';
import type { TrainProblem, TrainResult } from './trainer.js';
import type { TrainingStructure } from './training-set.js';

export interface ErrorSummary {
    readonly structures: number;
    readonly atoms: number;
    /** meV/atom */
    readonly energyRmse: number;
    readonly energyMae: number;
    /** meV/Å, over force components */
    readonly forceRmse: number;
    readonly forceMae: number;
}

export interface SplitReport extends ErrorSummary {
    readonly elements: Readonly<Record<string, { readonly atoms: number; readonly forceRmse: number; readonly forceMae: number }>>;
    readonly groups: Readonly<Record<string, ErrorSummary>>;
}

export interface TrainingReport {
    readonly model: string;
    readonly backend: string;
    readonly epochs: number;
    readonly bestEpoch: number;
    readonly stoppedEarly: boolean;
    readonly seconds: number;
    readonly steps: number;
    readonly parameters: number;
    readonly skipped: number;
    readonly offsets: Readonly<Record<string, number>>;
    readonly splits: Readonly<Record<string, SplitReport>>;
}

interface SplitPredictions {
    readonly set: readonly TrainingStructure[];
    readonly predictions: Predictions;
}

function predict(problem: TrainProblem, weights: Float64Array, set: readonly TrainingStructure[]): SplitPredictions {
    const predictions: Predictions = { energies: new Float64Array(set.length), forces: [] };
    if (set.length > 0) referenceLoss(problem.layout, weights, set, set.map((_, i) => i), { energy: 0, forces: 0 }, problem.sigma, undefined, predictions);
    return { set, predictions };
}

class Accumulator {
    structures = 0;
    atoms = 0;
    e2 = 0;
    e1 = 0;
    f2 = 0;
    f1 = 0;
    components = 0;

    summary(): ErrorSummary {
        const s = this.structures || 1;
        const c = this.components || 1;
        return {
            structures: this.structures, atoms: this.atoms,
            energyRmse: 1000 * Math.sqrt(this.e2 / s), energyMae: (1000 * this.e1) / s,
            forceRmse: 1000 * Math.sqrt(this.f2 / c), forceMae: (1000 * this.f1) / c,
        };
    }
}

/** The errors of predictions of `set` (energies minus offsets, forces), overall, per group and per element. */
export function splitReport(problem: Pick<TrainProblem, 'model'>, set: readonly TrainingStructure[], predictions: Predictions): SplitReport {
    const p: SplitPredictions = { set, predictions };
    const all = new Accumulator();
    const groups = new Map<string, Accumulator>();
    const elements = problem.model.elements.map(() => new Accumulator());
    p.set.forEach((s, k) => {
        const n = s.atoms.length;
        const de = Math.abs((p.predictions.energies[k]! - s.target) / n);
        const g = groups.get(s.label.group) ?? new Accumulator();
        groups.set(s.label.group, g);
        for (const acc of [all, g]) {
            acc.structures++;
            acc.atoms += n;
            acc.e2 += de * de;
            acc.e1 += de;
        }
        const F = p.predictions.forces[k]!;
        s.atoms.forEach((a, i) => {
            const el = elements[a.element]!;
            el.atoms++;
            for (let c = 0; c < 3; c++) {
                const d = Math.abs(F[3 * i + c]! - s.forces[3 * i + c]!);
                for (const acc of [all, g, el]) {
                    acc.f2 += d * d;
                    acc.f1 += d;
                    acc.components++;
                }
            }
        });
    });
    return {
        ...all.summary(),
        elements: Object.fromEntries(problem.model.elements.map((e, i) => {
            const s = elements[i]!.summary();
            return [e.symbol, { atoms: elements[i]!.atoms, forceRmse: s.forceRmse, forceMae: s.forceMae }];
        })),
        groups: Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.summary()])),
    };
}

const COLORS = { train: '#1f77b4', validation: '#d62728', test: '#2ca02c' } as const;
const SPLITS = ['train', 'validation', 'test'] as const;

export interface ReportFiles {
    readonly json: string;
    readonly markdown: string;
    readonly learningCurve: string;
    readonly parityEnergy: string;
    readonly parityForces: string;
}

/** The report and the text of its files (written by the caller). */
export function buildReport(problem: TrainProblem, result: TrainResult, backend: string): { report: TrainingReport; files: ReportFiles } {
    const preds = problem.sets.map((set) => predict(problem, result.weights, set));
    const splits: Record<string, SplitReport> = {};
    SPLITS.forEach((name, k) => {
        if (problem.sets[k].length > 0) splits[name] = splitReport(problem, preds[k]!.set, preds[k]!.predictions);
    });
    const report: TrainingReport = {
        model: problem.model.name, backend, epochs: result.history.length, bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly,
        seconds: result.seconds, steps: result.steps, parameters: problem.layout.total, skipped: problem.data.skipped.length,
        offsets: problem.offsets, splits,
    };
    const energySeries = SPLITS.flatMap((name, k) => {
        const p = preds[k]!;
        if (p.set.length === 0) return [];
        // total energy per atom including the offsets: what the user's data says
        const ref = p.set.map((s) => s.label.structure.energy! / s.atoms.length);
        const pred = p.set.map((s, i) => s.label.structure.energy! / s.atoms.length + (p.predictions.energies[i]! - s.target) / s.atoms.length);
        return [{ name, color: COLORS[name], x: ref, y: pred }];
    });
    const forceSeries = SPLITS.flatMap((name, k) => {
        const p = preds[k]!;
        if (p.set.length === 0) return [];
        const ref: number[] = [];
        const pred: number[] = [];
        p.set.forEach((s, i) => {
            const F = p.predictions.forces[i]!;
            for (let q = 0; q < F.length; q++) {
                ref.push(s.forces[q]!);
                pred.push(F[q]!);
            }
        });
        return [{ name, color: COLORS[name], x: ref, y: pred }];
    });
    return {
        report,
        files: {
            json: `${JSON.stringify(report, null, 2)}\n`,
            markdown: markdown(report),
            learningCurve: learningCurve(result.history),
            parityEnergy: parityChart(`${problem.model.name}: energy per atom`, 'eV/atom', energySeries),
            parityForces: parityChart(`${problem.model.name}: force components`, 'eV/Å', forceSeries),
        },
    };
}

export function learningCurve(history: readonly EpochRecord[]): string {
    const x = history.map((r) => r.epoch);
    const series = [
        { name: 'train energy (meV/atom)', color: COLORS.train, x, y: history.map((r) => 1000 * r.train.energyRmse) },
        { name: 'train force (meV/Å)', color: '#ff7f0e', x, y: history.map((r) => 1000 * r.train.forceRmse) },
    ];
    if (history.some((r) => r.validation)) {
        const v = history.filter((r) => r.validation);
        series.push(
            { name: 'validation energy (meV/atom)', color: COLORS.validation, x: v.map((r) => r.epoch), y: v.map((r) => 1000 * r.validation!.energyRmse) },
            { name: 'validation force (meV/Å)', color: '#9467bd', x: v.map((r) => r.epoch), y: v.map((r) => 1000 * r.validation!.forceRmse) },
        );
    }
    return lineChart('Learning curve (RMSE)', 'epoch', 'RMSE', series, true);
}

const f2 = (x: number) => x.toFixed(2);

export function markdown(r: TrainingReport): string {
    const lines = [
        `# Training report: ${r.model}`,
        '',
        `${r.epochs} epochs (${r.steps} steps, best validation at epoch ${r.bestEpoch}${r.stoppedEarly ? ', stopped early' : ''}) in ${r.seconds.toFixed(1)} s on ${r.backend}; ${r.parameters} weights${r.skipped ? `; ${r.skipped} invalid structures skipped` : ''}.`,
        '',
        `Fitted element offsets (eV/atom): ${Object.entries(r.offsets).map(([e, o]) => `${e} ${o.toFixed(6)}`).join(', ')}`,
        '',
        '| split | structures | atoms | E RMSE (meV/atom) | E MAE (meV/atom) | F RMSE (meV/Å) | F MAE (meV/Å) |',
        '|---|---|---|---|---|---|---|',
        ...Object.entries(r.splits).map(([name, s]) => `| ${name} | ${s.structures} | ${s.atoms} | ${f2(s.energyRmse)} | ${f2(s.energyMae)} | ${f2(s.forceRmse)} | ${f2(s.forceMae)} |`),
        '',
        '## Forces per element',
        '',
        '| split | element | atoms | F RMSE (meV/Å) | F MAE (meV/Å) |',
        '|---|---|---|---|---|',
        ...Object.entries(r.splits).flatMap(([name, s]) => Object.entries(s.elements).map(([e, x]) => `| ${name} | ${e} | ${x.atoms} | ${f2(x.forceRmse)} | ${f2(x.forceMae)} |`)),
        '',
        '## Per group (config_type)',
        '',
        '| split | group | structures | E RMSE (meV/atom) | E MAE (meV/atom) | F RMSE (meV/Å) | F MAE (meV/Å) |',
        '|---|---|---|---|---|---|---|',
        ...Object.entries(r.splits).flatMap(([name, s]) => Object.entries(s.groups).map(([g, x]) => `| ${name} | ${g} | ${x.structures} | ${f2(x.energyRmse)} | ${f2(x.energyMae)} | ${f2(x.forceRmse)} | ${f2(x.forceMae)} |`)),
        '',
    ];
    return lines.join('\n');
}
