// `nnp run` with the neb and path protocols on the Müller–Brown surface (one H atom moving in x, y):
// the climbing-image band between minima A and C finds the saddle at −40.66 eV, the grid path from A
// to B crosses at the same saddle, and each run writes its tables, plots, structures and summary.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStructures, writeStructures } from '../../runtime/src/io/read-structures.js';
import type { Structure } from '../../runtime/src/structure.js';
import { nnp } from '../helpers/cli.js';

const at = (x: number, y: number): Structure => ({ symbols: ['H'], positions: Float64Array.from([x, y, 0]), pbc: [false, false, false], info: {} });
const SADDLE_AC = -40.66;
const MINIMUM_A = -146.70;

describe('nnp run neb and path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-neb-'));
    writeStructures(join(dir, 'a.xyz'), [at(-0.558, 1.442)]);
    writeStructures(join(dir, 'b.xyz'), [at(0.623, 0.028)]);
    writeStructures(join(dir, 'c.xyz'), [at(-0.050, 0.467)]);
    const axes = `axis x of atom 0 from -1.5 A to 1.2 A points 60
  axis y of atom 0 from -0.5 A to 2.0 A points 60`;
    writeFileSync(join(dir, 'mb.nnp'), `potential mb = muller_brown H { }
run neb mb as hop {
  initial "a.xyz"
  final "c.xyz"
  images 9
  spring 10 eV/A^2
  climbing
  fmax 0.01 eV/A
  max_steps 2000
  log "out/hop-log.csv"
  trajectory "out/hop-bands.extxyz" every 100
}
run path mb as landscape {
  from "a.xyz"
  ${axes}
  initial "a.xyz" final "b.xyz"
}
run path mb as route_ac {
  from "a.xyz"
  ${axes}
  initial "a.xyz" final "c.xyz"
}
run neb mb as seeded {
  initial "a.xyz"
  final "c.xyz"
  guess "out/route_ac/path.extxyz"
  images 9
  spring 10 eV/A^2
  climbing
  fmax 0.01 eV/A
  max_steps 2000
}
run path mb as minima {
  from "a.xyz"
  ${axes}
  output "out/by-minima"
}
`);
    const json = (run: string, folder = run) => JSON.parse(readFileSync(join(dir, 'out', folder, 'summary.json'), 'utf8')) as Record<string, unknown>;

    it('neb: the climbing image on the saddle, profile, band and saddle files', () => {
        const r = nnp(['run', 'mb.nnp', 'hop'], dir);
        expect(r.code, r.err).toBe(0);
        expect(r.out).toMatch(/^hop: converged in \d+ iterations \(9 images, climbing\), barrier 106\.0\d+ eV/);
        const s = json('hop');
        expect(s).toMatchObject({ run: 'hop', protocol: 'neb', images: 9, converged: true, climbing: true, springEvPerA2: 10 });
        expect(Math.abs((s['saddleEnergyEv'] as number) - SADDLE_AC)).toBeLessThan(0.01 * Math.abs(SADDLE_AC));
        expect(s['barrierEv'] as number).toBeCloseTo(SADDLE_AC - MINIMUM_A, 1);
        expect(s['reactionEnergyEv'] as number).toBeCloseTo(-80.77 - MINIMUM_A, 1);
        expect(s['reverseBarrierEv'] as number).toBeCloseTo((s['barrierEv'] as number) - (s['reactionEnergyEv'] as number), 10);
        expect(s['fmaxEvPerA'] as number).toBeLessThan(0.01);
        const out = join(dir, 'out', 'hop');
        const profile = readFileSync(join(out, 'profile.csv'), 'utf8').trim().split('\n');
        expect(profile[0]).toBe('image,reaction_coordinate_A,energy_eV,relative_energy_eV');
        expect(profile).toHaveLength(12);
        const top = profile.slice(1).map((l) => l.split(',').map(Number)).reduce((a, b) => (b[2]! > a[2]! ? b : a));
        expect(top[0]).toBe(s['saddleImage']);
        expect(top[3]).toBeCloseTo(s['barrierEv'] as number, 10);
        const band = readStructures(join(out, 'band.extxyz'));
        expect(band).toHaveLength(11);
        expect(band[0]!.energy).toBeCloseTo(MINIMUM_A, 1);
        const saddle = readStructures(join(out, 'saddle.extxyz'))[0]!;
        expect(Math.hypot(saddle.positions[0]! + 0.822, saddle.positions[1]! - 0.624)).toBeLessThan(0.01);
        expect(readFileSync(join(out, 'profile.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<circle[\s\S]*<\/svg>\n$/);
        expect(readFileSync(join(dir, 'out', 'hop-log.csv'), 'utf8').split('\n')[0]).toBe('iteration,fmax_eV_per_A,highest_energy_eV,climbing');
        expect(readStructures(join(dir, 'out', 'hop-bands.extxyz')).length % 11).toBe(0);
    });

    it('a path seeds a band: neb from the grid route finds the same saddle as from the straight line', () => {
        const route = nnp(['run', 'mb.nnp', 'route_ac'], dir);
        expect(route.code, route.err).toBe(0);
        const points = readStructures(join(dir, 'out', 'route_ac', 'path.extxyz'));
        expect(points.length).toBe(json('route_ac')['points']);
        expect(points[0]!.positions[0]).toBeCloseTo(-0.558, 1);
        const seeded = nnp(['run', 'mb.nnp', 'seeded'], dir);
        expect(seeded.code, seeded.err).toBe(0);
        const straight = nnp(['run', 'mb.nnp', 'hop'], dir);
        expect(straight.code, straight.err).toBe(0);
        const [s, h] = [json('seeded'), json('hop')];
        expect(s['converged']).toBe(true);
        expect(s['saddleEnergyEv'] as number).toBeCloseTo(h['saddleEnergyEv'] as number, 4);
        expect(Math.abs((s['saddleEnergyEv'] as number) - SADDLE_AC)).toBeLessThan(0.01 * Math.abs(SADDLE_AC));
        // the straight line A→C cuts through high ground; the grid route already follows the valley
        console.log(`neb iterations: from the path ${String(s['iterations'])}, from the straight line ${String(h['iterations'])}`);
        expect(s['iterations'] as number).toBeLessThan(h['iterations'] as number);
    });

    it('path: from initial to final, and between the two lowest grid minima', () => {
        const r = nnp(['run', 'mb.nnp', 'landscape'], dir);
        expect(r.code, r.err).toBe(0);
        expect(r.out).toMatch(/^landscape: \d+-point path over 3600 grid points from \(-0\.5\d+, 1\.4\d+\) to \(0\.6\d+, 0\.0\d+\) A/);
        const s = json('landscape');
        expect(s).toMatchObject({ run: 'landscape', protocol: 'path', atom: 0, axes: ['x', 'y'], gridPoints: 3600, ends: 'initial/final' });
        expect(Math.abs((s['highestEnergyEv'] as number) - SADDLE_AC)).toBeLessThan(0.5);
        expect(s['barrierEv'] as number).toBeCloseTo((s['highestEnergyEv'] as number) - (s['startEnergyEv'] as number), 10);
        expect(s['pathLengthA'] as number).toBeGreaterThan(2.2);
        const out = join(dir, 'out', 'landscape');
        const grid = readFileSync(join(out, 'grid.csv'), 'utf8').trim().split('\n');
        expect(grid[0]).toBe('x_A,y_A,energy_eV');
        expect(grid).toHaveLength(3601);
        const path = readFileSync(join(out, 'path.csv'), 'utf8').trim().split('\n');
        expect(path[0]).toBe('point,x_A,y_A,arc_length_A,energy_eV,relative_energy_eV');
        expect(path).toHaveLength((s['points'] as number) + 1);
        expect(Math.max(...path.slice(1).map((l) => Number(l.split(',')[4])))).toBe(s['highestEnergyEv']);
        expect(readFileSync(join(out, 'landscape.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);

        const m = nnp(['run', 'mb.nnp', 'minima'], dir);
        expect(m.code, m.err).toBe(0);
        const byMinima = JSON.parse(readFileSync(join(dir, 'out', 'by-minima', 'summary.json'), 'utf8')) as Record<string, unknown>;
        expect(byMinima).toMatchObject({ ends: 'grid minima', start: s['start'], end: s['end'], highestEnergyEv: s['highestEnergyEv'] });
        expect(existsSync(join(dir, 'out', 'by-minima', 'landscape.svg'))).toBe(true);
    });
});
