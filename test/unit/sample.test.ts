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

it('dimension 2 keeps a planar structure in its plane: md and rattling move x and y only', async () => {
    // a (001) diamond slab seen from above is not planar; a planar start: one z = 0 layer of a square lattice
    const doc = await checkText(`potential m = morse Ar { depth 0.2 eV alpha 1.4 /A r0 3.8 A cutoff 9 A shift }
dataset d {
  sample m { crystal sc Ar a 3.8 A supercell 4 4 1 dimension 2 md 800 K timestep 10 fs frames 4 every 20 steps seed 1 }
  sample m { crystal sc Ar a 3.8 A supercell 4 4 1 dimension 2 rattle 0.1 A frames 2 seed 1 }
  sample m { crystal sc Ar a 3.8 A supercell 4 4 1 rattle 0.1 A frames 1 seed 1 }
}
`);
    expect((doc.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
    const ir = lowerSpec(doc.parseResult.value);
    const [md, rattled, free] = ir.datasets[0]!.sources.map((s) => sample(s, ir.potentials[0]!));
    const zs = (f: { positions: Float64Array }) => Array.from(f.positions).filter((_, k) => k % 3 === 2);
    for (const f of [...md!, ...rattled!]) {
        expect(zs(f)).toEqual(zs(f).map(() => 0));
        expect(Array.from(f.positions).some((x, k) => k % 3 !== 2 && Math.abs(x - Math.round(x / 3.8) * 3.8) > 1e-3)).toBe(true);
    }
    expect(zs(free![0]!).some((z) => z !== 0)).toBe(true);
});
