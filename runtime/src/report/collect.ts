// What `nnp report` finds in an output folder, as sections of tables and figures:
//   training   <stem>.report.json (errors per split, element, committee member) with the learning
//              curve redrawn from <stem>.log.jsonl (so a run still training gets one too) and the
//              parity and calibration plots nnp train wrote;
//   runs       every summary.json of `nnp run` (key figures, guard trips) with the protocol's own
//              plots: md thermo traces from its CSV log, VDOS, phonon frequencies, NEB profile,
//              optimiser convergence, polymorph ranking, path landscape, uncertainty scores;
//   and every other SVG a run wrote into its folder.
// Deterministic: files are visited in sorted order and nothing depends on the clock.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { readStructures } from '../io/read-structures.js';
import type { EpochRecord } from '../train/checkpoint.js';
import { learningCurve } from '../train/report.js';
import { column, readCsv, type CsvTable } from './csv-table.js';
import { lineChart, parityChart, type Series } from './svg-plot.js';

export interface ReportTable {
    readonly caption: string;
    readonly header: readonly string[];
    readonly rows: readonly (readonly string[])[];
}

export interface ReportFigure {
    readonly caption: string;
    /** An inline SVG document (no XML prologue, no external references). */
    readonly svg: string;
}

export interface ReportSection {
    /** HTML id: unique within the report. */
    readonly id: string;
    readonly title: string;
    /** The file the section comes from, relative to the report's folder. */
    readonly source: string;
    readonly text: string[];
    readonly tables: ReportTable[];
    readonly figures: ReportFigure[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const MAX_DEPTH = 5;

/** Every file under `dir` (sorted, hidden folders and node_modules left out). */
function walk(dir: string, depth = 0): string[] {
    if (depth > MAX_DEPTH) return [];
    const out: string[] = [];
    for (const name of readdirSync(dir).sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        const path = join(dir, name);
        const st = statSync(path);
        if (st.isDirectory()) out.push(...walk(path, depth + 1));
        else if (st.isFile()) out.push(path);
    }
    return out;
}

/** A number as a table shows it: integers whole, others with 6 significant digits. */
export function formatNumber(x: number): string {
    if (!Number.isFinite(x)) return String(x);
    if (Number.isInteger(x)) return String(x);
    const a = Math.abs(x);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(4);
    return String(Number(x.toPrecision(6)));
}

export function collectReport(dir: string): ReportSection[] {
    const root = resolve(dir);
    const files = walk(root);
    const ids = new Map<string, number>();
    const uniqueId = (base: string) => {
        const slug = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'section';
        const n = (ids.get(slug) ?? 0) + 1;
        ids.set(slug, n);
        return n === 1 ? slug : `${slug}-${n}`;
    };
    const rel = (p: string) => relative(root, p) || basename(p);
    const used = new Set<string>();
    const svgFile = (path: string, caption: string): ReportFigure[] => {
        if (!existsSync(path)) return [];
        used.add(path);
        return [{ caption, svg: inlineSvg(readFileSync(path, 'utf8')) }];
    };
    const sections: ReportSection[] = [];

    // training: a report.json, or only a log (a run still training)
    const stems = new Set<string>();
    for (const f of files) {
        // committee members' logs (<stem>.c<k>.log.jsonl) belong to the committee's stem
        const m = /^(.*?)(\.c\d+)?\.(report\.json|log\.jsonl)$/.exec(f);
        if (m) stems.add(m[1]!);
    }
    for (const stem of [...stems].sort()) {
        const section = trainingSection(stem, files, rel, svgFile);
        if (section) sections.push({ id: uniqueId(`train ${basename(stem)}`), ...section });
    }

    // runs
    for (const f of files.filter((p) => basename(p) === 'summary.json')) {
        let summary: Record<string, unknown>;
        try {
            summary = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
        } catch {
            continue;
        }
        if (typeof summary['protocol'] !== 'string') continue;
        used.add(f);
        const runDir = dirname(f);
        const section = runSection(summary, runDir, rel(f), svgFile);
        for (const svg of files.filter((p) => dirname(p) === runDir && p.endsWith('.svg') && !used.has(p))) {
            section.figures.push(...svgFile(svg, basename(svg, '.svg')));
        }
        sections.push({ id: uniqueId(`run ${String(summary['run'] ?? basename(runDir))}`), ...section });
    }

    // SVGs no section claimed (plots of the user's own scripts, say)
    const loose = files.filter((p) => p.endsWith('.svg') && !used.has(p));
    if (loose.length > 0) {
        sections.push({ id: uniqueId('other figures'), title: 'Other figures', source: rel(root), text: [], tables: [], figures: loose.flatMap((p) => svgFile(p, rel(p))) });
    }
    return sections;
}

function readJson(path: string): unknown {
    try {
        return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
        return undefined;
    }
}

/** An SVG file's document, ready to sit inside HTML: no XML prologue or doctype. */
function inlineSvg(text: string): string {
    return text.replace(/<\?xml[^>]*\?>\s*/g, '').replace(/<!DOCTYPE[^>]*>\s*/gi, '').trim();
}

type SvgFile = (path: string, caption: string) => ReportFigure[];
type SectionBody = Omit<ReportSection, 'id'>;

interface TrainingReportJson {
    model: string;
    backend: string;
    epochs: number;
    bestEpoch: number;
    stoppedEarly: boolean;
    seconds: number;
    parameters: number;
    offsets: Record<string, number>;
    splits: Record<string, SplitJson>;
    committee?: { size: number; bootstrap: boolean; members: Record<string, SplitJson>[]; mean: Record<string, SplitJson>; calibration?: { energy: number; forces: number } };
}

interface SplitJson {
    structures: number;
    atoms: number;
    energyRmse: number;
    energyMae: number;
    forceRmse: number;
    forceMae: number;
    elements?: Record<string, { atoms: number; forceRmse: number; forceMae: number }>;
}

const ERROR_HEADER = ['split', 'structures', 'atoms', 'E RMSE (meV/atom)', 'E MAE (meV/atom)', 'F RMSE (meV/Å)', 'F MAE (meV/Å)'];
const errorRow = (name: string, s: SplitJson) => [name, String(s.structures), String(s.atoms), s.energyRmse.toFixed(2), s.energyMae.toFixed(2), s.forceRmse.toFixed(2), s.forceMae.toFixed(2)];

/** A training run's section, or undefined when neither its report nor its log is nnp train's. */
function trainingSection(stem: string, files: readonly string[], rel: (p: string) => string, svgFile: SvgFile): SectionBody | undefined {
    const reportPath = `${stem}.report.json`;
    const text: string[] = [];
    const tables: ReportTable[] = [];
    const figures: ReportFigure[] = [];
    let title = `Training: ${basename(stem)}`;
    const parsed = files.includes(reportPath) ? readJson(reportPath) : undefined;
    if (parsed && typeof parsed === 'object' && 'splits' in parsed) {
        const r = parsed as TrainingReportJson;
        title = `Training: ${r.model}`;
        text.push(`${r.epochs} epochs (best validation at epoch ${r.bestEpoch}${r.stoppedEarly ? ', stopped early' : ''}) in ${r.seconds.toFixed(1)} s on ${r.backend}; ${r.parameters} weights. `
            + `Element offsets (eV/atom): ${Object.entries(r.offsets).map(([e, o]) => `${e} ${o.toFixed(6)}`).join(', ')}.`);
        tables.push({ caption: 'Errors per split', header: ERROR_HEADER, rows: Object.entries(r.splits).map(([n, s]) => errorRow(n, s)) });
        const perElement = Object.entries(r.splits).flatMap(([n, s]) => Object.entries(s.elements ?? {}).map(([e, x]) => [n, e, String(x.atoms), x.forceRmse.toFixed(2), x.forceMae.toFixed(2)]));
        if (perElement.length > 0) tables.push({ caption: 'Forces per element', header: ['split', 'element', 'atoms', 'F RMSE (meV/Å)', 'F MAE (meV/Å)'], rows: perElement });
        if (r.committee) {
            const c = r.committee;
            const rows = [
                ...c.members.flatMap((m, k) => Object.entries(m).map(([n, s]) => errorRow(`member ${k} ${n}`, s))),
                ...Object.entries(c.mean).map(([n, s]) => errorRow(`mean ${n}`, s)),
            ];
            tables.push({ caption: `Committee of ${c.size}${c.bootstrap ? ' (bootstrap resamples)' : ''}${c.calibration ? `; calibration factors: energy ${c.calibration.energy.toFixed(3)}, forces ${c.calibration.forces.toFixed(3)}` : ''}`, header: ERROR_HEADER, rows });
        }
    } else {
        text.push('No report yet (training still running or interrupted): the learning curve so far.');
    }
    const log = [`${stem}.log.jsonl`, `${stem}.c0.log.jsonl`].find((p) => files.includes(p));
    if (log) {
        const history = readFileSync(log, 'utf8').split('\n').filter((l) => l.trim() !== '').flatMap((l) => {
            try {
                const r = JSON.parse(l) as EpochRecord;
                // another program's JSON lines: not an epoch of nnp train
                return typeof r.epoch === 'number' && typeof r.train?.energyRmse === 'number' ? [r] : [];
            } catch {
                return []; // a line cut by an interruption
            }
        });
        if (history.length > 0) figures.push({ caption: `Learning curve (${rel(log)})`, svg: inlineSvg(learningCurve(history)) });
    }
    const learningSvg = `${stem}.learning-curve.svg`;
    if (log) svgFile(learningSvg, ''); // redrawn above from the log: mark the file as shown
    else figures.push(...svgFile(learningSvg, 'Learning curve'));
    figures.push(...svgFile(`${stem}.parity-energy.svg`, 'Parity: energy per atom'));
    figures.push(...svgFile(`${stem}.parity-forces.svg`, 'Parity: force components'));
    figures.push(...svgFile(`${stem}.calibration.svg`, 'Committee calibration'));
    if (tables.length === 0 && figures.length === 0) return undefined;
    return { title, source: rel(parsed ? reportPath : log ?? reportPath), text, tables, figures };
}

/** The scalar entries of a summary, flattened to "a.b" keys (long lists and file names left out). */
function keyFigures(summary: Record<string, unknown>, prefix = ''): string[][] {
    const rows: string[][] = [];
    for (const [k, v] of Object.entries(summary)) {
        const key = prefix ? `${prefix}.${k}` : k;
        if (prefix === '' && (k === 'run' || k === 'protocol' || k === 'files')) continue;
        if (typeof v === 'number') rows.push([key, formatNumber(v)]);
        else if (typeof v === 'string' || typeof v === 'boolean') rows.push([key, String(v)]);
        else if (Array.isArray(v)) {
            if (v.length <= 8 && v.every((x) => typeof x === 'number' || typeof x === 'string')) rows.push([key, v.map((x) => (typeof x === 'number' ? formatNumber(x) : x)).join(', ')]);
        } else if (v && typeof v === 'object') rows.push(...keyFigures(v as Record<string, unknown>, key));
    }
    return rows;
}

function runSection(summary: Record<string, unknown>, runDir: string, source: string, svgFile: SvgFile): SectionBody & { figures: ReportFigure[] } {
    const protocol = summary['protocol'] as string;
    const calc = summary['calculator'] as { kind?: string; name?: string } | undefined;
    const name = String(summary['run'] ?? basename(runDir));
    const text = [`${protocol} with the ${calc?.kind === 'potential' ? 'reference potential' : 'model'} ${calc?.name ?? '?'}.`];
    const tables: ReportTable[] = [{ caption: 'Key figures (summary.json)', header: ['quantity', 'value'], rows: keyFigures(summary) }];
    const figures: ReportFigure[] = [];
    const csv = (file: string): CsvTable | undefined => (existsSync(join(runDir, file)) ? readCsv(join(runDir, file)) : undefined);
    switch (protocol) {
        case 'md': {
            const guard = summary['guard'] as { trips?: { step: number; message: string }[] } | undefined;
            if (guard?.trips?.length) tables.push({ caption: 'Guard trips', header: ['step', 'message'], rows: guard.trips.map((t) => [String(t.step), t.message]) });
            const logFile = (summary['files'] as { log?: string } | undefined)?.log;
            const log = logFile ? csv(logFile) : undefined;
            if (log) figures.push(...thermoFigures(log, name));
            figures.push(...svgFile(join(runDir, 'vdos.svg'), 'Vibrational density of states'));
            break;
        }
        case 'phonons': {
            const f = csv('frequencies.csv');
            if (f) figures.push(frequencyFigure(f, summary));
            figures.push(...svgFile(join(runDir, 'vdos.svg'), 'Phonon density of states'));
            break;
        }
        case 'neb': {
            figures.push(...svgFile(join(runDir, 'profile.svg'), 'Energy along the band'));
            const p = csv('profile.csv');
            if (p) tables.push({ caption: 'Band (profile.csv)', header: p.header, rows: p.rows.map((r) => r.map((x) => formatNumber(Number(x)))) });
            break;
        }
        case 'optimize': {
            const path = join(runDir, 'trajectory.extxyz');
            if (existsSync(path)) figures.push(convergenceFigure(path, name));
            break;
        }
        case 'rank': {
            const r = csv('ranking.csv');
            if (r) tables.push({ caption: 'Ranking (ranking.csv)', header: r.header, rows: r.rows.map((row) => row.map((x) => (x !== '' && Number.isFinite(Number(x)) ? formatNumber(Number(x)) : x))) });
            break;
        }
        case 'path':
            figures.push(...svgFile(join(runDir, 'landscape.svg'), 'Energy landscape and least-cost path'));
            break;
        case 'uncertainty': {
            const s = csv('scores.csv');
            if (s) {
                figures.push(scoresFigure(s, name));
                // with `compare`: each atom's true force error against its distance ratio
                figures.push(...svgFile(join(runDir, 'distance-error.svg'), 'True force error per atom against the distance to the training data'));
                const flagged = s.rows.filter((r) => r[s.header.indexOf('out_of_domain')] === 'true');
                if (flagged.length > 0) tables.push({ caption: `Out-of-domain structures (${flagged.length}${flagged.length > 50 ? ', first 50' : ''})`, header: s.header, rows: flagged.slice(0, 50) });
            }
            break;
        }
    }
    return { title: `${name} (${protocol})`, source, text, tables, figures };
}

/** Temperature, energies and (when it varies) pressure against time, from an md CSV log. */
function thermoFigures(log: CsvTable, run: string): ReportFigure[] {
    const t = column(log, 'time_fs')!.map((x) => x / 1000);
    const series = (name: string, k: number, y: number[] | undefined): Series[] => (y && y.some(Number.isFinite) ? [{ name, color: COLORS[k]!, x: t, y }] : []);
    const figs: ReportFigure[] = [
        { caption: 'Temperature', svg: lineChart(`${run}: temperature`, 'time (ps)', 'T (K)', series('temperature', 0, column(log, 'temperature_K')), false) },
        {
            caption: 'Energies',
            svg: lineChart(`${run}: energies`, 'time (ps)', 'E (eV)', [
                ...series('potential', 1, column(log, 'potential_eV')),
                ...series('total', 2, column(log, 'total_eV')),
                ...series('conserved', 4, column(log, 'conserved_eV')),
            ], false),
        },
    ];
    const p = column(log, 'pressure_bar');
    if (p && p.some(Number.isFinite)) figs.push({ caption: 'Pressure', svg: lineChart(`${run}: pressure`, 'time (ps)', 'P (bar)', series('pressure', 3, p), false) });
    const v = column(log, 'volume_A3');
    if (v && v.some((x, i) => Number.isFinite(x) && x !== v[0])) figs.push({ caption: 'Volume', svg: lineChart(`${run}: volume`, 'time (ps)', 'V (Å³)', series('volume', 5, v), false) });
    return figs.map((f) => ({ ...f, svg: inlineSvg(f.svg) }));
}

/** Mode frequencies: against the compared calculator's when there is one, else against mode index. */
function frequencyFigure(f: CsvTable, summary: Record<string, unknown>): ReportFigure {
    const ref = column(f, 'frequency_THz')!;
    const otherName = (summary['compare'] as { calculator?: string } | undefined)?.calculator;
    const other = otherName ? column(f, `${otherName}_THz`) : undefined;
    const calc = (summary['calculator'] as { name?: string } | undefined)?.name ?? 'reference';
    if (other) {
        return { caption: `Mode frequencies: ${otherName} against ${calc}`, svg: inlineSvg(parityChart(`mode frequencies: ${otherName} vs ${calc}`, 'THz', [{ name: `${otherName} (y) vs ${calc} (x)`, color: COLORS[0]!, x: ref, y: other }])) };
    }
    return { caption: 'Mode frequencies', svg: inlineSvg(lineChart('mode frequencies', 'mode', 'frequency (THz)', [{ name: calc, color: COLORS[0]!, x: ref.map((_, i) => i), y: ref, dots: true, line: false }], false)) };
}

/** Largest force and energy per optimiser step, from trajectory.extxyz's step/fmax/energy keys. */
function convergenceFigure(path: string, run: string): ReportFigure {
    const frames = readStructures(path);
    const step = frames.map((s, i) => Number(s.info?.['step'] ?? i));
    const fmax = frames.map((s) => Number(s.info?.['fmax']));
    return { caption: 'Convergence', svg: inlineSvg(lineChart(`${run}: largest force per step`, 'step', 'fmax (eV/Å)', [{ name: 'fmax', color: COLORS[0]!, x: step, y: fmax, dots: frames.length <= 60 }], true)) };
}

/** Each structure's largest distance ratio (1 = the threshold), log scale. */
function scoresFigure(s: CsvTable, run: string): ReportFigure {
    const ratio = column(s, 'max_ratio')!;
    const x = ratio.map((_, i) => i);
    const inDomain = x.filter((i) => ratio[i]! <= 1);
    const outDomain = x.filter((i) => ratio[i]! > 1);
    const series: Series[] = [
        { name: 'threshold', color: '#888888', x: [0, Math.max(1, x.length - 1)], y: [1, 1] },
        ...(inDomain.length ? [{ name: 'in domain', color: COLORS[0]!, x: inDomain, y: inDomain.map((i) => ratio[i]!), line: false, dots: true }] : []),
        ...(outDomain.length ? [{ name: 'out of domain', color: COLORS[1]!, x: outDomain, y: outDomain.map((i) => ratio[i]!), line: false, dots: true }] : []),
    ];
    return { caption: 'Distance to the training data per structure (ratio to the threshold)', svg: inlineSvg(lineChart(`${run}: largest distance / threshold`, 'structure', 'ratio', series, true)) };
}
