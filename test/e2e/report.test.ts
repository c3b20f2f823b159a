// `nnp report`: a small project trains a silicon model (nnp run trains it first) and runs md, phonons, optimize, uncertainty,
// neb and path; the report of its output folder is one self-contained HTML file (no script, no
// external reference) that headless Chromium renders with every section, table and plot: each plot's
// box on the screenshot holds drawn lines and coloured marks, not a blank or broken image.
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeStructures } from '../../runtime/src/io/read-structures.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import type { Structure } from '../../runtime/src/structure.js';
import { CHROMIUM, dumpDom, screenshot } from '../helpers/chromium.js';
import { nnp } from '../helpers/cli.js';
import { SMALL_SILICON } from '../helpers/small-silicon.js';
import { randomPacking, slab } from '../helpers/out-of-domain.js';
import { decodePng } from '../helpers/png.js';

const SPEC = `${SMALL_SILICON}potential mb = muller_brown H { }

train si on d {
  loss energy 1 forces 1
  optimizer adam lr 5e-3
  epochs 30
  batch 4
  save "out/si.weights.json"
  seed 2
}

run md si as warm {
  crystal diamond Si a 5.431 A supercell 2 2 2
  ensemble nvt langevin 600 K damping 50 fs
  timestep 1 fs
  steps 200
  velocities 600 K
  seed 4
  log "out/warm.csv" every 2
}

run phonons sw as modes {
  crystal diamond Si a 5.431 A supercell 2 2 2
  displacement 0.01 A
  vdos bins 120 smearing 0.5 THz max 20 THz
  compare si
}

run optimize sw as relaxation {
  from "rattled.xyz"
  method lbfgs
  fmax 0.01 eV/A
}

run uncertainty si as scores {
  on "probe.xyz"
}

run neb mb as hop {
  initial "a.xyz"
  final "c.xyz"
  images 7
  climbing
  fmax 0.05 eV/A
}

run path mb as landscape {
  from "a.xyz"
  axis x of atom 0 from -1.5 A to 1.2 A points 30
  axis y of atom 0 from -0.5 A to 2.0 A points 30
  initial "a.xyz" final "b.xyz"
}
`;

const at = (x: number, y: number): Structure => ({ symbols: ['H'], positions: Float64Array.from([x, y, 0]), pbc: [false, false, false], info: {} });

/** Where each plot lies on the page, measured by Chromium (CSS pixels = screenshot pixels at scale 1). */
interface Layout {
    width: number;
    height: number;
    /** `swatches`: the legend's coloured 12 × 12 squares (coloured pixels that are not data). */
    figures: { x: number; y: number; w: number; h: number; swatches: number; caption: string }[];
    sections: string[];
    tables: number;
}

const PROBE = `<script>
const figures = [...document.querySelectorAll('figure')].map((f) => {
    const r = f.querySelector('svg').getBoundingClientRect();
    const swatches = [...f.querySelectorAll('svg rect[width="12"][height="12"]')].filter((r) => {
        const c = (r.getAttribute('fill') || '#000000').match(/[0-9a-f]{2}/gi).map((h) => parseInt(h, 16));
        return Math.max(...c) - Math.min(...c) > 80;
    }).length;
    return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height, swatches, caption: f.querySelector('figcaption').textContent };
});
const layout = { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight, figures,
    sections: [...document.querySelectorAll('section h2')].map((h) => h.textContent), tables: document.querySelectorAll('table').length };
const pre = document.createElement('pre');
pre.id = 'probe';
pre.textContent = JSON.stringify(layout);
document.body.appendChild(pre);
</script>`;

