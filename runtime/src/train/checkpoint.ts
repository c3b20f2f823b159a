// Training checkpoints: everything a run needs to continue exactly where it stopped — weights and
// Adam moments (float32 values of the GPU path are exact in JSON doubles), the epoch and step
// counters, schedule and early-stopping state, the best weights so far and the learning curve.
// Mini-batch order is a function of (seed, epoch), so no generator state is needed. Written
// atomically (temporary file, then rename): a run killed while writing leaves the previous one.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { TrainingError } from './dataset.js';
import type { ScheduleState } from './schedule.js';

export interface SplitMetrics {
    /** w_E·MSE(ΔE/N) + w_F·MSE(ΔF) */
    readonly loss: number;
    /** eV/atom */
    readonly energyRmse: number;
    /** eV/Å */
    readonly forceRmse: number;
}

export interface EpochRecord {
    /** 1-based epoch number. */
    readonly epoch: number;
    readonly lr: number;
    /** Wall time since the run (and the runs it resumed) began, s. */
    readonly seconds: number;
    readonly train: SplitMetrics;
    readonly validation?: SplitMetrics;
    /** `log gradient`: |∇L| of the full-batch training loss at the epoch's end weights (float64). */
    readonly gradientNorm?: number;
}

export interface Checkpoint {
    readonly format: 'nnp-checkpoint';
    readonly version: 1;
    /** Identifies the training problem (spec settings + data); a resume refuses a different one. */
    readonly fingerprint: string;
    /** Epochs completed. */
    readonly epoch: number;
    /** Adam steps taken. */
    readonly step: number;
    readonly weights: number[];
    readonly m: number[];
    readonly v: number[];
    readonly schedule: ScheduleState;
    readonly best: { readonly loss: number; readonly epoch: number; readonly weights: number[] };
    /** Epochs since the validation loss last improved (early stopping). */
    readonly stalled: number;
    readonly stopped: boolean;
    readonly history: EpochRecord[];
}

export function writeCheckpoint(path: string, c: Checkpoint): void {
    // Infinity (no best yet) is not JSON: write it as null
    writeFileAtomic(path, `${JSON.stringify(c, (_k, v: unknown) => (v === Infinity ? null : v))}\n`);
}

export function readCheckpoint(path: string): Checkpoint | undefined {
    if (!existsSync(path)) return undefined;
    let c: Checkpoint;
    try {
        c = JSON.parse(readFileSync(path, 'utf8'), (_k, v: unknown) => (v === null ? Infinity : v)) as Checkpoint;
    } catch (e) {
        throw new TrainingError(`${path}: not a readable checkpoint (${(e as Error).message})`);
    }
    if (c.format !== 'nnp-checkpoint' || c.version !== 1) throw new TrainingError(`${path}: not an nnp checkpoint (version 1)`);
    return c;
}
