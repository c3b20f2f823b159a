// The analysis of the many-body example (after `nnp train model.nnp`): evaluates the reference
// (ref = lj + atm), its pair part alone (lj) and the trained models on the test triangles of
// triangles.xyz with `nnp eval`, and writes
//   results.json  per family (equilateral, linear) and side s: E_ref, E_lj, Δ = E_ref − E_lj and each
//                 model's energy and Δ prediction E_model − E_lj; per model and family the RMSE of the
//                 energy (= the RMSE of its Δ prediction), meV per trimer
//   delta.svg     Δ against s for both families, reference and models (runtime/src/report/svg-plot.ts)
// and prints the result table. Usage: node analyze.mjs [folder with model.nnp, default this one]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { parseExtxyz } = await import(pathToFileURL(join(ROOT, 'dist', 'runtime', 'src', 'io', 'extxyz.js')).href);
const { lineChart } = await import(pathToFileURL(join(ROOT, 'dist', 'runtime', 'src', 'report', 'svg-plot.js')).href);

const dir = resolve(process.argv[2] ?? dirname(fileURLToPath(import.meta.url)));
const MODELS = [
    { name: 'pair', label: 'pair model (radial, linear)', color: '#d62728' },
    { name: 'radial_net', label: 'radial network', color: '#ff7f0e' },
    { name: 'angular_net', label: 'radial + angular network', color: '#2ca02c' },
];
const FAMILIES = ['equilateral', 'linear'];

/** Energies (eV) of the test triangles from `nnp eval` (float64 evaluator). */
function energies(flag, name) {
    const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'nnp.js'), 'eval', 'model.nnp', 'triangles.xyz', flag, name, '--backend', 'reference', '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    return JSON.parse(out).structures.map((s) => s.energy);
}

const triangles = parseExtxyz(readFileSync(join(dir, 'triangles.xyz'), 'utf8'), 'triangles.xyz');
const ref = energies('--potential', 'ref');
const lj = energies('--potential', 'lj');
const model = Object.fromEntries(MODELS.map((m) => [m.name, energies('--model', m.name)]));
const meV = (x) => Math.round(x * 1e6) / 1e3; // eV → meV, 3 decimals

const results = { units: 'meV per trimer', families: {} };
for (const family of FAMILIES) {
    const idx = triangles.flatMap((t, i) => (t.info.family === family ? [i] : []));
    const rows = idx.map((i) => ({
        s: triangles[i].info.s,
        ref: meV(ref[i]), lj: meV(lj[i]), delta: meV(ref[i] - lj[i]),
        models: Object.fromEntries(MODELS.map((m) => [m.name, { energy: meV(model[m.name][i]), delta: meV(model[m.name][i] - lj[i]) }])),
    }));
    const rmse = Object.fromEntries(MODELS.map((m) => [m.name, meV(Math.sqrt(idx.reduce((a, i) => a + (model[m.name][i] - ref[i]) ** 2, 0) / idx.length))]));
    const deltas = rows.map((r) => r.delta);
    results.families[family] = { deltaMin: Math.min(...deltas), deltaMax: Math.max(...deltas), rmse, rows };
}
writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 1) + '\n');

// Δ against s, one panel per family, side by side in one SVG
const panel = (family) => {
    const rows = results.families[family].rows;
    const s = rows.map((r) => r.s);
    return lineChart(`${family} trimers`, 's (Å)', 'Δ = E − E_LJ (meV)', [
        { name: 'reference Δ (ATM)', color: '#222222', x: s, y: rows.map((r) => r.delta) },
        ...MODELS.map((m) => ({ name: m.label, color: m.color, x: s, y: rows.map((r) => r.models[m.name].delta), line: false, dots: true })),
    ], false);
};
const nested = FAMILIES.map((f, k) => panel(f).replace('<svg ', `<svg x="${640 * k}" y="0" `));
writeFileSync(join(dir, 'delta.svg'), [
    '<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="440" viewBox="0 0 1280 440">',
    ...nested,
    '</svg>',
    '',
].join('\n'));

console.log('| model | RMSE equilateral (meV/trimer) | RMSE linear (meV/trimer) |');
console.log('|---|---|---|');
for (const m of MODELS) console.log(`| ${m.label} | ${results.families.equilateral.rmse[m.name]} | ${results.families.linear.rmse[m.name]} |`);
for (const f of FAMILIES) console.log(`Δ ${f}: ${results.families[f].deltaMin} … ${results.families[f].deltaMax} meV`);
