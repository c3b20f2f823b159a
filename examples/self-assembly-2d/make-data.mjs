// Writes the structures of the 2-D self-assembly example (run after `npm run build`):
//   start.xyz   48 subunits scattered in a periodic 40 Å × 40 Å box (no two closer than 3.4 Å), the
//               starting point of the 2-D Langevin runs that sample the training data (model.nnp);
//   start-dilute.xyz  16 subunits in the same box: a dilute gas of monomers, dimers and short chains
//   shapes.xyz  the assembled structures the model never sees in training: rings (regular n-gons)
//               and straight chains of n = 3 … 10 subunits, nearest neighbours at the Morse minimum
//               r0 = 3.8 Å, all in the z = 0 plane; info `family` (ring | chain) and `n`
// A fixed-seed generator: the same files on every machine.
//   node examples/self-assembly-2d/make-data.mjs [output folder]
import { join } from 'node:path';
import { writeStructures } from '../../dist/runtime/src/io/read-structures.js';
import { uniforms } from '../../dist/runtime/src/math/random.js';

const out = process.argv[2] ?? import.meta.dirname;
const R0 = 3.8; // Å, the Morse minimum of `potential ref`
const L = 40; // Å

/** Uniform numbers in [0, 1) from a 32-bit seed (the runtime's Mulberry32). */
const uniform = uniforms;

/** `count` subunits placed at random in the periodic box, no two closer than 3.4 Å (minimum image). */
function scatter(count, seed) {
const u = uniform(seed);
const sites = [];
while (sites.length < count) {
    const p = [u() * L, u() * L];
    const clear = sites.every((q) => {
        const dx = p[0] - q[0] - L * Math.round((p[0] - q[0]) / L);
        const dy = p[1] - q[1] - L * Math.round((p[1] - q[1]) / L);
        return Math.hypot(dx, dy) >= 3.4;
    });
    if (clear) sites.push(p);
}
return {
    symbols: sites.map(() => 'Ar'), positions: Float64Array.from(sites.flatMap(([x, y]) => [x, y, 0])),
    cell: Float64Array.from([L, 0, 0, 0, L, 0, 0, 0, 20]), pbc: [true, true, false], info: {},
};
}
writeStructures(join(out, 'start.xyz'), [scatter(48, 2024)]);
writeStructures(join(out, 'start-dilute.xyz'), [scatter(16, 7)]);

const shapes = [];
for (let n = 3; n <= 10; n++) {
    // regular n-gon of side R0: circumradius R0 / (2 sin(π/n))
    const rc = R0 / (2 * Math.sin(Math.PI / n));
    const ring = Array.from({ length: n }, (_, k) => [rc * Math.cos((2 * Math.PI * k) / n), rc * Math.sin((2 * Math.PI * k) / n), 0]);
    shapes.push({ symbols: ring.map(() => 'Ar'), positions: Float64Array.from(ring.flat()), pbc: [false, false, false], info: { family: 'ring', n } });
}
for (let n = 3; n <= 10; n++) {
    const chain = Array.from({ length: n }, (_, k) => [k * R0, 0, 0]);
    shapes.push({ symbols: chain.map(() => 'Ar'), positions: Float64Array.from(chain.flat()), pbc: [false, false, false], info: { family: 'chain', n } });
}
writeStructures(join(out, 'shapes.xyz'), shapes);
