// What every MD engine (host-driven run-md.ts, device-resident gpu/device-md.ts) writes and averages:
// the thermo log (CSV), the extended XYZ trajectory, restart files, and the summary's series.
//
// Log columns: step, time (fs), T (K), E_pot, E_kin, E_tot, conserved (E_tot + the baths' energy, + P₀V
// under npt; eV), pressure (bar; periodic cells: P = (2E_kin − tr W)/(3V), W = ∂E/∂ε), volume (Å³).
// Restart files hold the engine's state (whatever it needs to continue exactly), the series the summary
// averages, and the sizes of the log and trajectory files at that step; written atomically.
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeExtxyz } from '../io/extxyz.js';
import type { Structure } from '../structure.js';

/** eV/Å³ in bar. */
export const BAR_PER_EV_A3 = 1.602176634e6;

export interface OutputSpec {
    readonly path: string;
    readonly every: number;
}

export interface StepRecord {
    readonly step: number;
    readonly potential: number;
    readonly kinetic: number;
    readonly temperature: number;
    readonly conserved: number;
    readonly pressureBar?: number;
    readonly volume?: number;
}

export interface Series {
    temps: number[];
    epots: number[];
    pressures: number[];
    volumes: number[];
    conserved: { t: number; e: number }[];
}

export interface RestartFile {
    readonly format: 'nnp-md-restart';
    readonly version: 1;
    readonly fingerprint: string;
    readonly step: number;
    /** The engine's own state. */
    readonly state: unknown;
    readonly series: Series;
    readonly outputBytes: { readonly log?: number; readonly trajectory?: number };
}

export class MdError extends Error {}

export interface RecorderOptions {
    readonly dt: number;
    readonly start: Structure;
    readonly fingerprint: string;
    readonly log?: OutputSpec;
    readonly trajectory?: OutputSpec;
    readonly restart?: OutputSpec;
}

export class MdRecorder {
    readonly series: Series;

    /** With `resumed`, the outputs are cut back to its step and the series continue from it. */
    constructor(private readonly o: RecorderOptions, resumed?: RestartFile) {
        if (resumed) {
            this.series = resumed.series;
            if (o.log) truncateSync(o.log.path, resumed.outputBytes.log ?? 0);
            if (o.trajectory) truncateSync(o.trajectory.path, resumed.outputBytes.trajectory ?? 0);
        } else {
            this.series = { temps: [], epots: [], pressures: [], volumes: [], conserved: [] };
            if (o.log) writeFileAtomic(o.log.path, 'step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,conserved_eV,pressure_bar,volume_A3\n');
            if (o.trajectory) writeFileAtomic(o.trajectory.path, '');
        }
    }

    /** Whether step needs the structure (a trajectory frame) or a restart file. */
    wantsFrame(step: number): boolean {
        return !!this.o.trajectory && step % this.o.trajectory.every === 0;
    }

    wantsRestart(step: number): boolean {
        return !!this.o.restart && step > 0 && step % this.o.restart.every === 0;
    }

    /** The steps at which an engine that runs ahead must stop to give a frame or a restart. */
    frameInterval(): number | undefined {
        const every = [this.o.trajectory?.every, this.o.restart?.every].filter((x): x is number => x !== undefined);
        return every.length ? Math.min(...every) : undefined;
    }

    record(r: StepRecord, frame?: { positions: Float64Array; forces: Float64Array; cell?: Float64Array }): void {
        const { step } = r;
        if (step > 0) {
            this.series.temps.push(r.temperature);
            this.series.epots.push(r.potential);
            if (r.pressureBar !== undefined) this.series.pressures.push(r.pressureBar);
            if (r.volume !== undefined) this.series.volumes.push(r.volume);
        }
        this.series.conserved.push({ t: step * this.o.dt, e: r.conserved });
        const total = r.potential + r.kinetic;
        if (this.o.log && step % this.o.log.every === 0) {
            appendFileSync(this.o.log.path, `${step},${(step * this.o.dt).toFixed(3)},${r.temperature.toFixed(3)},${r.potential},${r.kinetic},${total},${r.conserved},${r.pressureBar ?? ''},${r.volume ?? ''}\n`);
        }
        if (this.wantsFrame(step)) {
            if (!frame) throw new Error(`MdRecorder: step ${step} needs a trajectory frame`);
            const s = this.o.start;
            appendFileSync(this.o.trajectory!.path, writeExtxyz([{
                ...s, positions: frame.positions, ...(frame.cell ? { cell: Float64Array.from(frame.cell) } : {}), energy: r.potential, forces: frame.forces,
                info: { ...s.info, step, time_fs: step * this.o.dt, temperature_K: r.temperature },
            }]));
        }
    }

    saveRestart(step: number, state: unknown): void {
        const size = (path: string | undefined) => (path && existsSync(path) ? readFileSync(path).length : 0);
        const file: RestartFile = {
            format: 'nnp-md-restart', version: 1, fingerprint: this.o.fingerprint, step, state, series: this.series,
            outputBytes: { ...(this.o.log ? { log: size(this.o.log.path) } : {}), ...(this.o.trajectory ? { trajectory: size(this.o.trajectory.path) } : {}) },
        };
        writeFileAtomic(this.o.restart!.path, JSON.stringify(file));
    }

    /** Averages over the second half of the run (the first half counts as equilibration). */
    averages(atoms: number) {
        const s = this.series;
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
        const half = <T>(xs: T[]) => xs.slice(Math.floor(xs.length / 2));
        const meanT = mean(half(s.temps));
        return {
            meanTemperatureK: meanT,
            stdTemperatureK: Math.sqrt(mean(half(s.temps).map((t) => (t - meanT) ** 2))),
            meanPotentialEnergyEv: mean(half(s.epots)),
            conservedDriftEvPerAtomPs: (slope(half(s.conserved)) * 1000) / atoms,
            ...(s.pressures.length ? { meanPressureBar: mean(half(s.pressures)) } : {}),
            ...(s.volumes.length ? { meanVolumeA3: mean(half(s.volumes)) } : {}),
        };
    }
}

export function readRestart(restart: OutputSpec | undefined, fingerprint: string): RestartFile {
    if (!restart) throw new MdError("resume needs a restart file: add 'restart \"file\" every N' to the run");
    if (!existsSync(restart.path)) throw new MdError(`no restart file at ${restart.path} to resume from; run without --resume to start`);
    let file: RestartFile;
    try {
        file = JSON.parse(readFileSync(restart.path, 'utf8')) as RestartFile;
    } catch (e) {
        throw new MdError(`${restart.path}: not a readable restart file (${(e as Error).message})`);
    }
    if (file.format !== 'nnp-md-restart' || file.version !== 1) throw new MdError(`${restart.path}: not an nnp MD restart file (version 1)`);
    if (file.fingerprint !== fingerprint) throw new MdError(`${restart.path}: the restart file belongs to a different run (the run block, start structure, masses or engine changed); delete it or run without --resume`);
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
