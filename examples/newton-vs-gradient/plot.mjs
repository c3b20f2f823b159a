// fmax against iteration for every method of this example, one SVG per system, from the runs'
// trajectory.extxyz (each frame's info carries its `step` and `fmax`). Run after `nnp run`:
//   node examples/newton-vs-gradient/plot.mjs [folder holding out/] [output folder]
// (both default to this example's folder). Uses the project's own chart (runtime/src/report/svg-plot.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStructures } from '../../dist/runtime/src/io/read-structures.js';
import { lineChart } from '../../dist/runtime/src/report/svg-plot.js';

const runs = process.argv[2] ?? import.meta.dirname;
const out = process.argv[3] ?? import.meta.dirname;

export const METHODS = [
    { run: 'newton_fd', name: 'Newton, central-difference Hessian', color: '#9467bd' },
    { run: 'newton_analytic', name: 'Newton, analytic Hessian', color: '#d62728' },
    { run: 'lbfgs', name: 'L-BFGS', color: '#1f77b4' },
    { run: 'cg', name: 'CG (Polak–Ribière+)', color: '#2ca02c' },
    { run: 'fire', name: 'FIRE', color: '#ff7f0e' },
];
const SYSTEMS = [
    { prefix: 'cluster', title: 'Distorted LJ13 argon cluster: convergence' },
    { prefix: 'silicon', title: 'Rattled SW silicon (64 atoms): convergence' },
];

for (const { prefix, title } of SYSTEMS) {
    const series = METHODS.map(({ run, name, color }) => {
        const frames = readStructures(join(runs, 'out', `${prefix}_${run}`, 'trajectory.extxyz'));
        return { name, color, x: frames.map((f) => Number(f.info.step)), y: frames.map((f) => Number(f.info.fmax)), dots: true };
    });
    writeFileSync(join(out, `convergence-${prefix}.svg`), lineChart(title, 'iteration', 'fmax, the largest force on an atom (eV/Å)', series));
}
