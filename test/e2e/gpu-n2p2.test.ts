// The WebGPU path against n2p2's own numbers: imported n2p2 potentials on n2p2's example
// structures. Tolerances (issue 3): total energy ≤ 2e-6 relative, force components within 1e-4
// of the RMS force; symmetry-function values to float32 precision.
// Two cases are ill-conditioned for float32 and get the float32 floor instead (measured figures
// in the comments): the LJ dimer's energy (−0.0043) is a near-cancellation of network terms whose
// sensitivity Σ|∂E/∂G̃·G̃| is 36, so its float32 error is bounded relative to that scale; the
// 48-molecule water box is near equilibrium (RMS force 3.5e-4 Ha/bohr), and rounding the
// displacements to float32 alone moves forces by ~5e-7 Ha/bohr (1.4e-3 of that RMS force).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import { GpuEvaluator } from '../../runtime/src/gpu/hdnnp-evaluator.js';
import { readN2p2Potential } from '../../runtime/src/io/n2p2-potential.js';
import { readStructures } from '../../runtime/src/io/read-structures.js';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import { sharedData } from '../helpers/shared-data.js';

const BOHR = 0.529177210903;
const HARTREE = 27.211386245988;

interface OracleAtom { element: string; energy: number; force: number[]; G_raw: number[]; G_scaled: number[]; dEdG_scaled: number[] }
interface Oracle { energy: number; conv_energy: number; atoms: OracleAtom[] }

const CASES = [
    // measured: energy 1.6e-9 relative, forces 5e-7 Ha/bohr (absolute floor below)
    { potential: 'H2O_RPBE-D3', structure: 'H2O_48.data', oracle: 'H2O_48.json', length: BOHR, energy: HARTREE, forceFloor: 1e-6 },
    // measured: energy 8e-10 relative, forces 2.4e-5 of the RMS force
    { potential: 'H2O_RPBE-D3', structure: 'H2O_1080_liquid.data', oracle: 'H2O_RPBE-D3.json', length: BOHR, energy: HARTREE, forceFloor: 0 },
    // measured: energy 1.0e-6 absolute (sensitivity scale 36), forces 1e-6 of the RMS force
    { potential: 'LJ', structure: 'LJ_dimer.data', oracle: 'LJ_dimer.json', length: 1, energy: 1, forceFloor: 0 },
];

let ctx: GpuContext;
beforeAll(async () => {
    ctx = await acquireGpu();
});
afterAll(async () => {
    await ctx?.destroy();
});

describe('WebGPU vs n2p2', () => {
    for (const c of CASES) {
        it(`${c.potential} on ${c.structure}`, async () => {
            const units = { length: c.length, energy: c.energy };
            const { model, parameters } = readN2p2Potential(sharedData('n2p2', 'potentials', c.potential), units);
            const s = readStructures(sharedData('n2p2', 'structures', c.structure), { units })[0]!;
            const oracle = JSON.parse(readFileSync(sharedData('n2p2', 'oracle', c.oracle), 'utf8')) as Oracle;
            const ev = await GpuEvaluator.create(ctx, model, parameters, buildNeighborList);
            const r = await ev.evaluate(s, { descriptors: true });
            ev.destroy();
            // energies in the potential's units; the scale is |E|, or the energy's float32 sensitivity
            // Σ_i Σ_s |∂E_i/∂G̃_is G̃_is| where that is larger (near-cancelling energies)
            let sensitivity = 0;
            for (const a of oracle.atoms) a.dEdG_scaled.forEach((d, k) => { sensitivity += Math.abs(d * a.G_scaled[k]!) / oracle.conv_energy; });
            expect(Math.abs(r.energy / c.energy - oracle.energy)).toBeLessThan(2e-6 * Math.max(Math.abs(oracle.energy), sensitivity));
            const forceUnit = c.energy / c.length;
            let sq = 0;
            for (const a of oracle.atoms) for (const f of a.force) sq += f * f;
            const rms = Math.sqrt(sq / (3 * oracle.atoms.length));
            let worstForce = 0;
            let worstG = 0;
            oracle.atoms.forEach((a, i) => {
                expect(s.symbols[i]).toBe(a.element);
                for (let k = 0; k < 3; k++) worstForce = Math.max(worstForce, Math.abs(r.forces[3 * i + k]! / forceUnit - a.force[k]!));
                a.G_raw.forEach((g, k) => { worstG = Math.max(worstG, Math.abs(r.descriptors!.g[i]![k]! - g) / Math.max(1, Math.abs(g))); });
                // as for the total: the scale is the atom's float32 sensitivity where that exceeds |E_i|
                const atomSensitivity = a.dEdG_scaled.reduce((t, d, k) => t + Math.abs(d * a.G_scaled[k]!), 0) / oracle.conv_energy;
                expect(Math.abs(r.atomEnergies[i]! / c.energy - a.energy)).toBeLessThan(1e-6 * Math.max(1, Math.abs(a.energy), atomSensitivity) + 1e-7);
            });
            expect(worstForce).toBeLessThan(Math.max(1e-4 * rms, c.forceFloor));
            expect(worstG).toBeLessThan(1e-5);
        });
    }
});
