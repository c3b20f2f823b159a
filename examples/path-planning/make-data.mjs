// Writes the terrain of this example (run after `npm run build`): a probe argon atom (atom 0) held
// 3 Å above nine argon atoms fixed in the plane z = 0, once at the route's start (start.xyz) and once
// at its end (end.xyz). The fixed atoms are placed by design:
//   - a triangle (side 4.6 Å) around each end, so that each end lies in a hollow;
//   - one atom halfway, on the straight line between the ends;
//   - two more off the line, above and below it.
//   node examples/path-planning/make-data.mjs [output folder]
import { join } from 'node:path';
import { writeStructures } from '../../dist/runtime/src/io/read-structures.js';

const out = process.argv[2] ?? import.meta.dirname;
const HEIGHT = 3.0; // Å, the probe's z
const START = [4, 8];
const END = [24, 8];
const SIDE = 4.6; // Å

/** The corners of an equilateral triangle centred on `c`, the first at angle `phase` (degrees). */
const triangle = (c, phase) => [0, 120, 240].map((deg) => {
    const t = ((deg + phase) * Math.PI) / 180;
    const r = SIDE / Math.sqrt(3);
    return [c[0] + r * Math.cos(t), c[1] + r * Math.sin(t)];
});
const FIXED = [...triangle(START, 0), [14, 8], ...triangle(END, 180), [9.5, 12.5], [19, 3.5]];

const at = ([x, y]) => ({
    symbols: ['Ar', ...FIXED.map(() => 'Ar')],
    positions: Float64Array.from([x, y, HEIGHT, ...FIXED.flatMap(([fx, fy]) => [fx, fy, 0])]),
    pbc: [false, false, false],
    info: {},
});
writeStructures(join(out, 'start.xyz'), [at(START)]);
writeStructures(join(out, 'end.xyz'), [at(END)]);
