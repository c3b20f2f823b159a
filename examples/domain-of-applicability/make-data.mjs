// Writes probe.xyz for the domain-of-applicability example (after `npm run build`; into this folder,
// or the one given: node make-data.mjs [folder]): structures of three kinds (info config_type), made
// here with the spec's own Stillinger–Weber potential (`potential sw` of model.nnp, float64) and
// Langevin dynamics (BAOAB, damping 100 fs, timestep 1 fs), written without energies or forces (the
// uncertainty run's `compare sw` labels them):
//   crystal    the 64-atom diamond cell (a = 5.431 Å) as in the training data, but other frames: two
//              of 300 K MD 1 ps apart (another seed than the training's) and two rattled cells
//              (Gaussian 0.05 Å per coordinate)
//   amorphous  melt-quenched silicon: the 64-atom cell (crystal density) melted at 3500 K for 5 ps,
//              cooled linearly to 300 K over 15 ps (2·10¹⁴ K/s), held at 300 K for 2 ps; two
//              independent quenches (seeds), two frames of each 1 ps apart
//   surface    unreconstructed (001) slabs with 12 Å of vacuum: 64 atoms (8 layers) and 96 atoms (12
//              layers), each thermalised at 300 K for 2 ps, two frames of each 1 ps apart
// Deterministic (seeded Mulberry32 normals of the runtime, positions rounded to 1e-5 Å): the same
// file on every machine with the same Node version.
import '../../scripts/polyfill-groupby.cjs'; // Node 20 lacks Object.groupBy, which the spec parser calls
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, '..', '..', 'dist');
const OUT = resolve(process.argv[2] ?? HERE);
const load = (path) => import(pathToFileURL(join(DIST, path)).href);
const { writeExtxyz } = await load('runtime/src/io/extxyz.js');
const { NormalStream } = await load('runtime/src/math/random.js');
const { crystal } = await load('runtime/src/structures/crystal.js');
const { evaluatePotential } = await load('runtime/src/reference/potentials.js');
const { EV_PER_AMU, KB, LangevinBaoab } = await load('runtime/src/md/dynamics.js');
const { loadSpecIr } = await load('compiler/src/cli/load-model.js');

const ir = await loadSpecIr(join(HERE, 'model.nnp'), (line) => console.error(line), 'make-data');
const sw = ir.potentials.find((p) => p.name === 'sw');
const A = 5.431; // Å, the training cell's lattice constant
const MASS = 28.085; // amu, Si
const DT = 1; // fs
const DAMPING = 100; // fs

/**
 * Langevin MD of `start` from Maxwell–Boltzmann velocities at temperature(0): `steps` steps with the
 * thermostat at temperature(step) (K); calls `frame(step, positions)` after every step.
 */
function langevin(start, steps, temperature, seed, frame) {
    const random = new NormalStream(seed);
    const n = start.symbols.length;
    const masses = new Float64Array(n).fill(MASS);
    const velocities = new Float64Array(3 * n);
    const sd = Math.sqrt((KB * temperature(0) * EV_PER_AMU) / MASS); // Å/fs
    for (let q = 0; q < 3 * n; q++) velocities[q] = sd * random.next();
    const positions = Float64Array.from(start.positions);
    let r = evaluatePotential(sw, { ...start, positions });
    const state = { positions, velocities, masses, forces: r.forces, energy: r.energy };
    const integrator = new LangevinBaoab(DT, temperature(0), DAMPING, random);
    for (let step = 1; step <= steps; step++) {
        integrator.temperature = temperature(step);
        integrator.beforeForces(state);
        r = evaluatePotential(sw, { ...start, positions });
        state.forces = r.forces;
        state.energy = r.energy;
        integrator.afterForces(state);
        frame(step, positions, r.energy);
    }
}

/** The structure with the given positions, rounded to 1e-5 Å, unlabelled, tagged with its kind. */
function probe(base, positions, info) {
    const round = (x) => Math.round(x * 1e5) / 1e5 + 0; // + 0: no "-0"
    return { symbols: base.symbols, positions: positions.map(round), cell: base.cell, pbc: base.pbc, info };
}

/** Frames of an MD run at the given steps. */
function framesAt(start, steps, temperature, seed, at, info) {
    const out = [];
    langevin(start, Math.max(...at), temperature, seed, (step, positions, energy) => {
        if (at.includes(step)) {
            out.push(probe(start, positions, { ...info, step }));
            console.error(`  ${info.config_type} seed ${seed} step ${step}: E/N = ${(energy / start.symbols.length).toFixed(4)} eV, T_set = ${temperature(step).toFixed(0)} K`);
        }
    });
    return out;
}

const bulk = crystal('diamond', 'Si', A, { supercell: [2, 2, 2] });
const probes = [];

// held-out crystals: 300 K MD (seed 101; the training sampled seed 3), frames at 2 and 3 ps; rattled cells
probes.push(...framesAt(bulk, 3000, () => 300, 101, [2000, 3000], { config_type: 'crystal' }));
const rattle = new NormalStream(102);
for (let k = 0; k < 2; k++) probes.push(probe(bulk, bulk.positions.map((x) => x + 0.05 * rattle.next()), { config_type: 'crystal', rattle: 0.05 }));

// amorphous: melt 5 ps at 3500 K, quench linearly to 300 K over 15 ps, 300 K for 2 ps (+1 ps)
const MELT = 5000;
const QUENCH = 15000;
const HOLD = 2000;
const schedule = (step) => (step <= MELT ? 3500 : step <= MELT + QUENCH ? 3500 - (3200 * (step - MELT)) / QUENCH : 300);
for (const seed of [201, 202]) {
    const end = MELT + QUENCH + HOLD;
    probes.push(...framesAt(bulk, end + 1000, schedule, seed, [end, end + 1000], { config_type: 'amorphous', quench_seed: seed }));
}

// surfaces: (001) slabs of 2×2×2 and 2×2×3 cells, the c axis lengthened by 12 Å of vacuum
for (const [layers, seed] of [[2, 301], [3, 302]]) {
    const s = crystal('diamond', 'Si', A, { supercell: [2, 2, layers] });
    const cell = Float64Array.from(s.cell);
    cell[8] += 12;
    // shift up by a/8 so that no atom sits on the cell's lower face (z = 0 and z = c would be the same plane)
    const slab = { ...s, cell, positions: s.positions.map((x, q) => (q % 3 === 2 ? x + A / 8 + 6 : x)) };
    probes.push(...framesAt(slab, 3000, () => 300, seed, [2000, 3000], { config_type: 'surface', layers: 4 * layers }));
}

writeFileSync(join(OUT, 'probe.xyz'), writeExtxyz(probes));
console.error(`wrote ${probes.length} structures (${probes.reduce((a, s) => a + s.symbols.length, 0)} atoms) to ${join(OUT, 'probe.xyz')}`);