describe('nnp report', () => {
    let dir: string;

    beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'nnp-report-'));
        const rattled = crystal('diamond', 'Si', 5.431);
        rattled.positions.forEach((_, i) => (rattled.positions[i]! += 0.05 * Math.sin(7 * i + 1)));
        writeStructures(join(dir, 'rattled.xyz'), [rattled]);
        writeStructures(join(dir, 'probe.xyz'), [crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] }), randomPacking(9), slab()]);
        writeStructures(join(dir, 'a.xyz'), [at(-0.558, 1.442)]);
        writeStructures(join(dir, 'b.xyz'), [at(0.623, 0.028)]);
        writeStructures(join(dir, 'c.xyz'), [at(-0.050, 0.467)]);
        writeFileSync(join(dir, 'project.nnp'), SPEC);
        // no nnp train: nnp run trains the model its runs need first
        const r = nnp(['run', 'project.nnp'], dir);
        expect(r.code, r.err).toBe(0);
        expect(r.err).toContain("nnp run: 'warm': model 'si' has no weights yet: training it first (train si on d)");
        expect(r.out).toMatch(/^si train +energy RMSE/m);
    }, 600_000);

    it('writes one self-contained HTML page, the same bytes each time', () => {
        const r = nnp(['report', 'out'], dir);
        expect(r.code, r.err).toBe(0);
        expect(r.out.trim()).toMatch(/^wrote out\/report\.html: 7 sections, \d+ figures, \d+ tables$/);
        const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
        expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
        // nothing to fetch: no scripts, stylesheets, images, frames or url(); the only "http" is SVG's namespace name
        expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\(/i);
        expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:/);
        expect(nnp(['report', 'out', '-o', 'again.html'], dir).code).toBe(0);
        expect(readFileSync(join(dir, 'again.html'), 'utf8')).toBe(html);
    });

    it('says what is wrong with a folder it cannot report on', () => {
        mkdirSync(join(dir, 'empty'));
        const empty = nnp(['report', 'empty'], dir);
        expect(empty.code).toBe(1);
        expect(empty.err.trim()).toBe('nnp report: empty holds no training reports, training logs or run summaries (summary.json)');
        const missing = nnp(['report', 'nowhere'], dir);
        expect(missing.code).toBe(1);
        expect(missing.err.trim()).toBe('nnp report: no such folder: nowhere');
    });

    it.runIf(CHROMIUM !== undefined || process.env['CI'])('renders in headless Chromium with every section, table and plot visible', () => {
        const page = join(dir, 'out', 'report.html');
        const html = readFileSync(page, 'utf8');
        const probe = join(dir, 'probe.html');
        writeFileSync(probe, html.replace('</body>', `${PROBE}</body>`));
        const dom = dumpDom(probe);
        const layout = JSON.parse(/<pre id="probe">([^<]*)<\/pre>/.exec(dom)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Layout;
        // training first, then the runs by folder name
        expect(layout.sections).toEqual(['Training: si', 'hop (neb)', 'landscape (path)', 'modes (phonons)', 'relaxation (optimize)', 'scores (uncertainty)', 'warm (md)']);
        expect(layout.tables).toBeGreaterThanOrEqual(9);
        const captions = layout.figures.map((f) => f.caption);
        for (const c of ['Learning curve (si.log.jsonl)', 'Parity: energy per atom', 'Parity: force components', 'Temperature', 'Energies', 'Mode frequencies: si against sw',
            'Phonon density of states', 'Convergence', 'Distance to the training data per structure (ratio to the threshold)', 'Energy along the band', 'Energy landscape and least-cost path']) {
            expect(captions, c).toContain(c);
        }
        expect(layout.width).toBeLessThanOrEqual(1340);

        const png = join(dir, 'report.png');
        screenshot(page, png, 1340, Math.ceil(layout.height));
        const image = decodePng(readFileSync(png));
        expect(image.width).toBe(1340);
        expect(image.height).toBeGreaterThanOrEqual(layout.height - 1);
        for (const f of layout.figures) {
            // an SVG chart is 640 × 440 scaled into its box: a broken or missing one has no size
            expect(f.w, f.caption).toBeGreaterThan(500);
            expect(f.h / f.w, f.caption).toBeCloseTo(440 / 640, 2);
            expect(f.y + f.h, f.caption).toBeLessThanOrEqual(image.height);
            let ink = 0;
            let coloured = 0;
            for (let y = Math.ceil(f.y); y < Math.floor(f.y + f.h); y++) {
                for (let x = Math.ceil(f.x); x < Math.floor(f.x + f.w); x++) {
                    const p = 4 * (y * image.width + x);
                    const [r, g, b] = [image.rgba[p]!, image.rgba[p + 1]!, image.rgba[p + 2]!];
                    if (Math.min(r, g, b) < 200) ink++;
                    if (Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
                }
            }
            const area = f.w * f.h;
            // axes, ticks and labels are ~1.5–2 % of the box in dark ink; the data are coloured, and
            // must show beyond the legend's swatches
            expect(ink / area, `${f.caption}: ink`).toBeGreaterThan(0.015);
            expect(coloured, `${f.caption}: coloured pixels`).toBeGreaterThan(144 * f.swatches + 40);
        }
    }, 300_000);
});
