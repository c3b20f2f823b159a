// The `md` protocol: a structure, an ensemble (nve; nvt langevin | nose_hoover; npt csvr), timestep,
// steps, initial velocities, `dimension 2` (motion in the xy plane); a thermo log (CSV), an extended
// XYZ trajectory, restart files, and a summary.
//
// Log columns: step, time (fs), T (K), E_pot, E_kin, E_tot, conserved (E_tot + the baths' energy, + P₀V
// under npt; eV), pressure (bar; periodic cells: P = 2E_kin/(3V) − tr σ/3 with σ = (1/V) ∂E/∂ε),
// volume (Å³).
//
// Restart files (`restart "file" every N`) hold everything the run needs to continue exactly: positions,
// velocities, cell, forces, the integrator's state (thermostat variables, random-number state), the
// series the summary averages, and the sizes of the log and trajectory files at that step. Written
// atomically; `resume` continues from one (the outputs cut back to that step), and with a
// deterministic calculator the continued run ends bit-identical to an uninterrupted one.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import type { PlainIR } from '../../../compiler/src/ir/model-ir.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeExtxyz } from '../io/extxyz.js';
import { det3 } from '../math/mat3.js';
import { NormalStream } from '../math/random.js';
import type { Structure } from '../structure.js';
import {
    advance, degreesOfFreedom, kineticEnergy, LangevinBaoab, maxwellBoltzmann, NoseHooverChain, temperature, VelocityVerlet,
    type Integrator, type MdState,
} from './dynamics.js';
import { CsvrNpt, estimateCompressibility } from './npt-csvr.js';

/** eV/Å³ in bar. */
export const BAR_PER_EV_A3 = 1.602176634e6;

export interface Calculation {
    readonly energy: number;
    readonly forces: Float64Array;
    readonly stress?: Float64Array;
}

export type Calculator = (s: Structure) => Promise<Calculation>;

export interface OutputSpec {
    readonly path: string;
    readonly every: number;
}

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
}

export class MdError extends Error {}

const find = (items: readonly PlainIR[], type: string) => items.find((i) => i.type === type);

interface Series {
    temps: number[];
    epots: number[];
    pressures: number[];
    volumes: number[];
    conserved: { t: number; e: number }[];
}

interface RestartFile {
    readonly format: 'nnp-md-restart';
    readonly version: 1;
    readonly fingerprint: string;
    readonly step: number;
    readonly positions: number[];
    readonly velocities: number[];
    readonly forces: number[];
    readonly energy: number;
    readonly cell?: number[];
    readonly stress?: number[];
    readonly integrator: unknown;
    readonly series: Series;
    readonly outputBytes: { readonly log?: number; readonly trajectory?: number };
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

    const fingerprint = createHash('sha256').update(JSON.stringify({ items: o.items, symbols: o.start.symbols, positions: Array.from(o.start.positions), cell: cell && Array.from(cell), masses: Array.from(o.masses) })).digest('hex').slice(0, 16);
    const resumed = o.resume ? readRestart(o.restart, fingerprint) : undefined;

    const positions = Float64Array.from(resumed?.positions ?? o.start.positions);
    let state: MdState;
    let first = 1;
    const series: Series = resumed?.series ?? { temps: [], epots: [], pressures: [], volumes: [], conserved: [] };
    if (resumed) {
        if (cell && resumed.cell) cell.set(resumed.cell);
        state = {
            positions, velocities: Float64Array.from(resumed.velocities), masses: o.masses, forces: Float64Array.from(resumed.forces), energy: resumed.energy,
            ...(cell ? { cell } : {}), ...(resumed.stress ? { stress: Float64Array.from(resumed.stress) } : {}), dimensions: dims,
        };
        integrator.restore(resumed.integrator);
        first = resumed.step + 1;
        if (o.log) truncateSync(o.log.path, resumed.outputBytes.log ?? 0);
        if (o.trajectory) truncateSync(o.trajectory.path, resumed.outputBytes.trajectory ?? 0);
        o.onMessage?.(`resuming from ${o.restart!.path} after step ${resumed.step}`);
    } else {
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
        if (o.log) writeFileAtomic(o.log.path, 'step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,conserved_eV,pressure_bar,volume_A3\n');
        if (o.trajectory) writeFileAtomic(o.trajectory.path, '');
    }

