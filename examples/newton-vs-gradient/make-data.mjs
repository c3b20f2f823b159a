// Writes the two starting structures of this example (run after `npm run build`):
//   cluster.xyz  a 13-atom argon icosahedron (the Lennard-Jones 13-atom minimum's shape), every
//                coordinate displaced by up to ±0.25 Å
//   silicon.xyz  a diamond-silicon 2×2×2 cell (64 atoms, a = 5.431 Å), every coordinate rattled by up to ±0.15 Å
// The displacements come from a fixed-seed generator, so the files are the same on every machine.
//   node examples/newton-vs-gradient/make-data.mjs [output folder]
import { join } from 'node:path';
import { crystal } from '../../dist/runtime/src/structures/crystal.js';
import { writeStructures } from '../../dist/runtime/src/io/read-structures.js';
import { uniforms } from '../../dist/runtime/src/math/random.js';

const out = process.argv[2] ?? import.meta.dirname;

/** Uniform numbers in [−1, 1) from a 32-bit seed (the runtime's Mulberry32). */
const uniform = (seed) => {
    const u = uniforms(seed);
    return () => u() * 2 - 1;
};

// icosahedron: the centre and the 12 vertices (0, ±1, ±φ) and cyclic permutations, 3.7 Å from the centre
const phi = (1 + Math.sqrt(5)) / 2;
const sites = [[0, 0, 0]];
for (const a of [-1, 1]) for (const b of [-1, 1]) sites.push([0, a, b * phi], [a, b * phi, 0], [b * phi, 0, a]);
const rc = uniform(13);
const cluster = Float64Array.from(sites.flat(), (v) => (v * 3.7) / Math.hypot(1, phi) + 0.25 * rc());
writeStructures(join(out, 'cluster.xyz'), [{ symbols: sites.map(() => 'Ar'), positions: cluster, pbc: [false, false, false], info: {} }]);

const si = crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] });
const rs = uniform(64);
writeStructures(join(out, 'silicon.xyz'), [{ ...si, positions: si.positions.map((x) => x + 0.15 * rs()), info: {} }]);
