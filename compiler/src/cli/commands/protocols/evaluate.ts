// The evaluate protocol: the calculator's energy and forces for every structure of `on "file"`,
// against a reference — `compare <model|potential>`, else the file's own energy and forces — with
// errors per group of structures (`group by "key"`: a key of the extended XYZ info, default
// config_type). Writes predictions.csv (one row per structure), predictions.extxyz (the structures
// with the calculator's energy and forces) and, with a reference, parity.svg (energy per atom).
// Energy errors are per atom (meV/atom, the usual figure for HDNNPs), force errors per component (meV/Å).
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { writeExtxyz } from '../../../../../runtime/src/io/extxyz.js';
import { readStructures } from '../../../../../runtime/src/io/read-structures.js';
import { parityChart } from '../../../../../runtime/src/report/svg-plot.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import type { ErrorSummary } from '../../../../../runtime/src/train/report.js';
import { CliError } from '../../cli-error.js';
import { find, type Protocol } from './context.js';

/** Errors of a set of structures: meV/atom for energies, meV/Å over force components (as a training report's). */
export type ErrorFigures = ErrorSummary;

export interface EvaluateSummary {
    readonly protocol: 'evaluate';
    readonly file: string;
    readonly structures: number;
    /** What the errors are measured against: a calculator's name, 'labels' (the file's), or none. */
    readonly reference: string | null;
    readonly groupBy: string;
    readonly errors?: ErrorFigures;
    readonly groups?: Readonly<Record<string, ErrorFigures>>;
}

interface Row {
    readonly group: string;
    readonly atoms: number;
    readonly energy: number;
    readonly forces: Float64Array;
    readonly refEnergy?: number;
    readonly refForces?: Float64Array;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export const evaluateProtocol: Protocol = {
    async run(ctx) {
        const file = find(ctx.run.items, 'UncertaintyOn')!['path'] as string;
        const groupBy = (find(ctx.run.items, 'GroupBy')?.['key'] as string | undefined) ?? 'config_type';
        const structures = readStructures(resolve(ctx.specDir, file));
        if (structures.length === 0) throw new CliError(`nnp run: '${ctx.run.name}': ${file} holds no structure`);
        const compared = find(ctx.run.items, 'Compare')?.['other'] as string | undefined;
        const reference = compared ? (await ctx.calculatorNamed(compared)).calculator : undefined;
        const labelled = !compared && structures.every((s) => s.energy !== undefined && s.forces !== undefined);
        const rows: Row[] = [];
        const frames: Structure[] = [];
        for (const [k, s] of structures.entries()) {
            const mine = await ctx.calculator(s);
            const ref = reference ? await reference(s) : labelled ? { energy: s.energy!, forces: s.forces! } : undefined;
            rows.push({ group: String(s.info?.[groupBy] ?? 'all'), atoms: s.symbols.length, energy: mine.energy, forces: mine.forces, ...(ref ? { refEnergy: ref.energy, refForces: Float64Array.from(ref.forces) } : {}) });
            frames.push({ ...s, energy: mine.energy, forces: mine.forces, ...(mine.stress ? { stress: mine.stress } : {}), info: { ...s.info, index: k } });
        }
        writeFileAtomic(join(ctx.outDir, 'predictions.extxyz'), writeExtxyz(frames));
        const header = `index,${groupBy},atoms,energy_eV,energy_per_atom_eV${reference || labelled ? ',reference_energy_per_atom_eV,energy_error_meV_per_atom,force_rmse_meV_per_A,max_force_error_meV_per_A' : ''}`;
        const lines = rows.map((r, k) => {
            const base = [k, r.group, r.atoms, r.energy, r.energy / r.atoms];
            if (r.refEnergy === undefined) return base.join(',');
            const f = forceErrors(r);
            return [...base, r.refEnergy / r.atoms, (1000 * (r.energy - r.refEnergy)) / r.atoms, f.rmse, f.max].join(',');
        });
        writeFileAtomic(join(ctx.outDir, 'predictions.csv'), `${header}\n${lines.join('\n')}\n`);
        const summary: EvaluateSummary = { protocol: 'evaluate', file, structures: structures.length, reference: compared ?? (labelled ? 'labels' : null), groupBy };
        if (!reference && !labelled) return summary;
        const names = [...new Set(rows.map((r) => r.group))];
        const groups = Object.fromEntries(names.map((g) => [g, errorFigures(rows.filter((r) => r.group === g))]));
        const series = names.map((g, i) => {
            const of = rows.filter((r) => r.group === g);
            return { name: g, color: COLORS[i % COLORS.length]!, x: of.map((r) => r.refEnergy! / r.atoms), y: of.map((r) => r.energy / r.atoms) };
        });
        writeFileAtomic(join(ctx.outDir, 'parity.svg'), parityChart(`${ctx.run.calculator.name} vs ${compared ?? 'labels'}: energy per atom`, 'eV/atom', series));
        return { ...summary, errors: errorFigures(rows), groups };
    },
    describe(summary) {
        const s = summary as EvaluateSummary;
        if (!s.errors) return `${s.structures} structures evaluated (no reference: predictions only)`;
        const parts = Object.entries(s.groups ?? {}).map(([g, e]) => `${g} ${e.energyRmse.toFixed(3)} meV/atom`);
        return `${s.structures} structures vs ${s.reference}: energy RMSE ${s.errors.energyRmse.toFixed(3)} meV/atom, force RMSE ${s.errors.forceRmse.toFixed(2)} meV/A${parts.length > 1 ? ` (${parts.join(', ')})` : ''}`;
    },
};

/** RMS and largest error of a structure's force components, meV/Å. */
function forceErrors(r: Row): { rmse: number; max: number } {
    let sq = 0;
    let max = 0;
    for (let i = 0; i < r.forces.length; i++) {
        const d = 1000 * Math.abs(r.forces[i]! - r.refForces![i]!);
        sq += d * d;
        max = Math.max(max, d);
    }
    return { rmse: Math.sqrt(sq / Math.max(1, r.forces.length)), max };
}

function errorFigures(rows: readonly Row[]): ErrorFigures {
    let e2 = 0;
    let e1 = 0;
    let f2 = 0;
    let f1 = 0;
    let components = 0;
    for (const r of rows) {
        const e = (1000 * (r.energy - r.refEnergy!)) / r.atoms; // meV/atom
        e2 += e * e;
        e1 += Math.abs(e);
        for (let i = 0; i < r.forces.length; i++) {
            const d = 1000 * (r.forces[i]! - r.refForces![i]!); // meV/Å
            f2 += d * d;
            f1 += Math.abs(d);
        }
        components += r.forces.length;
    }
    const n = Math.max(1, rows.length);
    const c = Math.max(1, components);
    return { structures: rows.length, atoms: rows.reduce((a, r) => a + r.atoms, 0), energyRmse: Math.sqrt(e2 / n), energyMae: e1 / n, forceRmse: Math.sqrt(f2 / c), forceMae: f1 / c };
}
