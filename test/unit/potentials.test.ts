// Analytic reference potentials: known values (Stillinger–Weber silicon's cohesive energy), forces
// = −∇E by central differences, stress = strain derivative, for pair and three-body terms.
import { expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import type { Structure } from '../../runtime/src/structure.js';
import { randomStructure } from '../helpers/random-model.js';
import { checkText } from '../helpers/specs.js';

async function potential(text: string): Promise<PotentialIR> {
    const doc = await checkText(text);
    expect((doc.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
    return lowerSpec(doc.parseResult.value).potentials.at(-1)!;
}

function checkForcesAndStress(p: PotentialIR, s: Structure): void {
    const base = evaluatePotential(p, s);
    const h = 1e-5;
    for (let k = 0; k < s.positions.length; k++) {
        const e = (dx: number) => {
            const q = Float64Array.from(s.positions);
            q[k]! += dx;
            return evaluatePotential(p, { ...s, positions: q }).energy;
        };
        const fd = -(e(h) - e(-h)) / (2 * h);
        expect(Math.abs(fd - base.forces[k]!), `force ${k}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
    if (!s.cell) return;
    for (const [a, b] of [[0, 0], [1, 2], [2, 1]] as const) {
        const strained = (eps: number) => {
            const f = (v: Float64Array) => {
                const out = Float64Array.from(v);
                for (let i = 0; i < v.length / 3; i++) out[3 * i + a]! += eps * v[3 * i + b]!;
                return out;
            };
            return evaluatePotential(p, { ...s, positions: f(s.positions), cell: f(s.cell!) }).energy;
        };
        const fd = (strained(h) - strained(-h)) / (2 * h);
        expect(Math.abs(fd - base.virial[3 * a + b]!), `virial ${a}${b}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
}

it('gives Stillinger–Weber silicon its cohesive energy, −2ε = −4.3366 eV/atom, and zero forces in diamond', async () => {
    const sw = await potential('potential sw = stillinger_weber Si { }');
    const r = evaluatePotential(sw, crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] }));
    expect(r.energy / 64).toBeCloseTo(-4.3366, 3);
    expect(Math.max(...r.forces.map(Math.abs))).toBeLessThan(1e-10);
});

it('forces and stress of Lennard-Jones (shifted) + Morse', async () => {
    const p = await potential(`potential lj = lennard_jones H O { epsilon 0.2 eV sigma 1.1 A cutoff 3.0 A shift }
potential both = lj + morse O { depth 0.5 eV alpha 1.5 /A r0 1.3 A cutoff 3.2 A }`);
    checkForcesAndStress(p, randomStructure(1, 6, true));
    checkForcesAndStress(p, randomStructure(2, 5, false));
});

it('forces and stress of Stillinger–Weber and Axilrod–Teller–Muto three-body terms', async () => {
    const si = await potential('potential sw = stillinger_weber Si { }');
    const s = crystal('diamond', 'Si', 5.431);
    const rattled = { ...s, positions: s.positions.map((x, i) => x + 0.1 * Math.sin(7 * i + 1)) };
    checkForcesAndStress(si, rattled);
    const atm = await potential('potential t = lennard_jones Ar { epsilon 0.0104 eV sigma 3.4 A cutoff 6 A } + axilrod_teller Ar { c9 50 eV*A^9 cutoff 5 A }');
    const ar = crystal('fcc', 'Ar', 5.26);
    checkForcesAndStress(atm, { ...ar, positions: ar.positions.map((x, i) => x + 0.15 * Math.cos(5 * i)) });
    checkForcesAndStress(atm, { ...randomStructure(4, 4, false, ['Ar']), positions: randomStructure(4, 4, false, ['Ar']).positions.map((x) => 1.6 * x) });
});

it('Müller–Brown: its minima and saddle energies, forces = −∇E, `scale`, and only the named elements feel it', async () => {
    const mb = await potential('potential mb = muller_brown H { }');
    expect(mb.terms[0]!.params).toEqual({ scale: 1 });
    const one = (x: number, y: number, z = 0.3): Structure => ({ symbols: ['H'], positions: Float64Array.from([x, y, z]), pbc: [false, false, false], info: {} });
    // Müller & Brown (1979): minima A, B, C and the two saddles, eV at scale 1 eV
    for (const [x, y, e] of [[-0.558, 1.442, -146.70], [0.623, 0.028, -108.17], [-0.050, 0.467, -80.77], [-0.822, 0.624, -40.66], [0.212, 0.293, -72.25]] as const) {
        expect(evaluatePotential(mb, one(x, y)).energy).toBeCloseTo(e, 1);
    }
    // the minimum A: no force in any direction (z is free)
    expect(Math.max(...evaluatePotential(mb, one(-0.55822, 1.44173)).forces.map(Math.abs))).toBeLessThan(0.05);
    const half = await potential('potential mb = muller_brown H { scale 0.5 eV }');
    expect(evaluatePotential(half, one(-0.558, 1.442)).energy).toBeCloseTo(-146.70 / 2, 1);
    // several atoms, some of another element: each H its own V(x, y), O untouched (z free); the virial
    // of a one-body field is Σ_i ∂E/∂r_ia r_ib
    const mixed = await potential('potential both = muller_brown H { scale 0.01 eV } + morse O { depth 0.5 eV alpha 1.5 /A r0 1.3 A cutoff 3.2 A }');
    const s = randomStructure(5, 6, true, ['H', 'O']);
    checkForcesAndStress(mixed, { ...s, positions: s.positions.map((v, k) => 0.5 * v - [1.2, 0.2, 0][k % 3]!) });
    checkForcesAndStress(half, { ...one(0.1, 0.7), symbols: ['H', 'H'], positions: Float64Array.from([0.1, 0.7, 0.2, -0.9, 1.1, -0.4]) });
    const r = evaluatePotential(half, { symbols: ['O', 'H'], positions: Float64Array.from([0.1, 0.7, 0.2, -0.9, 1.1, -0.4]), pbc: [false, false, false], info: {} });
    expect([r.atomEnergies[0], r.forces[0], r.forces[1], r.forces[2], r.forces[5]]).toEqual([0, 0, 0, 0, 0]);
});

it('Müller–Brown parameters: only `scale`, an energy', async () => {
    const doc = await checkText('potential a = muller_brown H { scale 2 }\npotential b = muller_brown H { sigma 1 A }');
    expect((doc.diagnostics ?? []).map((d) => d.message)).toEqual([
        expect.stringMatching(/^Missing unit: expected an energy/),
        "'sigma' is not a parameter of muller_brown (allowed: scale).",
    ]);
});
