// Datasets sampled from a reference potential (`sample <potential> { … }` in a dataset): starting
// structures (crystals or files) are rattled or run through Langevin MD with a temperature ramp,
// and every frame is labelled with the potential's energy, forces and stress. Deterministic: the
// same seed gives the same frames. Units: Å, eV, fs, amu, K.
import type { PlainIR, PotentialIR } from '../../../compiler/src/ir/model-ir.js';
import { elementBySymbol } from '../../../language/src/elements.js';
import { evaluatePotential } from '../reference/potentials.js';
import type { Structure } from '../structure.js';
import { structuresOf } from '../structures/source.js';
import { NormalStream } from '../math/random.js';
import { EV_PER_AMU, KB, LangevinBaoab, type MdState } from '../md/dynamics.js';

/** A structure labelled with the potential's energy, forces and (periodic) stress. */
export function label(potential: PotentialIR, s: Structure): Structure {
    const r = evaluatePotential(potential, s);
    // ASE's stress sign: σ = (1/V) ∂E/∂ε
    return { ...s, energy: r.energy, forces: r.forces, ...(r.stress ? { stress: r.stress } : {}) };
}

export interface SampleOptions {
    /** Reads the structures of a `from "file"` item (path relative to the spec). */
    readonly readFile?: (path: string) => Structure[];
}

/** The labelled frames of one `sample` statement (lowered to plain IR). */
export function sample(source: PlainIR, potential: PotentialIR, options: SampleOptions = {}): Structure[] {
    const items = source['items'] as PlainIR[];
    const seed = (items.find((i) => i.type === 'Seed')?.['value'] as number | undefined) ?? 0;
    const random = new NormalStream(seed + 1);
    const starts: Structure[] = items.flatMap((i) => structuresOf(i, options.readFile));
    const frames: Structure[] = [];
    for (const method of items.filter((i) => i.type === 'SampleRattle' || i.type === 'SampleMd')) {
        for (const start of starts) {
            if (method.type === 'SampleRattle') frames.push(...rattle(start, potential, method['amplitude'] as number, method['frames'] as number, random));
            else frames.push(...langevin(start, potential, method, random));
        }
    }
    return frames;
}

/** Independent Gaussian displacements of standard deviation `amplitude` (Å) per coordinate. */
function rattle(start: Structure, potential: PotentialIR, amplitude: number, count: number, random: NormalStream): Structure[] {
    return Array.from({ length: count }, () => label(potential, { ...start, positions: start.positions.map((x) => x + amplitude * random.next()) }));
}

/**
 * Langevin dynamics (md/dynamics.ts BAOAB, damping 100 dt) with the target temperature ramped
 * linearly from T to T_end over the run; a frame every `every` steps after an equilibration of
 * `every` steps, labelled with the evaluation the step made anyway.
 */
function langevin(start: Structure, potential: PotentialIR, md: PlainIR, random: NormalStream): Structure[] {
    const dt = md['timestep'] as number;
    const frames = md['frames'] as number;
    const every = md['every'] as number;
    const t0 = md['temperature'] as number;
    const t1 = (md['temperatureEnd'] as number | undefined) ?? t0;
    const n = start.symbols.length;
    const masses = Float64Array.from(start.symbols, (s) => elementBySymbol(s)?.mass ?? 1);
    const velocities = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) velocities[3 * i + c] = Math.sqrt((KB * t0 * EV_PER_AMU) / masses[i]!) * random.next();
    const positions = Float64Array.from(start.positions);
    let r = evaluatePotential(potential, { ...start, positions });
    const state: MdState = { positions, velocities, masses, forces: r.forces, energy: r.energy };
    const integrator = new LangevinBaoab(dt, t0, 100 * dt, random);
    const out: Structure[] = [];
    const total = every * (frames + 1);
    for (let step = 1; step <= total; step++) {
        const temperature = t0 + ((t1 - t0) * step) / total;
        integrator.temperature = temperature;
        integrator.beforeForces(state);
        r = evaluatePotential(potential, { ...start, positions });
        state.forces = r.forces;
        state.energy = r.energy;
        integrator.afterForces(state);
        if (step > every && step % every === 0) {
            out.push({ ...start, positions: Float64Array.from(positions), energy: r.energy, forces: r.forces, ...(r.stress ? { stress: r.stress } : {}), info: { ...start.info, step, temperature } });
        }
    }
    return out;
}
