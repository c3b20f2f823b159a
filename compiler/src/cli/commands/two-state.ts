// Two-state (excited-state) models in the CLI: `fit` blocks (run by `nnp train`, and by `nnp run`
// for a model without weights) and `scan` blocks (run by `nnp run`). A fit writes, beside the spec,
//   <stem>.weights.json  (save "…", default out/<model>.weights.json)   <stem>.log.jsonl (RMSE per 50 epochs)
// and a scan, in its output folder (default out/<scan name>):
//   grid.csv (x, y, reference and model E∓), cut-ci.csv (y = 0 through the conical intersection),
//   cut-seam.csv (x = x_c, the seam of avoided crossings), summary.json, cut-ci.svg, cut-seam.svg.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SpecIR, TwoStateIR } from '../../ir/model-ir.js';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import { lineChart, type Series } from '../../../../runtime/src/report/svg-plot.js';
import type { TwoStateParams } from '../../../../runtime/src/excited/two-state.js';
import { axis, referenceEnergies, scanTwoState, type ScanResult } from '../../../../runtime/src/excited/scan.js';
import { TwoStateModel, fitTwoStateModel, type TwoStateWeights } from '../../../../runtime/src/excited/two-state-model.js';
import { CliError } from '../cli-error.js';

type Fit = TwoStateIR['fits'][number];
type Scan = TwoStateIR['scans'][number];

export function twoStateWeightsPath(specDir: string, fit: Fit): string {
    return resolve(specDir, fit.save ?? `out/${fit.model}.weights.json`);
}

function surface(ts: TwoStateIR, name: string): TwoStateParams {
    const s = ts.surfaces.find((x) => x.name === name);
    if (!s) throw new CliError(`no surface named '${name}'`);
    return s.params as unknown as TwoStateParams;
}

function modelSpec(ts: TwoStateIR, name: string): TwoStateIR['models'][number] {
    const m = ts.models.find((x) => x.name === name);
    if (!m) throw new CliError(`no states model named '${name}'`);
    return m;
}

/** Runs one fit block: the reference's adiabatic energies on the grid, Adam, the weights file. */
export function fitTwoState(ts: TwoStateIR, fit: Fit, specDir: string, out: (line: string) => void, err: (line: string) => void): void {
    const p = surface(ts, fit.surface);
    const spec = modelSpec(ts, fit.model);
    const points = axis(fit.grid.x[0], fit.grid.x[1], fit.grid.nx).flatMap((x) =>
        axis(fit.grid.y[0], fit.grid.y[1], fit.grid.ny).map((y) => ({ x, y, energies: referenceEnergies(p, x, y) })));
    const model = TwoStateModel.initial(spec, fit.seed);
    const o = fit.optimizer.options;
    if (fit.optimizer.kind !== 'adam') throw new CliError(`nnp train: fit ${fit.model}: only the adam optimizer fits two-state models`);
    const weights = twoStateWeightsPath(specDir, fit);
    const stem = weights.replace(/(\.weights)?\.json$/i, '');
    mkdirSync(dirname(weights), { recursive: true });
    err(`nnp train: two-state model '${spec.name}' (${spec.representation}, ${model.nets.length} networks ${[2, ...spec.hidden, 1].join('-')} ${spec.activation}) on ${points.length} points of '${fit.surface}', ${fit.epochs} epochs, batch ${fit.batch}`);
    const log: string[] = [];
    const t0 = performance.now();
    const rmse = fitTwoStateModel(model, points, {
        epochs: fit.epochs, batch: fit.batch, seed: fit.seed,
        lr: o['lr'] ?? 5e-3, beta1: o['beta1'] ?? 0.9, beta2: o['beta2'] ?? 0.999, epsilon: o['epsilon'] ?? 1e-8,
        every: 50, log: (epoch, r) => log.push(JSON.stringify({ epoch, rmse_meV: 1e3 * r })),
    });
    writeFileAtomic(`${stem}.log.jsonl`, `${log.join('\n')}\n`);
    writeFileAtomic(weights, `${JSON.stringify(model.toWeights())}\n`);
    out(`${spec.name} training energy RMSE ${(1e3 * rmse).toFixed(2)} meV (${((performance.now() - t0) / 1000).toFixed(1)} s); weights ${weights}`);
}

