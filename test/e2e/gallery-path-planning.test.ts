// Gallery: examples/path-planning. A probe argon atom 3 Å above nine fixed argon atoms: its
// Lennard-Jones energy over the plane is the terrain (a sum over the environment's contributions).
// The example's `run path`, as shipped (float64): Dijkstra's least-cost route between two hollows
// costs far less (discrete line integral of E − E_min) and climbs far less than the straight line,
// which passes over the atom in the middle; the route's highest point is the lowest pass between the
// ends. The straight line is recomputed here with a hand-written Lennard-Jones sum, independently of
// the runtime's potentials.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStructures } from '../../runtime/src/io/read-structures.js';
import { nnp, ROOT } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples', 'path-planning');

interface PathSummary {
    points: number;
    pathLengthA: number;
    costEvA: number;
    gridMinimumEv: number;
    barrierEv: number;
    highestEnergyEv: number;
    startEnergyEv: number;
    start: [number, number];
    end: [number, number];
    straightLine: { points: number; lengthA: number; costEvA: number; highestEnergyEv: number; barrierEv: number; highest: [number, number] };
}

// the spec's potential: lennard_jones Ar { epsilon 10.3 meV sigma 3.40 A cutoff 8.5 A shift }
const EPSILON = 0.0103;
const SIGMA = 3.4;
const CUTOFF = 8.5;
const lj = (r: number) => 4 * EPSILON * ((SIGMA / r) ** 12 - (SIGMA / r) ** 6);

/** The total energy, every pair within the cutoff, shifted to zero there (eV). */
function energy(positions: Float64Array): number {
    const n = positions.length / 3;
    let e = 0;
    for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
            const r = Math.hypot(positions[3 * i]! - positions[3 * j]!, positions[3 * i + 1]! - positions[3 * j + 1]!, positions[3 * i + 2]! - positions[3 * j + 2]!);
            if (r < CUTOFF) e += lj(r) - lj(CUTOFF);
        }
    }
    return e;
}

/** Rows of a CSV with a header line, as numbers. */
const table = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

/** Σ ½(E_k + E_k+1 − 2 E_min)|x_k+1 − x_k| along points (x, y, E). */
function lineIntegral(points: readonly (readonly [number, number, number])[], eMin: number): number {
    let cost = 0;
    for (let k = 1; k < points.length; k++) {
        const [a, b] = [points[k - 1]!, points[k]!];
        cost += 0.5 * (a[2] + b[2] - 2 * eMin) * Math.hypot(b[0] - a[0], b[1] - a[1]);
    }
    return cost;
}

