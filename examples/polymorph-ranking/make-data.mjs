// Writes phases.xyz: the test polymorphs of silicon, each perfect crystal at the lattice constant
// (and, for β-tin, the c/a) where the spec's Stillinger–Weber reference has its lowest energy per
// atom, so that the ranking compares the phases' SW ground-state energies. The minimum is found with
// the float64 SW evaluator by golden-section search in a (nested in c/a for β-tin), to 1e-5 Å.
//   node examples/polymorph-ranking/make-data.mjs [output folder]     (after `npm run build`)
// Prints a, c/a, volume and energy per atom of each phase.
import '../../scripts/polyfill-groupby.cjs'; // Node 20 lacks Object.groupBy, which the spec parser calls
import { join } from 'node:path';
import { loadSpecIr } from '../../dist/compiler/src/cli/load-model.js';
import { writeStructures } from '../../dist/runtime/src/io/read-structures.js';
import { evaluatePotential } from '../../dist/runtime/src/reference/potentials.js';
import { crystal } from '../../dist/runtime/src/structures/crystal.js';

const out = process.argv[2] ?? import.meta.dirname;
const ir = await loadSpecIr(join(import.meta.dirname, 'model.nnp'), () => {}, 'make-data');
const sw = ir.potentials.find((p) => p.name === 'sw');

// conventional cells repeated to at least ~5 Å (energies per atom of a perfect crystal do not depend on it)
const PHASES = [
    { name: 'diamond', lattice: 'diamond', a: [5.2, 5.7], supercell: [1, 1, 1] },
    { name: 'beta_tin', lattice: 'beta_tin', a: [4.6, 5.4], ca: [0.45, 0.7], supercell: [1, 1, 2] },
    { name: 'sc', lattice: 'sc', a: [2.3, 2.9], supercell: [2, 2, 2] },
    { name: 'bcc', lattice: 'bcc', a: [2.9, 3.5], supercell: [2, 2, 2] },
    { name: 'fcc', lattice: 'fcc', a: [3.8, 4.4], supercell: [2, 2, 2] },
];

/** Argmin of a unimodal f on [lo, hi] by golden-section search. */
function golden(f, lo, hi, tol = 1e-5) {
    const g = (Math.sqrt(5) - 1) / 2;
    let a = lo;
    let b = hi;
    let c = b - g * (b - a);
    let d = a + g * (b - a);
    let fc = f(c);
    let fd = f(d);
    while (b - a > tol) {
        if (fc < fd) {
            b = d; d = c; fd = fc;
            c = b - g * (b - a); fc = f(c);
        } else {
            a = c; c = d; fc = fd;
            d = a + g * (b - a); fd = f(d);
        }
    }
    return (a + b) / 2;
}

const build = (p, a, ca) => crystal(p.lattice, 'Si', a, { supercell: p.supercell, ...(ca ? { c: a * ca } : {}) });
const perAtom = (s) => evaluatePotential(sw, s).energy / s.symbols.length;
const frames = [];
for (const p of PHASES) {
    const bestA = (ca) => golden((a) => perAtom(build(p, a, ca)), ...p.a);
    const ca = p.ca ? golden((r) => perAtom(build(p, bestA(r), r)), ...p.ca) : undefined;
    const a = bestA(ca);
    const s = build(p, a, ca);
    const e = perAtom(s);
    const volume = Math.abs(s.cell[0] * s.cell[4] * s.cell[8]) / s.symbols.length;
    console.log(`${p.name.padEnd(8)} a ${a.toFixed(4)} A${ca ? ` c/a ${ca.toFixed(4)}` : ''}  V ${volume.toFixed(3)} A^3/atom  E ${e.toFixed(6)} eV/atom`);
    frames.push({ ...s, info: { name: p.name } });
}
writeStructures(join(out, 'phases.xyz'), frames);
