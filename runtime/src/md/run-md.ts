// The `md` protocol, host-driven: a structure, an ensemble (nve; nvt langevin | nose_hoover; npt csvr),
// timestep, steps, initial velocities, `dimension 2` (motion in the xy plane); the outputs and the
// summary's averages are md-record.ts'. One force evaluation per step through the calculator (any
// model or potential, float64 or WebGPU); gpu/device-md.ts keeps whole stretches of steps on the device.
//
// Restart files (`restart "file" every N`) hold positions, velocities, cell, forces and the integrator's
// state (thermostat variables, random-number state); `resume` continues from one, and with a
// deterministic calculator the continued run ends bit-identical to an uninterrupted one.
//
// A guard (MdGuard: e.g. the descriptor-distance guard of `guard mahalanobis …`) is checked on the
// start structure and after every `every` steps (default every step), after the step is recorded.
// When it trips, `warn` prints one line per episode (the first failing check after a passing one; a
// resumed run starts a new episode), `stop` ends the run at that step: the summary then has
// `stoppedAt` and `stopReason`, and its averages cover the steps run (guard-watch.ts; gpu/device-md.ts
// checks at the end of its stretches of steps, which it aligns to the guard's interval).
import { createHash } from 'node:crypto';
import type { PlainIR } from '../../../compiler/src/ir/model-ir.js';
import { det3 } from '../math/mat3.js';
import { NormalStream } from '../math/random.js';
import type { Structure } from '../structure.js';
import {
    advance, degreesOfFreedom, kineticEnergy, LangevinBaoab, maxwellBoltzmann, NoseHooverChain, temperature, VelocityVerlet,
    type Integrator, type MdState,
} from './dynamics.js';
import { BAR_PER_EV_A3, MdError, MdRecorder, readRestart, type OutputSpec } from './md-record.js';
import { GuardWatch } from './guard-watch.js';
import { CsvrNpt, estimateCompressibility } from './npt-csvr.js';

export { MdError, type OutputSpec } from './md-record.js';

export interface Calculation {
    readonly energy: number;
    readonly forces: Float64Array;
    readonly stress?: Float64Array;
}

export type Calculator = (s: Structure) => Promise<Calculation>;

export interface MdOptions {
    readonly items: readonly PlainIR[];
    readonly start: Structure;
    readonly masses: Float64Array;
    readonly calculator: Calculator;
    /** Output paths (absolute), with intervals in steps. */
    readonly log?: OutputSpec;
    readonly trajectory?: OutputSpec;
    readonly restart?: OutputSpec;
    /** Continue from the restart file (which must exist and belong to this run). */
    readonly resume?: boolean;
    readonly onProgress?: (step: number, steps: number, temperature: number) => void;
    /** Called after every step with the velocities (Å/fs; the array is reused, copy to keep). */
    readonly onVelocities?: (step: number, velocities: Float64Array) => void;
    readonly onMessage?: (line: string) => void;
    /** Checked at the start and every `guard.every` steps; see the header. */
    readonly guard?: MdGuard;
}

export interface GuardCheck {
    readonly tripped: boolean;
    /** What was found (printed when the guard trips). */
    readonly message: string;
}

export interface MdGuard {
    readonly action: 'warn' | 'stop';
    /** Check every this many steps (default 1); the start structure is always checked. */
    readonly every?: number;
    readonly check: (step: number, s: Structure) => Promise<GuardCheck>;
}

export interface MdSummary {
    readonly protocol: 'md';
    readonly ensemble: string;
    readonly atoms: number;
    readonly dimensions: 2 | 3;
    readonly steps: number;
    readonly timestepFs: number;
    /** Averages over the second half of the run (the first half counts as equilibration). */
    readonly meanTemperatureK: number;
    readonly stdTemperatureK: number;
    readonly meanPotentialEnergyEv: number;
    /** Slope of the conserved quantity over the second half of the run, eV/atom/ps. */
    readonly conservedDriftEvPerAtomPs: number;
    readonly meanPressureBar?: number;
    readonly meanVolumeA3?: number;
    readonly stepsPerSecond: number;
    /** The step this process started from (0, or the restart file's step). */
    readonly resumedFrom?: number;
    /** The step a `stop` guard ended the run at, and why. */
    readonly stoppedAt?: number;
    readonly stopReason?: string;
    /** With a guard: how often it was checked, and the first step and message of each trip episode (at most 20). */
    readonly guard?: { readonly action: 'warn' | 'stop'; readonly every: number; readonly checks: number; readonly trips: readonly { readonly step: number; readonly message: string }[] };
}