describe('gallery: path planning on an energy field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-gallery-path-'));
    for (const f of ['model.nnp', 'start.xyz', 'end.xyz']) copyFileSync(join(EXAMPLE, f), join(dir, f));
    const out = join(dir, 'out', 'route');

    it('make-data.mjs writes exactly the shipped structures', () => {
        const fresh = join(dir, 'fresh');
        mkdirSync(fresh);
        const r = spawnSync(process.execPath, [join(EXAMPLE, 'make-data.mjs'), fresh], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        for (const f of ['start.xyz', 'end.xyz']) expect(readFileSync(join(fresh, f), 'utf8'), f).toBe(readFileSync(join(EXAMPLE, f), 'utf8'));
    });

    it('the least-cost route is far cheaper and lower than the straight line, and crosses at the lowest pass', () => {
        const r = nnp(['run', 'model.nnp', '--backend', 'reference'], dir);
        expect(r.code, r.err).toBe(0);
        console.log(r.out.replace(/; summary .*$/gm, ''));
        const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as PathSummary;
        const probe = readStructures(join(dir, 'start.xyz'))[0]!;
        const at = (x: number, y: number) => {
            const p = Float64Array.from(probe.positions);
            p[0] = x;
            p[1] = y;
            return energy(p);
        };
        expect([s.start, s.end]).toEqual([[4, 8], [24, 8]]);

        // the terrain is the hand-written sum, at every grid point
        const grid = table(join(out, 'grid.csv'));
        expect(grid).toHaveLength(113 * 65);
        for (const [x, y, e] of grid) expect(Math.abs(e! - at(x!, y!))).toBeLessThan(1e-12);
        const eMin = Math.min(...grid.map((g) => g[2]!));
        expect(s.gridMinimumEv).toBe(eMin);

        // the route: its cost is the line integral over path.csv
        const route = table(join(out, 'path.csv')).map((p) => [p[1]!, p[2]!, p[4]!] as const);
        expect(route).toHaveLength(s.points);
        expect(lineIntegral(route, eMin)).toBeCloseTo(s.costEvA, 12);

        // the straight line, recomputed here at 2000 segments, agrees with the protocol's 80
        const fine = Array.from({ length: 2001 }, (_, k) => {
            const t = k / 2000;
            const x = s.start[0] + t * (s.end[0] - s.start[0]);
            const y = s.start[1] + t * (s.end[1] - s.start[1]);
            return [x, y, at(x, y)] as const;
        });
        const straightCost = lineIntegral(fine, eMin);
        const straightTop = Math.max(...fine.map((p) => p[2]));
        expect(Math.abs(s.straightLine.costEvA - straightCost)).toBeLessThan(0.01 * straightCost);
        expect(Math.abs(s.straightLine.highestEnergyEv - straightTop)).toBeLessThan(1e-3);
        expect(s.straightLine.lengthA).toBeCloseTo(20, 12);
        const straight = table(join(out, 'straight-line.csv'));
        expect(straight).toHaveLength(s.straightLine.points);
        for (const [, x, y, , e] of straight) expect(Math.abs(e! - at(x!, y!))).toBeLessThan(1e-12);

        // the claim: longer, but less than half the straight line's cost and a quarter of its climb
        expect(s.pathLengthA).toBeGreaterThan(1.1 * s.straightLine.lengthA);
        expect(s.costEvA).toBeLessThan(0.5 * straightCost);
        expect(s.barrierEv).toBeLessThan(0.25 * (straightTop - s.startEnergyEv));
        // the straight line climbs over the top of the atom in the middle, at (14, 8); the route keeps
        // more than 2 Å (sideways) from every fixed atom, in their attractive rings or between them
        expect(s.straightLine.highest).toEqual([14, 8]);
        expect(straightTop).toBeGreaterThan(s.startEnergyEv + 0.1);
        const fixed = Array.from({ length: probe.symbols.length - 1 }, (_, k) => [probe.positions[3 * k + 3]!, probe.positions[3 * k + 4]!] as const);
        for (const [x, y] of route) for (const [fx, fy] of fixed) expect(Math.hypot(x - fx, y - fy)).toBeGreaterThan(2);

        // the route's highest point is the lowest pass: below it, start and end are not connected
        const na = 113;
        const nb = 65;
        const node = ([x, y]: readonly number[]) => grid.findIndex((g) => g[0] === x && g[1] === y);
        const connected = (level: number) => {
            const seen = new Uint8Array(na * nb);
            const stack = [node(s.start)];
            seen[stack[0]!] = 1;
            while (stack.length > 0) {
                const u = stack.pop()!;
                const [i, j] = [Math.floor(u / nb), u % nb];
                for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) {
                    const [ii, jj] = [i + di, j + dj];
                    const v = ii * nb + jj;
                    if (ii < 0 || ii >= na || jj < 0 || jj >= nb || seen[v] || grid[v]![2]! > level) continue;
                    seen[v] = 1;
                    stack.push(v);
                }
            }
            return seen[node(s.end)] === 1;
        };
        expect(connected(s.highestEnergyEv)).toBe(true);
        expect(connected(s.highestEnergyEv - 1e-9)).toBe(false);

        // the heat map shows both routes
        const svg = readFileSync(join(out, 'landscape.svg'), 'utf8');
        expect(svg.match(/<polyline /g)).toHaveLength(2);
        expect(svg).toContain('>straight line<');
    });
});
