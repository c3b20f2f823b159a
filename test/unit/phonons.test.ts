// Phonons of Stillinger–Weber diamond silicon against an independent float64 calculation: the
// Γ-point optical frequency from the frozen-phonon energy curvature, and the whole spectrum and VDOS
// from a Hessian built from second differences of the energy (no forces involved).
import { describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { finiteDifferenceHessian } from '../../runtime/src/optimize/hessian.js';
import { positionsObjective } from '../../runtime/src/optimize/objective.js';
import { normalModes, THZ_PER_ROOT_LAMBDA } from '../../runtime/src/phonons/modes.js';
import { modesVdos, vdosOverlap, velocityVdos } from '../../runtime/src/phonons/vdos.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import type { Structure } from '../../runtime/src/structure.js';
import { checkText } from '../helpers/specs.js';

async function potential(text: string): Promise<PotentialIR> {
    const doc = await checkText(text);
    return lowerSpec(doc.parseResult.value).potentials[0]!;
}

const A = 5.431;
const M_SI = 28.0855;

describe('phonons of Stillinger–Weber silicon (8-atom cubic cell: Γ and X)', async () => {
    const sw = await potential('potential sw = stillinger_weber Si { }');
    const cell = crystal('diamond', 'Si', A);
    const n = cell.symbols.length;
    const energy = (positions: Float64Array) => evaluatePotential(sw, { ...cell, positions }).energy;
    const calc = async (s: Structure) => evaluatePotential(sw, s);
    const masses = new Float64Array(n).fill(M_SI);
    const modes = normalModes(await finiteDifferenceHessian(positionsObjective(cell, calc), Float64Array.from(cell.positions), 1e-3), masses);

    it('the Γ optical frequency matches the frozen-phonon energy curvature to 0.5 %', () => {
        // optical pattern: the two fcc sublattices (coordinates in a/4 even or odd) move against each other along x
        const sign = Array.from({ length: n }, (_, i) => (Math.round((4 * cell.positions[3 * i]!) / A) % 2 === 0 ? 1 : -1));
        const displaced = (u: number) => cell.positions.map((x, k) => (k % 3 === 0 ? x + u * sign[Math.floor(k / 3)]! : x));
        const u = 2e-3;
        const curvature = (energy(displaced(u)) + energy(displaced(-u)) - 2 * energy(displaced(0))) / (u * u); // d²E/du² (eV/Å²)
        const frozen = THZ_PER_ROOT_LAMBDA * Math.sqrt(curvature / (n * M_SI)); // Q = √(N m) u
        // the pattern lies in the eigenspace of the highest (triply degenerate) frequency
        const d = 3 * n;
        const top = Math.max(...modes.frequenciesThz);
        let inSpace = 0;
        for (let k = 0; k < d; k++) {
            if (Math.abs(modes.frequenciesThz[k]! - top) > 1e-6 * top) continue;
            let o = 0;
            for (let i = 0; i < n; i++) o += (sign[i]! * modes.vectors[3 * i * d + k]!) / Math.sqrt(n);
            inSpace += o * o;
        }
        expect(inSpace).toBeGreaterThan(0.999999);
        expect(Math.abs(top / frozen - 1)).toBeLessThan(5e-3);
        // SW is known to overestimate silicon's zone-centre optical phonon (≈ 17.8 THz; experiment 15.5 THz)
        expect(frozen).toBeGreaterThan(17);
        expect(frozen).toBeLessThan(18.5);
    });

    it('acoustic modes at Γ are ≈ 0 and no mode is imaginary', () => {
        const abs = Array.from(modes.frequenciesThz, Math.abs).sort((a, b) => a - b);
        expect(abs[2]!).toBeLessThan(0.05);
        expect(abs[3]!).toBeGreaterThan(1);
        expect(Math.min(...modes.frequenciesThz)).toBeGreaterThan(-0.05);
    });

    it('every frequency and the VDOS match a Hessian from second differences of the energy to 0.5 %', () => {
        const d = 3 * n;
        const h = 2e-3;
        const H = new Float64Array(d * d);
        const at = (a: number, da: number, b: number, db: number) => {
            const x = Float64Array.from(cell.positions);
            x[a]! += da;
            x[b]! += db;
            return energy(x);
        };
        for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) {
            H[a * d + b] = H[b * d + a] = (at(a, h, b, h) - at(a, h, b, -h) - at(a, -h, b, h) + at(a, -h, b, -h)) / (4 * h * h);
        }
        const independent = normalModes(H, masses).frequenciesThz;
        const worst = Math.max(...Array.from({ length: d - 3 }, (_, k) => Math.abs(modes.frequenciesThz[k + 3]! / independent[k + 3]! - 1)));
        console.log(`SW Si 8-atom cell: largest relative frequency difference, force vs energy differences: ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(5e-3);
        const grid = { bins: 300, maxThz: 20 };
        const g1 = modesVdos(modes.frequenciesThz, 0.3, grid);
        const g2 = modesVdos(independent, 0.3, grid);
        const peak = Math.max(...g2.density);
        for (let b = 0; b < grid.bins; b++) expect(Math.abs(g1.density[b]! - g2.density[b]!)).toBeLessThan(5e-3 * peak);
        expect(vdosOverlap(g1, g2)).toBeGreaterThan(0.995);
        const total = g1.density.reduce((s, g) => s + g, 0) * (grid.maxThz / grid.bins);
        expect(total).toBeCloseTo(1, 9);
    });

    it('the VDOS from velocity autocorrelation of a harmonic trajectory peaks at its frequencies', () => {
        // two independent oscillators, 5 and 12 THz, sampled every 1 fs
        const frames = Array.from({ length: 4000 }, (_, t) => Float64Array.from([Math.cos(2 * Math.PI * 5e-3 * t), 0, 0, 0, 0, 0.7 * Math.cos(2 * Math.PI * 12e-3 * t + 1)]));
        const g = velocityVdos(frames, [1, 1], 1, { bins: 400, maxThz: 20 });
        const peaks = [...g.density.keys()].filter((k) => k > 0 && k < 399 && g.density[k]! > g.density[k - 1]! && g.density[k]! >= g.density[k + 1]! && g.density[k]! > 0.1 * Math.max(...g.density));
        expect(peaks).toHaveLength(2);
        expect(Math.abs(g.frequencyThz[peaks[0]!]! - 5)).toBeLessThanOrEqual(0.05);
        expect(Math.abs(g.frequencyThz[peaks[1]!]! - 12)).toBeLessThanOrEqual(0.05);
    });
});
