// Datasets sampled from a reference potential (`sample <potential> { … }` in a dataset): starting
// structures (crystals or files) are rattled or run through Langevin MD with a temperature ramp,
// and every frame is labelled with the potential's energy, forces and stress. Deterministic: the
// same seed gives the same frames. Units: Å, eV, fs, amu, K.
import type { PlainIR, PotentialIR } from '../../../compiler/src/ir/model-ir.js';
import { elementBySymbol } from '../../../language/src/elements.js';
import { evaluatePotential } from '../reference/potentials.js';
import type { Structure } from '../structure.js';
import { structuresOf } from '../structures/source.js';
import { normals } from '../math/random.js';

/** Boltzmann constant, eV/K. */
const KB = 8.617333262e-5;
/** 1 eV/amu in Å²/fs²: a [Å/fs²] = F [eV/Å] / m [amu] × this. */
const EV_PER_AMU = 9.648533212e-3;

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
    const random = normals(seed + 1);
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
function rattle(start: Structure, potential: PotentialIR, amplitude: number, count: number, random: () => number): Structure[] {
    return Array.from({ length: count }, () => label(potential, { ...start, positions: start.positions.map((x) => x + amplitude * random()) }));
}

/**
 * Langevin dynamics (BAOAB, friction 1/(100 dt)) with the target temperature ramped linearly from
 * T to T_end over the run; a frame every `every` steps after an equilibration of `every` steps.
 */
function langevin(start: Structure, potential: PotentialIR, md: PlainIR, random: () => number): Structure[] {
    const dt = md['timestep'] as number;
    const frames = md['frames'] as number;
    const every = md['every'] as number;
    const t0 = md['temperature'] as number;
    const t1 = (md['temperatureEnd'] as number | undefined) ?? t0;
    const n = start.symbols.length;
    const mass = start.symbols.map((s) => elementBySymbol(s)?.mass ?? 1);
    const x = Float64Array.from(start.positions);
    const v = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) v[3 * i + c] = Math.sqrt((KB * t0 * EV_PER_AMU) / mass[i]!) * random();
    const gamma = 1 / (100 * dt);
    const c1 = Math.exp(-gamma * dt);
    let f = evaluatePotential(potential, { ...start, positions: x }).forces;
    const out: Structure[] = [];
    const total = every * (frames + 1);
    for (let step = 1; step <= total; step++) {
        const temperature = t0 + ((t1 - t0) * step) / total;
        // B: half kick, A: half drift, O: friction + noise, A: half drift, B: half kick
        for (let k = 0; k < 3 * n; k++) v[k]! += (0.5 * dt * f[k]! * EV_PER_AMU) / mass[Math.floor(k / 3)]!;
        for (let k = 0; k < 3 * n; k++) x[k]! += 0.5 * dt * v[k]!;
        for (let k = 0; k < 3 * n; k++) {
            const sd = Math.sqrt(((1 - c1 * c1) * KB * temperature * EV_PER_AMU) / mass[Math.floor(k / 3)]!);
            v[k] = c1 * v[k]! + sd * random();
        }
        for (let k = 0; k < 3 * n; k++) x[k]! += 0.5 * dt * v[k]!;
        f = evaluatePotential(potential, { ...start, positions: x }).forces;
        for (let k = 0; k < 3 * n; k++) v[k]! += (0.5 * dt * f[k]! * EV_PER_AMU) / mass[Math.floor(k / 3)]!;
        if (step > every && step % every === 0) out.push(label(potential, { ...start, positions: Float64Array.from(x), info: { ...start.info, step, temperature } }));
    }
    return out;
}
