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
