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
    // `dimension 2`: planar systems stay in their plane (no z velocities, noise or displacements)
    const dims = ((items.find((i) => i.type === 'Dimension')?.['value'] as number | undefined) ?? 3) === 2 ? 2 : 3;
    const starts: Structure[] = items.flatMap((i) => structuresOf(i, options.readFile));
    const frames: Structure[] = [];
    for (const method of items.filter((i) => i.type === 'SampleRattle' || i.type === 'SampleMd' || i.type === 'SampleStrain')) {
        for (const start of starts) {
            if (method.type === 'SampleRattle') frames.push(...rattle(start, potential, method['amplitude'] as number, method['frames'] as number, random, dims));
            else if (method.type === 'SampleStrain') frames.push(...strain(start, potential, method, random, dims));
            else frames.push(...langevin(start, potential, method, random, dims));
        }
    }
    return frames;
}

/** Independent Gaussian displacements of standard deviation `amplitude` (Å) per coordinate (x, y only in 2-D). */
function rattle(start: Structure, potential: PotentialIR, amplitude: number, count: number, random: NormalStream, dims: 2 | 3): Structure[] {
    return Array.from({ length: count }, () => label(potential, { ...start, positions: start.positions.map((x, k) => (dims === 2 && k % 3 === 2 ? x : x + amplitude * random.next())) }));
}

/**
 * Homogeneously strained copies (`strain s [rattle A] frames n`): a symmetric small strain ε with its
 * six independent components ε_xx, ε_yy, ε_zz, ε_xy = ε_yx, ε_xz, ε_yz each Gaussian with standard
 * deviation s (dimensionless; in 2-D only ε_xx, ε_yy, ε_xy), applied as the deformation gradient
 * F = I + ε to the cell rows and to the atoms (fractional coordinates kept: r' = F r, a' = F a), then
 * the atoms rattled by a Gaussian of standard deviation A per coordinate. Needs a periodic cell.
 */
function strain(start: Structure, potential: PotentialIR, item: PlainIR, random: NormalStream, dims: 2 | 3): Structure[] {
    if (!start.cell) throw new Error('strain sampling needs a periodic structure with a cell');
    const s = item['amount'] as number;
    const amplitude = (item['rattle'] as number | undefined) ?? 0;
    const count = item['frames'] as number;
    const apply = (F: number[], v: ArrayLike<number>) => Float64Array.from({ length: v.length }, (_, k) => {
        const i = k - (k % 3);
        const a = k % 3;
        return F[3 * a]! * v[i]! + F[3 * a + 1]! * v[i + 1]! + F[3 * a + 2]! * v[i + 2]!;
    });
    return Array.from({ length: count }, () => {
        const e = [0, 0, 0, 0, 0, 0].map(() => s * random.next()); // xx yy zz xy xz yz
        if (dims === 2) e[2] = e[4] = e[5] = 0;
        const F = [1 + e[0]!, e[3]!, e[4]!, e[3]!, 1 + e[1]!, e[5]!, e[4]!, e[5]!, 1 + e[2]!];
        const positions = apply(F, start.positions);
        if (amplitude > 0) for (let k = 0; k < positions.length; k++) if (!(dims === 2 && k % 3 === 2)) positions[k]! += amplitude * random.next();
        return label(potential, { ...start, positions, cell: apply(F, start.cell!), info: { ...start.info, strain: e.join(' ') } });
    });
}

/**
 * Langevin dynamics (md/dynamics.ts BAOAB, damping 100 dt) with the target temperature ramped
 * linearly from T to T_end over the run; a frame every `every` steps after an equilibration of
 * `every` steps, labelled with the evaluation the step made anyway.
 */
function langevin(start: Structure, potential: PotentialIR, md: PlainIR, random: NormalStream, dims: 2 | 3): Structure[] {
    const dt = md['timestep'] as number;
    const frames = md['frames'] as number;
    const every = md['every'] as number;
    const t0 = md['temperature'] as number;
    const t1 = (md['temperatureEnd'] as number | undefined) ?? t0;
    const n = start.symbols.length;
    const masses = Float64Array.from(start.symbols, (s) => elementBySymbol(s)?.mass ?? 1);
    const velocities = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) for (let c = 0; c < dims; c++) velocities[3 * i + c] = Math.sqrt((KB * t0 * EV_PER_AMU) / masses[i]!) * random.next();
    const positions = Float64Array.from(start.positions);
    let r = evaluatePotential(potential, { ...start, positions });
    const state: MdState = { positions, velocities, masses, forces: r.forces, energy: r.energy, dimensions: dims };
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
