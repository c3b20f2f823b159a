// Sampled datasets: frame counts, labels equal to the potential's, determinism by seed, and MD
// that heats a crystal (potential energy rises above the ground state, roughly by 3/2 k_B T/atom).
import { expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { sample } from '../../runtime/src/data/sample.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import { checkText } from '../helpers/specs.js';

async function dataset(body: string) {
    const doc = await checkText(`potential sw = stillinger_weber Si { }\ndataset d {\n${body}\n}\n`);
    expect((doc.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
    const ir = lowerSpec(doc.parseResult.value);
    return { source: ir.datasets[0]!.sources[0]!, sw: ir.potentials[0]! };
}

it('rattles crystals and labels every frame with the potential', async () => {
    const { source, sw } = await dataset('sample sw { crystal diamond Si a 5.431 A rattle 0.05 A frames 6 seed 2 }');
    const frames = sample(source, sw);
    expect(frames).toHaveLength(6);
    for (const f of frames) {
        expect(f.symbols).toHaveLength(8);
        const r = evaluatePotential(sw, f);
        expect(f.energy).toBe(r.energy);
        expect([...f.forces!]).toEqual([...r.forces]);
        expect(f.energy! / 8).toBeGreaterThan(-4.3366);
    }
    expect(sample(source, sw).map((f) => f.energy)).toEqual(frames.map((f) => f.energy));
    const other = await dataset('sample sw { crystal diamond Si a 5.431 A rattle 0.05 A frames 6 seed 3 }');
    expect(sample(other.source, other.sw)[0]!.energy).not.toBe(frames[0]!.energy);
});

it('heats a crystal with Langevin MD and samples frames along the temperature ramp', async () => {
    const { source, sw } = await dataset('sample sw { crystal diamond Si a 5.431 A supercell 2 2 2 md 600 K timestep 1 fs frames 8 every 25 steps seed 1 }');
    const frames = sample(source, sw);
    expect(frames).toHaveLength(8);
    expect(frames.map((f) => f.info['step'])).toEqual([50, 75, 100, 125, 150, 175, 200, 225]);
    // equipartition: ⟨E_pot⟩ − E_0 ≈ 3/2 k_B T per atom for a harmonic crystal (loose: short run)
    const excess = frames.slice(2).reduce((a, f) => a + f.energy! / 64 + 4.3366, 0) / (frames.length - 2);
    expect(excess).toBeGreaterThan(0.3 * 1.5 * 8.617e-5 * 600);
    expect(excess).toBeLessThan(2.5 * 1.5 * 8.617e-5 * 600);
});
