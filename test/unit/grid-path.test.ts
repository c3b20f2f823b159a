// Grid paths: Dijkstra with the line-integral cost on grids small enough to check by hand, and on
// the Müller–Brown surface, where the path from A to B passes the intermediate minimum C and its
// highest point is the saddle between A and C; a NEB seeded from it climbs onto that saddle.
import { describe, expect, it } from 'vitest';
import type { PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { energyGrid, gridMinima, gridPath, nearestNode, pathBand, type EnergyGrid, type GridAxis } from '../../runtime/src/landscape/grid-path.js';
import { runNeb } from '../../runtime/src/neb/neb.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import type { Structure } from '../../runtime/src/structure.js';
import { checkText } from '../helpers/specs.js';

const grid = (a: number[], b: number[], rows: number[][]): EnergyGrid => ({ a: Float64Array.from(a), b: Float64Array.from(b), energies: Float64Array.from(rows.flat()) });

describe('grid paths by hand', () => {
    // E[i][j] at (a_i, b_j); nodes i·3 + j
    const g = grid([0, 1, 2], [0, 1, 2], [
        [0, 5, 5],
        [1, 9, 5],
        [2, 1, 0],
    ]);

    it('takes the cheapest route: ½(E_u + E_v − 2E_min)|Δx| summed', () => {
        const p = gridPath(g, 0, 8);
        // (0,0) → (1,0) → (2,1) → (2,2): ½(0+1)·1 + ½(1+1)·√2 + ½(1+0)·1; around by (2,0) costs 4, across the 9 12.7
        expect(p.nodes).toEqual([0, 3, 7, 8]);
        expect(p.cost).toBeCloseTo(1 + Math.SQRT2, 12);
        expect(p.coordinates).toEqual([[0, 0], [1, 0], [2, 1], [2, 2]]);
        expect(p.energies).toEqual([0, 1, 1, 0]);
        expect(p.arcLength.at(-1)).toBeCloseTo(2 + Math.SQRT2, 12);
        expect([p.highestEnergy, p.highestIndex, p.barrier]).toEqual([1, 1, 1]);
        expect(gridPath(g, 8, 0).nodes).toEqual([8, 7, 3, 0]);
        expect(gridPath(g, 4, 4).nodes).toEqual([4]);
    });

    it('finds local minima lowest first and the node nearest a point', () => {
        expect(gridMinima(g)).toEqual([0, 8]);
        expect(nearestNode(g, [1.4, 0.6])).toBe(4);
        expect(nearestNode(g, [-3, 7])).toBe(2);
    });

    it('stays at or below the lowest pass unless told otherwise', () => {
        // straight across the 4 costs 4; around through the 3s costs 2·(3/2)√2 ≈ 4.24 but climbs less
        const ridge = grid([0, 1], [0, 1, 2], [
            [0, 4, 0],
            [3, 3, 3],
        ]);
        const low = gridPath(ridge, 0, 2);
        expect(low.nodes).toEqual([0, 4, 2]);
        expect(low.highestEnergy).toBe(3);
        expect(low.cost).toBeCloseTo(3 * Math.SQRT2, 12);
        const plain = gridPath(ridge, 0, 2, { lowestPass: false });
        expect(plain.nodes).toEqual([0, 1, 2]);
        expect(plain.highestEnergy).toBe(4);
        expect(plain.cost).toBeCloseTo(4, 12);
    });

    it('resamples a path into evenly spaced images', () => {
        const p = gridPath(g, 0, 8);
        const probe: Structure = { symbols: ['H', 'H'], positions: Float64Array.from([0, 0, 7, 5, 5, 5]), pbc: [false, false, false], info: {} };
        const axes: [GridAxis, GridAxis] = [{ coordinate: 0, from: 0, to: 2, points: 3 }, { coordinate: 2, from: 0, to: 2, points: 3 }];
        const band = pathBand(probe, 0, axes, p, 5);
        expect(band).toHaveLength(5);
        const step = (2 + Math.SQRT2) / 4;
        // image 1 at arc length `step` along the first (a-axis) segment; image 2 on the diagonal
        expect(Array.from(band[1]!.positions)).toEqual([step, 0, 0, 5, 5, 5]);
        const t = (2 * step - 1) / Math.SQRT2;
        expect(band[2]!.positions[0]).toBeCloseTo(1 + t, 12);
        expect(band[2]!.positions[2]).toBeCloseTo(t, 12);
        expect(Array.from(band[4]!.positions)).toEqual([2, 0, 2, 5, 5, 5]);
        expect(band[0]!.positions[1]).toBe(0); // the coordinate no axis names stays
    });
});

describe('grid paths on Müller–Brown', () => {
    const mb: PotentialIR = { name: 'mb', terms: [{ kind: 'muller_brown', elements: ['H'], params: { scale: 1 }, shift: false }] };
    const calculator = async (s: Structure) => evaluatePotential(mb, s);
    const probe: Structure = { symbols: ['H'], positions: Float64Array.from([0, 0, 0]), pbc: [false, false, false], info: {} };
    const axes: [GridAxis, GridAxis] = [{ coordinate: 0, from: -1.5, to: 1.2, points: 60 }, { coordinate: 1, from: -0.5, to: 2.0, points: 60 }];

    it('A → B passes C; its highest point is the A–C saddle (−40.66 eV); a NEB seeded from it climbs onto the saddle', async () => {
        const g = await energyGrid(probe, 0, axes, calculator);
        expect(g.energies).toHaveLength(3600);
        expect(g.a[59]).toBeCloseTo(1.2, 12);
        expect(g.energies[33 * 60 + 11]).toBe(evaluatePotential(mb, { ...probe, positions: Float64Array.from([g.a[33]!, g.b[11]!, 0]) }).energy);
        // the three lowest minima of the grid lie next to A, B and C (grid spacing ≈ 0.045 Å)
        const minima = gridMinima(g).slice(0, 3).map((u) => [g.a[Math.floor(u / 60)]!, g.b[u % 60]!]);
        ([[-0.558, 1.442], [0.623, 0.028], [-0.050, 0.467]] as const).forEach(([x, y], k) => {
            expect(Math.hypot(minima[k]![0]! - x, minima[k]![1]! - y), `minimum ${k}`).toBeLessThan(0.05);
        });
        const p = gridPath(g, nearestNode(g, [-0.558, 1.442]), nearestNode(g, [0.623, 0.028]));
        expect(p.nodes).toEqual(gridPath(g, gridMinima(g)[0]!, gridMinima(g)[1]!).nodes);
        expect(Math.min(...p.coordinates.map(([x, y]) => Math.hypot(x + 0.050, y - 0.467)))).toBeLessThan(0.05);
        expect(Math.abs(p.highestEnergy - -40.66)).toBeLessThan(0.5);
        expect(Math.hypot(p.coordinates[p.highestIndex]![0] + 0.822, p.coordinates[p.highestIndex]![1] - 0.624)).toBeLessThan(0.05);
        expect(p.barrier).toBeCloseTo(p.highestEnergy - p.energies[0]!, 12);
        // the line integral alone cuts across the ridge between A and C, far above the saddle
        expect(gridPath(g, p.nodes[0]!, p.nodes.at(-1)!, { lowestPass: false }).highestEnergy).toBeGreaterThan(-25);

        const band = pathBand(probe, 0, axes, p, 15);
        const r = await runNeb(calculator, { initial: band[0]!, final: band.at(-1)!, images: 13, band, spring: 10, climbing: true, fmax: 0.01, maxSteps: 2000 });
        expect(r.converged).toBe(true);
        expect(r.energies[r.saddleImage]!).toBeCloseTo(-40.66, 1);
    });
});

describe('path runs in a spec', () => {
    const errors = async (text: string) => ((await checkText(text)).diagnostics ?? []).filter((d) => d.severity === 1).map((d) => d.message);

    it('take two axes of one atom, and initial / final as the ends', async () => {
        const spec = (second: string, extra = '') => `potential mb = muller_brown H { }
run path mb as p {
  crystal sc H a 10 A
  axis x of atom 0 from -1.5 A to 1.2 A points 10
  ${second}
  ${extra}
}`;
        expect(await errors(spec('axis y of atom 0 from -0.5 A to 2.0 A points 10', 'initial "a.xyz" final "b.xyz"'))).toEqual([]);
        expect(await errors(spec('axis y of atom 1 from -0.5 A to 2.0 A points 10'))).toEqual(['Both axes of a path search move one probe atom, got atoms 0 and 1.']);
        expect(await errors(spec('axis y of atom 0 from 1 A to 1 A points 10'))).toEqual(["An axis needs 'from' ≠ 'to'."]);
        expect(await errors(spec(''))).toEqual(['A path search needs exactly two axes (e.g. axis x of atom 0 ... and axis y of atom 0 ...).']);
    });

    it('neb springs must be positive', async () => {
        const neb = (spring: string) => `potential mb = muller_brown H { }
run neb mb { initial "a.xyz" final "b.xyz" images 5 spring ${spring} climbing }`;
        expect(await errors(neb('5 eV/A^2'))).toEqual([]);
        expect(await errors(neb('-5 eV/A^2'))).toEqual(['The spring constant must be positive.']);
    });
});