function loadModel(ts: TwoStateIR, name: string, specDir: string): TwoStateModel {
    const spec = modelSpec(ts, name);
    const fit = ts.fits.find((f) => f.model === name);
    const path = fit ? twoStateWeightsPath(specDir, fit) : undefined;
    if (!path || !existsSync(path)) throw new CliError(`two-state model '${name}' has no weights (add a fit block)`);
    return new TwoStateModel(spec, JSON.parse(readFileSync(path, 'utf8')) as TwoStateWeights);
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

function cutCsv(cut: ScanResult['cuts']['ci'], sName: string): string {
    const names = Object.keys(cut.models);
    const head = [sName, 'ref_lower_eV', 'ref_upper_eV', ...names.flatMap((n) => [`${n}_lower_eV`, `${n}_upper_eV`])];
    const rows = cut.s.map((s, i) => [s, ...cut.reference[i]!, ...names.flatMap((n) => cut.models[n]![i]!)].map((v) => +v.toFixed(6)).join(','));
    return `${head.join(',')}\n${rows.join('\n')}\n`;
}

function cutChart(title: string, xLabel: string, cut: ScanResult['cuts']['ci']): string {
    const series: Series[] = [];
    const add = (name: string, color: string, e: [number, number][]) => {
        series.push({ name: `${name} E−`, color, x: cut.s, y: e.map((v) => v[0]) });
        series.push({ name: `${name} E+`, color, x: cut.s, y: e.map((v) => v[1]) });
    };
    add('reference', '#000000', cut.reference);
    Object.entries(cut.models).forEach(([n, e], k) => add(n, COLORS[k % COLORS.length]!, e));
    return lineChart(title, xLabel, 'energy (eV)', series, false);
}

/** Runs one scan block (fitting first any model without weights); returns its summary. */
export function runTwoStateScan(ir: SpecIR, scan: Scan, specDir: string, out: (line: string) => void, err: (line: string) => void): void {
    const ts = ir.twoState!;
    for (const name of scan.models) {
        const fit = ts.fits.find((f) => f.model === name);
        if (fit && !existsSync(twoStateWeightsPath(specDir, fit))) {
            err(`nnp run: '${scan.name}': model '${name}' has no weights yet: fitting it first (fit ${name} on ${fit.surface})`);
            fitTwoState(ts, fit, specDir, out, err);
        }
    }
    const p = surface(ts, scan.surface);
    const result = scanTwoState(p, scan.models.map((m) => loadModel(ts, m, specDir)), scan.grid);
    const dir = resolve(specDir, scan.output ?? join('out', scan.name));
    mkdirSync(dir, { recursive: true });
    const names = Object.keys(result.grid.models);
    const gridRows: string[] = [];
    let k = 0;
    for (const x of result.grid.x) {
        for (const y of result.grid.y) {
            gridRows.push([x, y, ...result.grid.reference[k]!, ...names.flatMap((n) => result.grid.models[n]![k]!)].map((v) => +v.toFixed(6)).join(','));
            k++;
        }
    }
    writeFileAtomic(join(dir, 'grid.csv'), `x_A,y_A,ref_lower_eV,ref_upper_eV,${names.map((n) => `${n}_lower_eV,${n}_upper_eV`).join(',')}\n${gridRows.join('\n')}\n`);
    writeFileAtomic(join(dir, 'cut-ci.csv'), cutCsv(result.cuts.ci, 'x_A'));
    writeFileAtomic(join(dir, 'cut-seam.csv'), cutCsv(result.cuts.seam, 'y_A'));
    writeFileAtomic(join(dir, 'cut-ci.svg'), cutChart(`E∓ along y = 0 through the conical intersection (x_c = ${result.ci.x.toFixed(3)} Å)`, 'x (Å)', result.cuts.ci));
    writeFileAtomic(join(dir, 'cut-seam.svg'), cutChart(`E∓ along the crossing seam x = ${result.ci.x.toFixed(3)} Å (avoided crossing, gap 2|c y|)`, 'y (Å)', result.cuts.seam));
    const summary = { scan: scan.name, surface: scan.surface, ci: result.ci, grid: scan.grid, referenceSecondDerivative: result.reference.secondDerivative, models: result.models };
    writeFileAtomic(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    for (const m of result.models) {
        out(`${scan.name}: ${m.model} (${m.representation}) vs ${scan.surface}: E− RMSE ${m.rmseLower.toFixed(1)} meV, E+ RMSE ${m.rmseUpper.toFixed(1)} meV, ` +
            `near the CI ${m.rmseNearCi.toFixed(1)} meV (max ${m.maxErrorNearCi.toFixed(1)}), gap at the CI ${m.gapAtCi.toFixed(1)} meV` +
            (m.nac ? `, NAC |cos| ${m.nac.meanAbsCos.toFixed(3)} magnitude error ${(100 * m.nac.meanMagnitudeError).toFixed(1)} %` : ''));
    }
    out(`${scan.name}: summary ${join(dir, 'summary.json')}`);
}
