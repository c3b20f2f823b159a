// The two ends of the band: fcc in two Bain orientations, as 2-atom body-centred tetragonal cells
// (corner and body centre) with c/a = √2 along x (fcc-x.xyz) and along y (fcc-y.xyz). The lattice
// constant is a guess (a_fcc = 3.52 Å); the spec relaxes both cells with each calculator before the
// band is run, and by symmetry the relaxed cells stay exactly fcc. Usage: node make-data.mjs [folder]
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = resolve(process.argv[2] ?? dirname(fileURLToPath(import.meta.url)));
const A_FCC = 3.52; // Å
const a = A_FCC / Math.SQRT2; // the bct a of fcc seen along [001]; c = a_fcc = √2 a

/** Extended XYZ of the 2-atom bct cell with edges (lx, ly, lz) along x, y, z. */
function bct(lx, ly, lz, variant) {
    const f = (x) => x.toFixed(10);
    return `2\nLattice="${f(lx)} 0 0 0 ${f(ly)} 0 0 0 ${f(lz)}" Properties=species:S:1:pos:R:3 pbc="T T T" variant=${variant}\n`
        + `Ni 0 0 0\nNi ${f(lx / 2)} ${f(ly / 2)} ${f(lz / 2)}\n`;
}
writeFileSync(join(dir, 'fcc-x.xyz'), bct(A_FCC, a, a, 'fcc_x'));
writeFileSync(join(dir, 'fcc-y.xyz'), bct(a, A_FCC, a, 'fcc_y'));
