// Optimisers on analytic potentials: every method reaches fmax ≤ 1e-3 eV/Å from the same distorted
// start and finds the same minimum; Newton with the Hessian needs the fewest iterations; relax_cell
// removes the stress; the eigen-solver behind Newton and phonons is exact on random matrices.
import { describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { symmetricEigen } from '../../runtime/src/math/symmetric-eigen.js';
import { minimize, type Method } from '../../runtime/src/optimize/minimize.js';
import { maxNorm3 } from '../../runtime/src/optimize/objective.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import type { Structure } from '../../runtime/src/structure.js';
import { uniforms } from '../../runtime/src/math/random.js';
import { checkText } from '../helpers/specs.js';

async function potential(text: string): Promise<PotentialIR> {
    const doc = await checkText(text);
    return lowerSpec(doc.parseResult.value).potentials[0]!;
}

const LJ = 'potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.40 A cutoff 8.0 A shift }';

/** A 13-atom icosahedral argon cluster (the LJ13 global minimum's shape), each coordinate displaced by up to ±0.35 Å. */
function distortedCluster(): Structure {
    const phi = (1 + Math.sqrt(5)) / 2;
    const radius = 3.6 / Math.hypot(1, phi); // vertices at 3.6 Å from the centre, about the pair-minimum distance
    const sites = [[0, 0, 0]];
    for (const s1 of [-1, 1]) for (const s2 of [-1, 1]) sites.push([0, s1, s2 * phi], [s1, s2 * phi, 0], [s2 * phi, 0, s1]);
    const r = uniforms(17);
    const positions = Float64Array.from(sites.flat(), (v) => v * radius + 0.7 * (r() - 0.5));
    return { symbols: Array(13).fill('Ar'), positions, pbc: [false, false, false], info: {} };
}

describe('optimize', () => {
    it('fire, lbfgs, cg and newton all reach fmax ≤ 1e-3 eV/Å at the same minimum; newton in the fewest iterations', async () => {
        const lj = await potential(LJ);
        const calc = async (s: Structure) => evaluatePotential(lj, s);
        const start = distortedCluster();
        const results = new Map<Method, Awaited<ReturnType<typeof minimize>>>();
        for (const method of ['fire', 'lbfgs', 'cg', 'newton'] as const) {
            results.set(method, await minimize(start, calc, { method, fmax: 1e-3, maxSteps: 3000 }));
        }
        const counts = [...results].map(([m, r]) => `${m}: ${r.steps} iterations, ${r.evaluations} evaluations, E ${r.energyEv.toFixed(6)} eV`);
        console.log(`LJ13 from a distorted start\n  ${counts.join('\n  ')}`);
        for (const r of results.values()) {
            expect(r.converged).toBe(true);
            expect(maxNorm3(evaluatePotential(lj, r.final).forces)).toBeLessThanOrEqual(1e-3);
            expect(Math.abs(r.energyEv - results.get('newton')!.energyEv)).toBeLessThan(1e-4); // soft modes: f²/2k at fmax
        }
        // the icosahedral LJ13 minimum: −44.3268 ε (Wales & Doye 1997), a little higher with the cutoff shift
        expect(results.get('newton')!.energyEv / 0.0103).toBeLessThan(-40);
        const newton = results.get('newton')!.steps;
        expect(newton).toBeLessThan(results.get('lbfgs')!.steps);
        expect(newton).toBeLessThan(results.get('cg')!.steps);
        expect(results.get('lbfgs')!.steps).toBeLessThan(results.get('fire')!.steps);
    }, 60_000);

    it('relax_cell brings a strained periodic crystal to zero stress and a lower energy', async () => {
        const lj = await potential(LJ);
        const start = crystal('fcc', 'Ar', 5.6, { supercell: [2, 2, 2] });
        const e0 = evaluatePotential(lj, start).energy;
        for (const method of ['lbfgs', 'fire'] as const) {
            const r = await minimize(start, async (s) => evaluatePotential(lj, s), { method, fmax: 1e-4, maxSteps: 2000, relaxCell: true });
            expect(r.converged).toBe(true);
            const after = evaluatePotential(lj, r.final);
            expect(after.energy).toBeLessThan(e0);
            const volume = Math.abs(after.virial[0]! / after.stress![0]!);
            for (const w of after.virial) expect(Math.abs(w) / 32).toBeLessThan(1e-4); // W = Vσ per atom (eV)
            expect(Math.cbrt(volume / 8)).toBeLessThan(5.6);
        }
    });
});

describe('symmetricEigen', () => {
    it('returns ascending eigenvalues and orthonormal eigenvectors with A v = λ v', () => {
        for (const n of [1, 2, 7, 40]) {
            const r = uniforms(n);
            const A = new Float64Array(n * n);
            for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = r() - 0.5;
            const { values, vectors } = symmetricEigen(A, n);
            for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
            for (let k = 0; k < n; k++) {
                for (let i = 0; i < n; i++) {
                    let av = 0;
                    for (let j = 0; j < n; j++) av += A[i * n + j]! * vectors[j * n + k]!;
                    expect(Math.abs(av - values[k]! * vectors[i * n + k]!)).toBeLessThan(1e-12);
                }
                for (let l = 0; l < n; l++) {
                    let d = 0;
                    for (let i = 0; i < n; i++) d += vectors[i * n + k]! * vectors[i * n + l]!;
                    expect(Math.abs(d - (k === l ? 1 : 0))).toBeLessThan(1e-12);
                }
            }
        }
    });

    it('resolves degenerate eigenvalues (a diagonal matrix with repeats)', () => {
        const { values } = symmetricEigen([2, 0, 0, 0, 1, 0, 0, 0, 2], 3);
        expect([...values]).toEqual([1, 2, 2]);
    });
});
