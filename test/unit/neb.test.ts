// Nudged elastic band: on the Müller–Brown surface the climbing image lands on the known saddle
// points (Müller & Brown 1979), a plain band stays below them; a vacancy hop in Lennard-Jones argon
// (across the periodic boundary) gives a mirror-symmetric profile with the saddle in the middle.
import { describe, expect, it } from 'vitest';
import type { PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { improvedTangent, interpolateBand, minimumImageDisplacement, runNeb } from '../../runtime/src/neb/neb.js';
import { fire } from '../../runtime/src/optimize/fire.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import type { Structure } from '../../runtime/src/structure.js';
import { crystal } from '../../runtime/src/structures/crystal.js';

const calculatorOf = (p: PotentialIR) => async (s: Structure) => evaluatePotential(p, s);
const mb = calculatorOf({ name: 'mb', terms: [{ kind: 'muller_brown', elements: ['H'], params: { scale: 1 }, shift: false }] });
const at = (x: number, y: number): Structure => ({ symbols: ['H'], positions: Float64Array.from([x, y, 0]), pbc: [false, false, false], info: {} });

// minima and saddles of the Müller–Brown surface (x, y in Å, E in eV)
const A = at(-0.558, 1.442);
const B = at(0.623, 0.028);
const C = at(-0.050, 0.467);
const SADDLE_AC = { x: -0.822, y: 0.624, e: -40.66 };
const SADDLE_CB = { x: 0.212, y: 0.293, e: -72.25 };

describe('NEB on Müller–Brown', () => {
    it('the climbing image finds both saddles of A → C → B within 1 % (and 0.01 Å)', async () => {
        for (const [from, to, saddle] of [[A, C, SADDLE_AC], [C, B, SADDLE_CB]] as const) {
            const r = await runNeb(mb, { initial: from, final: to, images: 9, spring: 10, climbing: true, fmax: 0.01, maxSteps: 2000 });
            expect(r.converged).toBe(true);
            expect(r.climbing).toBe(true);
            const top = r.band[r.saddleImage]!;
            expect(r.saddleImage).toBeGreaterThan(0);
            expect(r.saddleImage).toBeLessThan(10);
            expect(Math.abs(r.energies[r.saddleImage]! - saddle.e)).toBeLessThan(0.01 * Math.abs(saddle.e));
            expect(Math.hypot(top.positions[0]! - saddle.x, top.positions[1]! - saddle.y)).toBeLessThan(0.01);
            // the climbing image sits on the saddle: its true force vanishes
            expect(Math.hypot(...top.forces!.slice(0, 3))).toBeLessThan(0.05);
            expect(r.barrierEv).toBeCloseTo(r.energies[r.saddleImage]! - r.energies[0]!, 10);
            expect(r.reverseBarrierEv).toBeCloseTo(r.energies[r.saddleImage]! - r.energies[10]!, 10);
            expect(r.reactionEnergyEv).toBeCloseTo(r.energies[10]! - r.energies[0]!, 10);
            // the reaction coordinate grows along the band
            for (let i = 1; i < r.reactionCoordinate.length; i++) expect(r.reactionCoordinate[i]!).toBeGreaterThan(r.reactionCoordinate[i - 1]!);
        }
    });

    it('A → B in one band: the barrier is the higher saddle; without climbing the images stay below it', async () => {
        const ci = await runNeb(mb, { initial: A, final: B, images: 13, spring: 10, climbing: true, fmax: 0.01, maxSteps: 3000 });
        expect(ci.converged).toBe(true);
        expect(ci.energies[ci.saddleImage]!).toBeCloseTo(SADDLE_AC.e, 1);
        expect(ci.barrierEv).toBeCloseTo(SADDLE_AC.e - -146.70, 1);
        // the band passes the intermediate minimum C: some image lies within 0.1 Å of it
        expect(Math.min(...ci.band.map((s) => Math.hypot(s.positions[0]! + 0.05, s.positions[1]! - 0.467)))).toBeLessThan(0.1);
        const plain = await runNeb(mb, { initial: A, final: B, images: 13, spring: 10, climbing: false, fmax: 0.01, maxSteps: 3000 });
        expect(plain.converged).toBe(true);
        expect(plain.climbing).toBe(false);
        expect(Math.max(...plain.energies)).toBeLessThan(SADDLE_AC.e);
        expect(Math.max(...plain.energies)).toBeGreaterThan(SADDLE_AC.e - 5);
    });

    it('the improved tangent follows the uphill neighbour, and weighs both at an extremum', () => {
        // R_{i−1} = 0, R_i = (1, 0, 0), R_{i+1} = (1, 2, 0): τ⁺ = (0, 2, 0), τ⁻ = (1, 0, 0)
        const t = (vPrev: number, v: number, vNext: number) => Array.from(improvedTangent([0, 0, 0], [1, 0, 0], [1, 2, 0], vPrev, v, vNext));
        const unit = (u: number[]) => u.map((x) => x / Math.hypot(...u));
        expect(t(0, 1, 2)).toEqual([0, 1, 0]);
        expect(t(2, 1, 0)).toEqual([1, 0, 0]);
        // a maximum, V_{i+1} > V_{i−1}: τ⁺ ΔV_max + τ⁻ ΔV_min with ΔV_max = 0.5, ΔV_min = 0.1
        t(1.5, 2, 1.9).forEach((v, k) => expect(v).toBeCloseTo(unit([0.1, 1, 0])[k]!, 12));
        // a minimum, V_{i+1} < V_{i−1}: τ⁺ ΔV_min + τ⁻ ΔV_max with ΔV_max = 1, ΔV_min = 0.5
        t(1, 0, 0.5).forEach((v, k) => expect(v).toBeCloseTo(unit([1, 1, 0])[k]!, 12));
    });
});

describe('NEB in a periodic cell', () => {
    const lj = calculatorOf({ name: 'lj', terms: [{ kind: 'lennard_jones', elements: ['Ar'], params: { epsilon: 0.0104, sigma: 3.4, cutoff: 6.5 }, shift: true }] });

    it('a vacancy hop in fcc Lennard-Jones argon: symmetric profile, saddle in the middle, across the boundary', async () => {
        const a = 5.3;
        const L = 2 * a;
        const perfect = crystal('fcc', 'Ar', a, { supercell: [2, 2, 2] });
        // the vacancy at the origin; its neighbour at (L − a/2, L − a/2, 0) hops into it across the cell's faces
        const near = (p: Float64Array, i: number, x: number, y: number, z: number) => Math.hypot(p[3 * i]! - x, p[3 * i + 1]! - y, p[3 * i + 2]! - z) < 1e-9;
        const keep = perfect.symbols.map((_, i) => i).filter((i) => !near(perfect.positions, i, 0, 0, 0));
        const vacancy: Structure = { ...perfect, symbols: keep.map(() => 'Ar'), positions: Float64Array.from(keep.flatMap((i) => Array.from(perfect.positions.subarray(3 * i, 3 * i + 3)))) };
        const hop = keep.findIndex((i) => near(perfect.positions, i, L - a / 2, L - a / 2, 0));
        expect(hop).toBeGreaterThanOrEqual(0);
        const hopped = Float64Array.from(vacancy.positions);
        hopped.set([0, 0, 0], 3 * hop);
        const initial = (await fire(vacancy, lj, 1e-4, 2000)).final;
        const final = (await fire({ ...vacancy, positions: hopped }, lj, 1e-4, 2000)).final;
        // the minimum image takes the hopping atom about a/√2 = 3.75 Å (one neighbour distance, less
        // the relaxation towards the vacancy), not 7 Å back across the cell
        const d = minimumImageDisplacement(initial, final);
        expect(Math.abs(Math.hypot(d[3 * hop]!, d[3 * hop + 1]!, d[3 * hop + 2]!) - a / Math.SQRT2)).toBeLessThan(0.2);
        expect(interpolateBand(initial, final, 5)[3]!.positions[3 * hop]).toBeCloseTo(L - a / 4, 1);

        const r = await runNeb(lj, { initial, final, images: 5, spring: 0.1, climbing: true, fmax: 1e-3, maxSteps: 1000 });
        expect(r.converged).toBe(true);
        const E = r.energies.map((e) => e - r.energies[0]!);
        expect(E).toHaveLength(7);
        for (let k = 0; k < E.length; k++) expect(Math.abs(E[k]! - E[E.length - 1 - k]!)).toBeLessThan(1e-6);
        expect(r.saddleImage).toBe(3);
        // relaxing the band lowered the middle image below the straight-line guess
        const straight = await lj(interpolateBand(initial, final, 5)[3]!);
        expect(r.energies[3]!).toBeLessThan(straight.energy - 0.01);
        expect(r.barrierEv).toBeGreaterThan(0.01);
        expect(r.barrierEv).toBeLessThan(0.1);
        expect(Math.abs(r.reactionEnergyEv)).toBeLessThan(1e-6);
        expect(r.reverseBarrierEv).toBeCloseTo(r.barrierEv, 6);
        // rising to the middle, falling after it
        for (let k = 1; k <= 3; k++) expect(E[k]!).toBeGreaterThan(E[k - 1]!);
        // the saddle: the hopping atom half-way, at (L − a/4, L − a/4, 0) up to the lattice
        const mid = r.band[3]!.positions;
        const wrap = (v: number) => v - L * Math.floor(v / L);
        expect(wrap(mid[3 * hop]!)).toBeCloseTo(L - a / 4, 1);
        expect(wrap(mid[3 * hop + 1]!)).toBeCloseTo(L - a / 4, 1);
    });
});