const find = (items: readonly PlainIR[], type: string) => items.find((i) => i.type === type);

/** What restart files of this engine hold. */
interface HostState {
    readonly positions: number[];
    readonly velocities: number[];
    readonly forces: number[];
    readonly energy: number;
    readonly cell?: number[];
    readonly stress?: number[];
    readonly integrator: unknown;
}

/** The run's identity for restart files: its settings, start and masses. */
export function mdFingerprint(engine: string, o: Pick<MdOptions, 'items' | 'start' | 'masses'>): string {
    const s = o.start;
    return createHash('sha256').update(JSON.stringify({ engine, items: o.items, symbols: s.symbols, positions: Array.from(s.positions), cell: s.cell && Array.from(s.cell), masses: Array.from(o.masses) })).digest('hex').slice(0, 16);
}

export async function runMd(o: MdOptions): Promise<MdSummary> {
    const ensemble = find(o.items, 'Ensemble') ?? { type: 'Ensemble', kind: 'nve' };
    const dt = (find(o.items, 'Timestep')?.['value'] as number | undefined) ?? 1;
    const steps = (find(o.items, 'Steps')?.['value'] as number | undefined) ?? 1000;
    const seed = (find(o.items, 'Seed')?.['value'] as number | undefined) ?? 0;
    const t0 = (find(o.items, 'Velocities')?.['temperature'] as number | undefined) ?? 0;
    const dims = (find(o.items, 'Dimension')?.['value'] as number | undefined) ?? 3;
    if (dims !== 2 && dims !== 3) throw new MdError(`dimension must be 2 or 3, got ${dims}`);
    const n = o.start.symbols.length;
    const kind = ensemble['kind'] as string;
    const cell = o.start.cell ? Float64Array.from(o.start.cell) : undefined;
    const periodic = !!cell && o.start.pbc.every(Boolean);
    const structureAt = (positions: Float64Array): Structure => ({ ...o.start, positions, ...(cell ? { cell: Float64Array.from(cell) } : {}) });
    let dof = degreesOfFreedom(n, dims);
    const field = async (positions: Float64Array) => {
        const r = await o.calculator(structureAt(positions));
        if (dims === 2) {
            const forces = Float64Array.from(r.forces);
            for (let i = 0; i < n; i++) forces[3 * i + 2] = 0;
            return { ...r, forces };
        }
        return r;
    };

    const random = new NormalStream(seed * 104729 + 3);
    let integrator: Integrator;
    let label = kind;
    if (kind === 'nve') integrator = new VelocityVerlet(dt);
    else if (kind === 'nvt' && ensemble['thermostat'] === 'langevin') {
        integrator = new LangevinBaoab(dt, ensemble['temperature'] as number, ensemble['damping'] as number, random);
        label = 'nvt langevin';
        dof = dims * n; // the bath does not conserve momentum
    } else if (kind === 'nvt') {
        integrator = new NoseHooverChain(dt, ensemble['temperature'] as number, ensemble['damping'] as number, (ensemble['chain'] as number | undefined) ?? 3, dof);
        label = 'nvt nose_hoover';
    } else if (kind === 'npt' && ensemble['barostat'] === 'csvr') {
        if (!periodic) throw new MdError('npt needs a structure periodic in all three directions');
        if (dims === 2) throw new MdError('npt in two dimensions is not available (the barostat scales the volume isotropically)');
        const damping = ensemble['damping'] as number;
        integrator = new CsvrNpt(dt, ensemble['temperature'] as number, ensemble['pressure'] as number, damping, (ensemble['barostatDamping'] as number | undefined) ?? 10 * damping, dof, random, 0);
        label = 'npt csvr';
    } else {
        throw new MdError(`the ${kind} ensemble${kind === 'npt' ? ` with the ${String(ensemble['barostat'])} barostat` : ''} is not available yet (nve, nvt langevin | nose_hoover and npt csvr are)`);
    }
    const npt = integrator instanceof CsvrNpt ? integrator : undefined;

    const fingerprint = mdFingerprint('host', o);
    const resumed = o.resume ? readRestart(o.restart, fingerprint) : undefined;
    const recorder = new MdRecorder({ dt, start: o.start, fingerprint, ...(o.log ? { log: o.log } : {}), ...(o.trajectory ? { trajectory: o.trajectory } : {}), ...(o.restart ? { restart: o.restart } : {}) }, resumed);

    let state: MdState;
    let first = 1;
    if (resumed) {
        const r = resumed.state as HostState;
        if (cell && r.cell) cell.set(r.cell);
        state = {
            positions: Float64Array.from(r.positions), velocities: Float64Array.from(r.velocities), masses: o.masses, forces: Float64Array.from(r.forces), energy: r.energy,
            ...(cell ? { cell } : {}), ...(r.stress ? { stress: Float64Array.from(r.stress) } : {}), dimensions: dims,
        };
        integrator.restore(r.integrator);
        first = resumed.step + 1;
        o.onMessage?.(`resuming from ${o.restart!.path} after step ${resumed.step}`);
    } else {
        const positions = Float64Array.from(o.start.positions);
        const r = await field(positions);
        state = {
            positions, velocities: maxwellBoltzmann(o.masses, t0, seed, dims), masses: o.masses, forces: r.forces, energy: r.energy,
            ...(cell ? { cell } : {}), ...(r.stress ? { stress: r.stress } : {}), dimensions: dims,
        };
        if (npt) {
            npt.compressibility = await estimateCompressibility(positions, cell!, async (p, c) => {
                const s = await o.calculator({ ...o.start, positions: p, cell: c });
                return -(s.stress![0]! + s.stress![4]! + s.stress![8]!) / 3;
            });
        }
    }

    const record = (step: number) => {
        const kinetic = kineticEnergy(state);
        const volume = periodic ? Math.abs(det3(cell!)) : undefined;
        const pressureBar = volume !== undefined && state.stress
            ? ((2 * kinetic) / (3 * volume) - (state.stress[0]! + state.stress[4]! + state.stress[8]!) / 3) * BAR_PER_EV_A3
            : undefined;
        recorder.record({
            step, potential: state.energy, kinetic, temperature: temperature(state, dof),
            conserved: state.energy + kinetic + integrator.reservoir + (npt ? npt.enthalpyTerm(state) : 0),
            ...(pressureBar !== undefined ? { pressureBar } : {}), ...(volume !== undefined ? { volume } : {}),
        }, recorder.wantsFrame(step) ? { positions: Float64Array.from(state.positions), forces: state.forces, ...(cell ? { cell } : {}) } : undefined);
        if (recorder.wantsRestart(step)) {
            const saved: HostState = {
                positions: Array.from(state.positions), velocities: Array.from(state.velocities), forces: Array.from(state.forces), energy: state.energy,
                ...(cell ? { cell: Array.from(cell) } : {}), ...(state.stress ? { stress: Array.from(state.stress) } : {}), integrator: integrator.save(),
            };
            recorder.saveRestart(step, saved);
        }
    };
    const watch = new GuardWatch(o.guard, o.onMessage);
    const guard = (step: number) => watch.check(step, () => structureAt(Float64Array.from(state.positions)));
    if (!resumed) record(0);
    const started = performance.now();
    let last = first - 1;
    if (resumed || !(await guard(0))) {
        for (let step = first; step <= steps; step++) {
            await advance(integrator, state, field);
            record(step);
            last = step;
            o.onVelocities?.(step, state.velocities);
            o.onProgress?.(step, steps, recorder.series.temps.at(-1)!);
            if (await guard(step)) break;
        }
    }
    const seconds = (performance.now() - started) / 1000;
    return {
        protocol: 'md', ensemble: label, atoms: n, dimensions: dims, steps, timestepFs: dt,
        ...recorder.averages(n),
        stepsPerSecond: (last - first + 1) / seconds,
        ...(resumed ? { resumedFrom: resumed.step } : {}),
        ...watch.summary(),
    };
}
