// The analysis of the solid–solid transition example (after `nnp run model.nnp`): the relaxed-volume
// Bain scan of the reference (ref) and of the trained model (ni), and the two variable-cell NEB bands.
//   scan      2-atom bct cells, c/a from 0.75 to 1.55 (step 0.01, plus 1 and √2 exactly) × volumes
//             10.2 … 12.6 Å³/atom (step 0.05), evaluated with `nnp eval` (float64); per c/a the
//             minimum over the volume by a parabola through the lowest grid point and its neighbours,
//             E_scan(c/a) − E_fcc. The saddle of the scan is its local minimum on the c/a < 1 branch
//             (refined by a parabola in c/a), bcc is c/a = 1, fcc c/a = √2.
//   bands     out/neb_ref and out/neb_ni: profile.csv (energies, cells of the images)
// Writes results.json (meV/atom; c/a of a band image = c / ½(a + b) of its cell, with c the edge
// that does not take part in the x ↔ y exchange), profile.svg (E − E_fcc along the normalised
// reaction coordinate, both bands) and bain.svg (the scans, with the bands' saddles), and prints the
// result table. Usage: node analyze.mjs [folder with model.nnp and out/, default this one]
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { lineChart } = await import(pathToFileURL(join(ROOT, 'dist', 'runtime', 'src', 'report', 'svg-plot.js')).href);
const dir = resolve(process.argv[2] ?? dirname(fileURLToPath(import.meta.url)));
const ATOMS = 2;

// ---------------------------------------------------------------- the scan
const ratios = [];
for (let k = 0; k <= 80; k++) ratios.push(Math.round((0.75 + 0.01 * k) * 100) / 100);
ratios.push(Math.SQRT2);
ratios.sort((a, b) => a - b);
const volumes = Array.from({ length: 49 }, (_, k) => 10.2 + 0.05 * k); // Å³ per atom
const frames = [];
for (const r of ratios) for (const v of volumes) {
    // cell a × a × c with c = r a and a² c = 2 v
    const a = Math.cbrt((ATOMS * v) / r);
    const c = r * a;
    const f = (x) => x.toFixed(12);
    frames.push(`2\nLattice="${f(a)} 0 0 0 ${f(a)} 0 0 0 ${f(c)}" Properties=species:S:1:pos:R:3 pbc="T T T"\nNi 0 0 0\nNi ${f(a / 2)} ${f(a / 2)} ${f(c / 2)}\n`);
}
writeFileSync(join(dir, 'out', 'scan.xyz'), frames.join(''));

function energies(flag, name) {
    // stdout into a file: a large JSON written to a pipe may be cut short when nnp exits
    const file = join(dir, 'out', `scan-${name}.json`);
    const fd = openSync(file, 'w');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'nnp.js'), 'eval', 'model.nnp', join('out', 'scan.xyz'), flag, name, '--backend', 'reference', '--json'], { cwd: dir, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    if (r.status !== 0) throw new Error(`nnp eval ${flag} ${name} failed: ${r.stderr}`);
    return JSON.parse(readFileSync(file, 'utf8')).structures.map((s) => s.energy / ATOMS);
}

/** Vertex of the parabola through (x0−h, y−), (x0, y0), (x0+h, y+): [x, y]. */
function vertex(x0, h, ym, y0, yp) {
    const d2 = ym - 2 * y0 + yp;
    const t = (ym - yp) / (2 * d2); // offset in units of h
    return [x0 + t * h, y0 - ((ym - yp) * (ym - yp)) / (8 * d2)];
}

/** E(c/a) minimised over the volume (eV/atom) and the volume there. */
function relaxedScan(e) {
    return ratios.map((r, i) => {
        const row = e.slice(i * volumes.length, (i + 1) * volumes.length);
        let k = 0;
        for (let j = 1; j < row.length; j++) if (row[j] < row[k]) k = j;
        if (k === 0 || k === row.length - 1) throw new Error(`the volume grid does not bracket the minimum at c/a = ${r}`);
        const [v, emin] = vertex(volumes[k], volumes[1] - volumes[0], row[k - 1], row[k], row[k + 1]);
        return { ratio: r, volume: v, energy: emin };
    });
}

/** The scan's key points relative to fcc: the saddle (local minimum of the c/a < 1 branch), bcc. */
function keyPoints(scan) {
    const fcc = scan.find((p) => p.ratio === Math.SQRT2);
    const bcc = scan.find((p) => p.ratio === 1);
    const grid = scan.filter((p) => p.ratio < 1 && Math.abs(p.ratio * 100 - Math.round(p.ratio * 100)) < 1e-9);
    let k = 1;
    for (let j = 1; j < grid.length - 1; j++) if (grid[j].energy < grid[k].energy) k = j;
    if (!(grid[k].energy < grid[k - 1].energy && grid[k].energy < grid[k + 1].energy)) throw new Error('no local minimum on the c/a < 1 branch of the scan');
    const [ratio, energy] = vertex(grid[k].ratio, 0.01, grid[k - 1].energy, grid[k].energy, grid[k + 1].energy);
    return {
        fccEnergyEvPerAtom: fcc.energy, fccVolumeA3PerAtom: fcc.volume,
        saddleCOverA: ratio, saddleMeVPerAtom: 1e3 * (energy - fcc.energy),
        bccMeVPerAtom: 1e3 * (bcc.energy - fcc.energy), bccVolumeA3PerAtom: bcc.volume,
    };
}

