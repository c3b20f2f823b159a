// The figures and the result table of this example, from the rank runs' summary.json (run after
// `nnp run`):   node examples/polymorph-ranking/plot.mjs [folder holding out/] [output folder]
// (the first defaults to this example's folder, the second to the first). Each model's energy of every phase relative to diamond,
// ΔE = E − E_diamond (meV/atom), is drawn against SW's: the phases on y = x are placed as SW places
// them. ranking.svg: all four models; ranking-broad.svg: SW and the models trained on all five phases.
// Uses the project's own chart (runtime/src/report/svg-plot.ts). Prints the README's table.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart } from '../../dist/runtime/src/report/svg-plot.js';

const runs = process.argv[2] ?? import.meta.dirname;
const out = process.argv[3] ?? runs;

export const MODELS = [
    { run: 'lin_narrow', name: 'linear (ridge), diamond only', color: '#ff7f0e' },
    { run: 'net_narrow', name: 'network, diamond only', color: '#d62728' },
    { run: 'lin_broad', name: 'linear (ridge), five phases', color: '#1f77b4' },
    { run: 'net_broad', name: 'network, five phases', color: '#2ca02c' },
];

const summaries = Object.fromEntries(MODELS.map(({ run }) => [run, JSON.parse(readFileSync(join(runs, 'out', run, 'summary.json'), 'utf8'))]));
// SW's energies (the compared calculator) in SW's order, and ΔE relative to SW's lowest (diamond)
const sw = summaries[MODELS[0].run].compare.ranking;
const phases = sw.map((e) => e.name);
const lowest = sw[0].name;
const delta = (ranking) => {
    const e = Object.fromEntries(ranking.map((r) => [r.name, r.energyPerAtomEv]));
    return phases.map((p) => 1000 * (e[p] - e[lowest]));
};
const x = delta(sw);
const series = (models) => [
    { name: 'Stillinger–Weber (y = x)', color: '#555', x, y: x, dots: true },
    ...models.map(({ run, name, color }) => ({ name, color, x, y: delta(summaries[run].ranking), dots: true })),
];
const title = `ΔE to diamond; phases by SW energy: ${phases.join(', ')}`;
writeFileSync(join(out, 'ranking.svg'), lineChart(title, 'SW ΔE (meV/atom)', 'model ΔE (meV/atom)', series(MODELS), false));
writeFileSync(join(out, 'ranking-broad.svg'), lineChart(title, 'SW ΔE (meV/atom)', 'model ΔE (meV/atom)', series(MODELS.filter((m) => m.run.endsWith('broad'))), false));

const lines = [
    `| calculator | ${phases.map((p) => `ΔE ${p}`).join(' | ')} | order | pairs in order | Kendall τ | ΔE MAE (meV/atom) |`,
    `|---|${phases.map(() => '---|').join('')}---|---|---|---|`,
    `| SW | ${x.map((v) => v.toFixed(1)).join(' | ')} | ${phases.join(' < ')} | | | |`,
];
for (const { run, name } of MODELS) {
    const s = summaries[run];
    const c = s.compare;
    lines.push(`| ${name} | ${delta(s.ranking).map((v) => v.toFixed(1)).join(' | ')} | ${s.ranking.map((e) => e.name).join(' < ')} | ${c.concordantPairs}/${c.pairs} | ${c.kendallTau.toFixed(2)} | ${c.maeMevPerAtom.toFixed(1)} |`);
}
console.log(lines.join('\n'));
