// The figure of the 2-D self-assembly example: energy per subunit of rings and chains against their
// size n, the Morse reference (lines) and the network (dots), from out/shapes/predictions.csv
// (written by `nnp run model.nnp`). Writes shapes.svg and prints the result table (meV/subunit).
//   node examples/self-assembly-2d/plot.mjs [example folder]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart } from '../../dist/runtime/src/report/svg-plot.js';

const dir = process.argv[2] ?? import.meta.dirname;
const [head, ...lines] = readFileSync(join(dir, 'out', 'shapes', 'predictions.csv'), 'utf8').trim().split('\n');
const keys = head.split(',');
const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, k) => [keys[k], v])));
const of = (family) => rows.filter((r) => r.family === family).map((r) => ({ n: Number(r.atoms), net: 1000 * Number(r.energy_per_atom_eV), ref: 1000 * Number(r.reference_energy_per_atom_eV) }));
const ring = of('ring');
const chain = of('chain');
const series = [
    { name: 'ring, Morse reference', color: '#1f77b4', x: ring.map((r) => r.n), y: ring.map((r) => r.ref) },
    { name: 'ring, network', color: '#1f77b4', x: ring.map((r) => r.n), y: ring.map((r) => r.net), line: false, dots: true },
    { name: 'chain, Morse reference', color: '#d62728', x: chain.map((r) => r.n), y: chain.map((r) => r.ref) },
    { name: 'chain, network', color: '#d62728', x: chain.map((r) => r.n), y: chain.map((r) => r.net), line: false, dots: true },
];
writeFileSync(join(dir, 'shapes.svg'), lineChart('Assembled shapes never seen in training', 'subunits n', 'energy per subunit (meV)', series, false));
const f1 = (x) => x.toFixed(1);
console.log('| n | ring: reference | ring: network | chain: reference | chain: network | gap chain − ring: reference | gap: network |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const r of ring) {
    const c = chain.find((x) => x.n === r.n);
    console.log(`| ${r.n} | ${f1(r.ref)} | ${f1(r.net)} | ${f1(c.ref)} | ${f1(c.net)} | ${f1(c.ref - r.ref)} | ${f1(c.net - r.net)} |`);
}