// ---------------------------------------------------------------- the bands
function band(run) {
    const lines = readFileSync(join(dir, 'out', run, 'profile.csv'), 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], Number(v)])));
    const summary = JSON.parse(readFileSync(join(dir, 'out', run, 'summary.json'), 'utf8'));
    const s = rows.map((r) => r.reaction_coordinate_A / rows.at(-1).reaction_coordinate_A);
    const rel = rows.map((r) => (1e3 * r.relative_energy_eV) / ATOMS);
    const top = rows[summary.saddleImage];
    return {
        converged: summary.converged, iterations: summary.iterations, saddleImage: summary.saddleImage,
        barrierMeVPerAtom: (1e3 * summary.barrierEv) / ATOMS,
        // the band exchanges the x and y edges (fcc-x → fcc-y); c is the third edge
        saddleCOverA: top.c_A / ((top.a_A + top.b_A) / 2), saddleVolumeA3PerAtom: top.volume_A3 / ATOMS,
        fccVolumeA3PerAtom: rows[0].volume_A3 / ATOMS,
        s, relativeMeVPerAtom: rel,
    };
}

const refScan = relaxedScan(energies('--potential', 'ref'));
const niScan = relaxedScan(energies('--model', 'ni'));
const results = {
    units: 'meV/atom relative to fcc; Å³/atom',
    ref: { scan: keyPoints(refScan), neb: band('neb_ref') },
    ni: { scan: keyPoints(niScan), neb: band('neb_ni') },
};
const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, (k, v) => (typeof v === 'number' ? round(v, 6) : v), 2)}\n`);

// ---------------------------------------------------------------- figures
const REF = '#1f77b4';
const NI = '#d62728';
const ref = results.ref;
const ni = results.ni;
writeFileSync(join(dir, 'profile.svg'), lineChart(
    `fcc-x → fcc-y, variable-cell CI-NEB: barrier ${ref.neb.barrierMeVPerAtom.toFixed(1)} (reference), ${ni.neb.barrierMeVPerAtom.toFixed(1)} meV/atom (model)`,
    'reaction coordinate (normalised)', 'E − E(fcc) (meV/atom)', [
        { name: 'Morse reference', color: REF, x: ref.neb.s, y: ref.neb.relativeMeVPerAtom, dots: true },
        { name: 'trained network', color: NI, x: ni.neb.s, y: ni.neb.relativeMeVPerAtom, dots: true },
    ], false));
const curve = (scan, fcc) => ({ x: scan.map((p) => p.ratio), y: scan.map((p) => 1e3 * (p.energy - fcc)) });
writeFileSync(join(dir, 'bain.svg'), lineChart(
    'Bain path at relaxed volume (bct, c/a = 1 bcc, √2 fcc) and the NEB saddles',
    'c/a', 'E − E(fcc) (meV/atom)', [
        { name: 'Morse reference', color: REF, ...curve(refScan, ref.scan.fccEnergyEvPerAtom) },
        { name: 'trained network', color: NI, ...curve(niScan, ni.scan.fccEnergyEvPerAtom) },
        { name: 'NEB saddle, reference', color: REF, x: [ref.neb.saddleCOverA], y: [ref.neb.barrierMeVPerAtom], line: false, dots: true },
        { name: 'NEB saddle, model', color: NI, x: [ni.neb.saddleCOverA], y: [ni.neb.barrierMeVPerAtom], line: false, dots: true },
    ], false));

const row = (label, r) => `| ${label} | ${r.neb.barrierMeVPerAtom.toFixed(2)} | ${r.scan.saddleMeVPerAtom.toFixed(2)} | ${r.neb.saddleCOverA.toFixed(3)} | ${r.scan.saddleCOverA.toFixed(3)} | ${r.scan.bccMeVPerAtom.toFixed(2)} | ${r.scan.fccVolumeA3PerAtom.toFixed(3)} |`;
console.log('| calculator | NEB barrier (meV/atom) | scan saddle (meV/atom) | NEB saddle c/a | scan saddle c/a | bcc (meV/atom) | fcc volume (Å³/atom) |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
console.log(row('Morse reference', ref));
console.log(row('trained network', ni));
console.log(`model − reference barrier: ${(ni.neb.barrierMeVPerAtom - ref.neb.barrierMeVPerAtom).toFixed(2)} meV/atom (${(100 * (ni.neb.barrierMeVPerAtom / ref.neb.barrierMeVPerAtom - 1)).toFixed(1)} %)`);
