// The figures and the table of this example, from what `nnp run` wrote (run it first):
//   node examples/gradient-flow/plot.mjs [folder holding out/] [output folder]
// (both default to this example's folder). flow.svg: the full-batch training loss and the norm of its
// gradient per epoch (the train blocks' `log gradient`) for the two starts; spectrum.svg: every Ritz
// value of the four curvature runs, divided by that run's λ_max (so the saddle's ± pairs show as a
// mirror image and a minimum as values in [0, 1]). Uses the project's own chart (svg-plot.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart } from '../../dist/runtime/src/report/svg-plot.js';

const dir = process.argv[2] ?? import.meta.dirname;
const out = process.argv[3] ?? import.meta.dirname;

const log = (stem) => readFileSync(join(dir, 'out', `${stem}.log.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const STARTS = [
    { stem: 'si', name: 'Xavier start', loss: '#1f77b4', grad: '#aec7e8' },
    { stem: 'si_saddle', name: 'saddle start (init zero)', loss: '#d62728', grad: '#ff9896' },
];
const series = [];
for (const s of STARTS) {
    const rows = log(s.stem);
    // log₁₀ of the epoch on x, so that the plateau at the saddle (the first ~10² steps) and the slow
    // approach to the minimum (10³ steps) both show
    const x = rows.map((r) => Math.log10(r.epoch));
    series.push({ name: `loss, ${s.name}`, color: s.loss, x, y: rows.map((r) => r.train.loss) });
    series.push({ name: `|∇L|, ${s.name}`, color: s.grad, x, y: rows.map((r) => r.gradientNorm) });
}
writeFileSync(join(out, 'flow.svg'), lineChart('Gradient descent on the full training split (89 weights)', 'log₁₀ epoch (one gradient step each)', 'loss L (eV²/atom², eV²/Å²) and |∇L|', series));

const RUNS = [
    { run: 'normal_start', name: 'Xavier start', color: '#6baed6' },
    { run: 'normal_end', name: 'end of the Xavier run', color: '#1f77b4' },
    { run: 'saddle_start', name: 'saddle start', color: '#f4787a' },
    { run: 'saddle_end', name: 'end of the saddle run', color: '#d62728' },
];
const summaries = RUNS.map(({ run }) => JSON.parse(readFileSync(join(dir, 'out', run, 'summary.json'), 'utf8')));
const spectra = RUNS.map(({ run }) => readFileSync(join(dir, 'out', run, 'ritz.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1])));
writeFileSync(join(out, 'spectrum.svg'), spectrumChart(spectra));

/**
 * One row per curvature run: every Ritz value θ as a tick at θ/λ_max on a common axis from −1 to 1
 * (λ_max's tick is at 1), the row's λ_min and λ_max written beside it.
 */
function spectrumChart(rows) {
    const W = 640, H = 330, left = 170, right = 20, top = 46, rowH = 56;
    const x = (v) => left + ((v + 1.1) / 2.2) * (W - left - right);
    const out = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
        `<rect width="${W}" height="${H}" fill="white"/>`,
        `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">Hessian of the loss: Ritz values θ (Lanczos) divided by λ_max</text>`,
    ];
    const bottom = top + rowH * rows.length;
    for (const t of [-1, -0.5, 0, 0.5, 1]) {
        out.push(`<line x1="${x(t).toFixed(1)}" y1="${top}" x2="${x(t).toFixed(1)}" y2="${bottom}" stroke="${t === 0 ? '#888' : '#e4e4e4'}"/>`);
        out.push(`<text x="${x(t).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${t}</text>`);
    }
    out.push(`<text x="${(left + W - right) / 2}" y="${bottom + 36}" text-anchor="middle">θ / λ_max  (λ_min &lt; 0: a saddle; all θ ≥ 0: a minimum)</text>`);
    rows.forEach((ritz, k) => {
        const { name, color } = RUNS[k];
        const s = summaries[k];
        const y = top + rowH * k + rowH / 2;
        out.push(`<text x="${left - 10}" y="${y - 4}" text-anchor="end">${name}</text>`);
        out.push(`<text x="${left - 10}" y="${y + 12}" text-anchor="end" fill="#555" font-size="11">λ_min/λ_max = ${s.ratio.toExponential(1)}</text>`);
        out.push(`<line x1="${left}" y1="${y}" x2="${W - right}" y2="${y}" stroke="#ccc"/>`);
        for (const v of ritz) out.push(`<line x1="${x(v / s.lambdaMax).toFixed(1)}" y1="${y - 14}" x2="${x(v / s.lambdaMax).toFixed(1)}" y2="${y + 14}" stroke="${color}" stroke-width="2"/>`);
    });
    out.push('</svg>', '');
    return out.join('\n');
}

const lines = ['| point | loss | energy RMSE (meV/atom) | force RMSE (meV/Å) | \\|∇L\\| | λ_min | λ_max | λ_min/λ_max |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
RUNS.forEach(({ name }, k) => {
    const s = summaries[k];
    const e = (x, d = 3) => x.toExponential(d - 1);
    lines.push(`| ${name} | ${e(s.loss)} | ${s.energyRmseMevPerAtom.toFixed(1)} | ${s.forceRmseMevPerA.toFixed(0)} | ${e(s.gradientNorm)} | ${e(s.lambdaMin)} | ${e(s.lambdaMax)} | ${e(s.ratio)} |`);
});
console.log(lines.join('\n'));
