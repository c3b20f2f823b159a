// Writes the structures of the many-body example (after `npm run build`; into this folder, or the
// one given: node make-trimers.mjs [folder]):
//   trimers.xyz    300 isolated Ar3 triangles of random shape and size, 100 of each kind in turn:
//                  compact (three sides drawn uniformly in [3.1, 4.8] Å), near-equilateral (three
//                  sides in [s, s + 0.3 Å], s uniform in [3.1, 4.5] Å) and open (two sides drawn in
//                  [3.1, 4.8] Å, the angle between them uniformly in [0°, 180°], kept when the third
//                  side is at least 3.1 Å: up to collinear). Unlabelled: model.nnp's `sample ref`
//                  labels them.
//   triangles.xyz  the test families, not in the training data: equilateral triangles of side s and
//                  linear (collinear, equally spaced) trimers of spacing s, s = 3.2 … 4.4 Å
//                  (info: family=equilateral|linear, s=<Å>).
// Deterministic (seeded Mulberry32 of the runtime): the same files on every machine.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, '..', '..', 'dist', 'runtime', 'src');
const OUT = resolve(process.argv[2] ?? HERE);
const { writeExtxyz } = await import(pathToFileURL(join(DIST, 'io', 'extxyz.js')).href);
const { uniforms } = await import(pathToFileURL(join(DIST, 'math', 'random.js')).href);

const R_MIN = 3.1;
const R_MAX = 4.8;
const COUNT = 300;

/** An isolated Ar3 with atoms at the given (x, y) points, centred on its centroid (Å, 4 decimals). */
function trimer(points, info) {
    const cx = (points[0][0] + points[1][0] + points[2][0]) / 3;
    const cy = (points[0][1] + points[1][1] + points[2][1]) / 3;
    const round = (x) => Math.round(x * 1e4) / 1e4 + 0; // + 0: no "-0" in the file
    const positions = Float64Array.from(points.flatMap(([x, y]) => [round(x - cx), round(y - cy), 0]));
    return { symbols: ['Ar', 'Ar', 'Ar'], positions, pbc: [false, false, false], info };
}

const uniform = uniforms(2024);
const side = () => R_MIN + (R_MAX - R_MIN) * uniform();
/** The triangle with sides a (B–C), b (A–C), c (A–B). */
const fromSides = (a, b, c) => {
    const x = (b * b + c * c - a * a) / (2 * c);
    return trimer([[0, 0], [c, 0], [x, Math.sqrt(b * b - x * x)]], {});
};
const train = [];
while (train.length < COUNT) {
    const kind = train.length % 3;
    if (kind === 0) {
        // compact: three sides drawn in [R_MIN, R_MAX] (always a triangle: 2 R_MIN > R_MAX)
        train.push(fromSides(side(), side(), side()));
    } else if (kind === 1) {
        // near-equilateral, of any size: three sides within 0.3 Å above a common s
        const s = R_MIN + (R_MAX - 0.3 - R_MIN) * uniform();
        train.push(fromSides(s + 0.3 * uniform(), s + 0.3 * uniform(), s + 0.3 * uniform()));
    } else {
        // open: two sides and the angle between them, up to collinear
        const [a, b, theta] = [side(), side(), Math.PI * uniform()];
        if (Math.sqrt(a * a + b * b - 2 * a * b * Math.cos(theta)) < R_MIN) continue;
        train.push(trimer([[0, 0], [a, 0], [b * Math.cos(theta), b * Math.sin(theta)]], {}));
    }
}
writeFileSync(join(OUT, 'trimers.xyz'), writeExtxyz(train));

const test = [];
for (const family of ['equilateral', 'linear']) {
    for (let k = 0; k <= 24; k++) {
        const s = Math.round((3.2 + 0.05 * k) * 100) / 100;
        const points = family === 'equilateral' ? [[0, 0], [s, 0], [s / 2, (s * Math.sqrt(3)) / 2]] : [[-s, 0], [0, 0], [s, 0]];
        test.push(trimer(points, { family, s }));
    }
}
writeFileSync(join(OUT, 'triangles.xyz'), writeExtxyz(test));
console.log(`wrote trimers.xyz (${train.length} trimers) and triangles.xyz (${test.length} test triangles)`);