    const record = (step: number) => {
        const ke = kineticEnergy(state);
        const t = temperature(state, dof);
        const total = state.energy + ke;
        const volume = periodic ? Math.abs(det3(cell!)) : undefined;
        const pressure = volume !== undefined && state.stress
            ? ((2 * ke) / (3 * volume) - (state.stress[0]! + state.stress[4]! + state.stress[8]!) / 3) * BAR_PER_EV_A3
            : undefined;
        if (step > 0) {
            series.temps.push(t);
            series.epots.push(state.energy);
            if (pressure !== undefined) series.pressures.push(pressure);
            if (volume !== undefined) series.volumes.push(volume);
        }
        const conserved = total + integrator.reservoir + (npt ? npt.enthalpyTerm(state) : 0);
        series.conserved.push({ t: step * dt, e: conserved });
        if (o.log && step % o.log.every === 0) {
            appendFileSync(o.log.path, `${step},${(step * dt).toFixed(3)},${t.toFixed(3)},${state.energy},${ke},${total},${conserved},${pressure ?? ''},${volume ?? ''}\n`);
        }
        if (o.trajectory && step % o.trajectory.every === 0) {
            appendFileSync(o.trajectory.path, writeExtxyz([{ ...structureAt(Float64Array.from(state.positions)), energy: state.energy, forces: state.forces, info: { ...o.start.info, step, time_fs: step * dt, temperature_K: t } }]));
        }
        if (o.restart && step > 0 && step % o.restart.every === 0) writeRestart(o, step, state, integrator, series, fingerprint);
    };
    if (!resumed) record(0);
    const started = performance.now();
    for (let step = first; step <= steps; step++) {
        await advance(integrator, state, field);
        record(step);
        o.onVelocities?.(step, state.velocities);
        o.onProgress?.(step, steps, series.temps.at(-1)!);
    }
    const seconds = (performance.now() - started) / 1000;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    // averages over the second half of the run: the first is taken as equilibration
    const half = <T>(xs: T[]) => xs.slice(Math.floor(xs.length / 2));
    const meanT = mean(half(series.temps));
    return {
        protocol: 'md', ensemble: label, atoms: n, dimensions: dims, steps, timestepFs: dt,
        meanTemperatureK: meanT,
        stdTemperatureK: Math.sqrt(mean(half(series.temps).map((t) => (t - meanT) ** 2))),
        meanPotentialEnergyEv: mean(half(series.epots)),
        conservedDriftEvPerAtomPs: (slope(half(series.conserved)) * 1000) / n,
        ...(series.pressures.length ? { meanPressureBar: mean(half(series.pressures)) } : {}),
        ...(series.volumes.length ? { meanVolumeA3: mean(half(series.volumes)) } : {}),
        stepsPerSecond: (steps - first + 1) / seconds,
        ...(resumed ? { resumedFrom: resumed.step } : {}),
    };
}

function writeRestart(o: MdOptions, step: number, s: MdState, integrator: Integrator, series: Series, fingerprint: string): void {
    const size = (path: string | undefined) => (path && existsSync(path) ? readFileSync(path).length : 0);
    const file: RestartFile = {
        format: 'nnp-md-restart', version: 1, fingerprint, step,
        positions: Array.from(s.positions), velocities: Array.from(s.velocities), forces: Array.from(s.forces), energy: s.energy,
        ...(s.cell ? { cell: Array.from(s.cell) } : {}), ...(s.stress ? { stress: Array.from(s.stress) } : {}),
        integrator: integrator.save(), series,
        outputBytes: { ...(o.log ? { log: size(o.log.path) } : {}), ...(o.trajectory ? { trajectory: size(o.trajectory.path) } : {}) },
    };
    writeFileAtomic(o.restart!.path, JSON.stringify(file));
}

function readRestart(restart: OutputSpec | undefined, fingerprint: string): RestartFile {
    if (!restart) throw new MdError("resume needs a restart file: add 'restart \"file\" every N' to the run");
    if (!existsSync(restart.path)) throw new MdError(`no restart file at ${restart.path} to resume from; run without --resume to start`);
    let file: RestartFile;
    try {
        file = JSON.parse(readFileSync(restart.path, 'utf8')) as RestartFile;
    } catch (e) {
        throw new MdError(`${restart.path}: not a readable restart file (${(e as Error).message})`);
    }
    if (file.format !== 'nnp-md-restart' || file.version !== 1) throw new MdError(`${restart.path}: not an nnp MD restart file (version 1)`);
    if (file.fingerprint !== fingerprint) throw new MdError(`${restart.path}: the restart file belongs to a different run (the run block, start structure or masses changed); delete it or run without --resume`);
    return file;
}

/** Least-squares slope of e against t. */
function slope(points: readonly { t: number; e: number }[]): number {
    const n = points.length;
    if (n < 2) return 0;
    const mt = points.reduce((a, p) => a + p.t, 0) / n;
    const me = points.reduce((a, p) => a + p.e, 0) / n;
    let num = 0;
    let den = 0;
    for (const p of points) {
        num += (p.t - mt) * (p.e - me);
        den += (p.t - mt) ** 2;
    }
    return den > 0 ? num / den : 0;
}
