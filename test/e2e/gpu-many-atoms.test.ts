// More atoms than one dispatch dimension holds (65 535 workgroups): the neighbour kernels give each
// atom a workgroup and spill into a second dimension. In a perfect crystal every atom is equivalent,
// so an atom the dispatch missed would stand out (zero or stale energy, nonzero force).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import { GpuEvaluator } from '../../runtime/src/gpu/hdnnp-evaluator.js';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import { lowerModelText, randomParameters } from '../helpers/random-model.js';

let ctx: GpuContext;

beforeAll(async () => {
    ctx = await acquireGpu();
});

afterAll(async () => {
    await ctx?.destroy();
});

it('evaluates every atom of a 74 088-atom crystal (two-dimensional dispatch)', async () => {
    // simple cubic, a = 2 Å, r_c = 2.9 Å: 18 neighbours (first and second shells), angular terms too
    const model = await lowerModelText(`model m {
  element H
  cutoff cosine 2.9 A
  descriptors for H {
    radial H eta [0.5 2] /A^2
    angular narrow H H eta 0.1 /A^2 lambda [-1 1] zeta 2
  }
  network for H { hidden 4 activation tanh }
}`);
    const ev = await GpuEvaluator.create(ctx, model, randomParameters(model, 3), buildNeighborList);
    try {
        const one = await ev.evaluate(crystal('sc', 'H', 2, { supercell: [3, 3, 3] }));
        const big = crystal('sc', 'H', 2, { supercell: [42, 42, 42] });
        expect(big.symbols.length).toBeGreaterThan(65535);
        const r = await ev.evaluate(big);
        const e0 = one.atomEnergies[0]!;
        let worstEnergy = 0;
        let worstForce = 0;
        for (let i = 0; i < big.symbols.length; i++) {
            worstEnergy = Math.max(worstEnergy, Math.abs(r.atomEnergies[i]! - e0));
            for (let c = 0; c < 3; c++) worstForce = Math.max(worstForce, Math.abs(r.forces[3 * i + c]!));
        }
        expect(worstEnergy).toBeLessThan(1e-5 * Math.max(1, Math.abs(e0)));
        expect(worstForce).toBeLessThan(1e-4);
    } finally {
        ev.destroy();
    }
}, 300_000);
