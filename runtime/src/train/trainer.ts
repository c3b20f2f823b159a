// A training run: data → descriptors → offsets, normalisation, scaling → initial weights → epochs
// of shuffled mini-batches (Adam on the GPU, or float64 on the CPU) → the best-validation weights,
// with checkpoints, resume and early stopping. Deterministic: the same spec, seed and device give
// bit-identical weights, also across an interruption and `--resume`.
import { createHash } from 'node:crypto';
import type { ModelIR, SpecIR, TrainingIR } from '../../../compiler/src/ir/model-ir.js';
import { mixSeed, permutation, uniforms } from '../math/random.js';
import type { ModelParameters, ScalingStatistics } from '../model/parameters.js';
import { scalerFor } from '../reference/scaling.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint, type EpochRecord, type SplitMetrics } from './checkpoint.js';
import { TrainingError, loadTrainingData, type TrainingData } from './dataset.js';
import { computeDescriptors, scalingStatistics } from './descriptor-data.js';
import { autoNormalization, fitElementOffsets } from './energy-offsets.js';
import { GpuTrainer, type AdamSettings, type SplitErrors } from './gpu-trainer.js';
import { fullBatchLoss, norm } from './curvature.js';
import { initialWeights, zeroStart, type InitMethod } from './initialise.js';
import { parameterLayout, unflattenParameters, type ParameterLayout } from './parameter-layout.js';
import { ReferenceTrainer } from './reference-trainer.js';
import { fitRidge } from './ridge.js';
import { Schedule } from './schedule.js';
import { prepareTrainingSet, type TrainingStructure } from './training-set.js';

export interface TrainProblem {
    readonly model: ModelIR;
    readonly training: TrainingIR;
    readonly data: TrainingData;
    readonly layout: ParameterLayout;
    /** eV per network unit. */
    readonly sigma: number;
    /** train, validation, test */
    readonly sets: readonly [TrainingStructure[], TrainingStructure[], TrainingStructure[]];
    readonly scaling: ScalingStatistics[];
    readonly offsets: Readonly<Record<string, number>>;
    readonly normalization?: { meanEnergy: number; convEnergy: number; convLength: number };
    readonly fingerprint: string;
}

/** Reads the data and prepares everything the optimiser needs (descriptors of every split). */
export function prepareProblem(spec: SpecIR, training: TrainingIR, baseDir: string): TrainProblem {
    const model = spec.models.find((m) => m.name === training.model);
    if (!model) throw new TrainingError(`no model named '${training.model}'`);
    if (training.committee && !(training.committee.size >= 1 && Number.isInteger(training.committee.size))) throw new TrainingError(`a committee needs a whole number of members ≥ 1, got ${training.committee.size}`);
    if (model.scaling.statistics) throw new TrainingError(`model '${model.name}' takes its scaling statistics from '${model.scaling.statistics}'; training computes them from the training split: remove 'from "…"' from the scaling line`);
    const data = loadTrainingData(spec, training.datasets, model, { baseDir, needForces: training.loss.forces > 0 });
    const splits = [data.train, data.validation, data.test] as const;
    const descriptors = splits.map((part) => computeDescriptors(model, part.map((l) => l.structure)));
    const scaling = scalingStatistics(model, descriptors[0]!);
    const symbols = model.elements.map((e) => e.symbol);
    const specOffsets = new Map(model.elements.map((e) => [e.symbol, e.energyOffset]));
    const trainStructures = data.train.map((l) => l.structure);
    const fitted = fitElementOffsets(trainStructures, symbols, specOffsets);
    const offsets = Object.fromEntries(fitted);
    const normalization = model.normalization.kind === 'auto' ? autoNormalization(trainStructures) : model.normalization.kind === 'fixed' ? model.normalization : undefined;
    const sigma = normalization ? 1 / normalization.convEnergy : 1;
    const atomOffset = model.elements.map((e) => e.energyOffset + fitted.get(e.symbol)! + (normalization?.meanEnergy ?? 0));
    const scalers = model.elements.map((e, i) => scalerFor(model.scaling, scaling[i], scaling[i]!.min.length, e.symbol));
    const sets = splits.map((part, k) => prepareTrainingSet(part, descriptors[k]!, scalers, { sigma, atomOffset })) as unknown as [TrainingStructure[], TrainingStructure[], TrainingStructure[]];
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ model, training: { ...training, epochs: 0, checkpoint: undefined } }));
    for (const part of splits) for (const l of part) hash.update(`${l.id}:${l.structure.energy}:${l.structure.symbols.length};`);
    return {
        model, training, data, layout: parameterLayout(model), sigma, sets, scaling, offsets,
        ...(model.normalization.kind === 'auto' ? { normalization: normalization! } : {}),
        fingerprint: hash.digest('hex').slice(0, 16),
    };
}

export interface RunOptions {
    readonly backend: 'webgpu' | 'reference';
    /** Required for the webgpu backend. */
    readonly device?: GPUDevice;
    readonly checkpointPath?: string;
    readonly checkpointEvery: number;
    readonly resume: boolean;
    /** Called after every epoch (progress display, JSON-lines log). */
    readonly onEpoch?: (record: EpochRecord, resumedHistory: boolean) => void;
    readonly onMessage?: (line: string) => void;
}

export interface TrainResult {
    readonly params: ModelParameters;
    /** The weights chosen (best validation loss, or the last epoch without a validation split). */
    readonly weights: Float64Array;
    readonly history: readonly EpochRecord[];
    readonly bestEpoch: number;
    readonly stoppedEarly: boolean;
    readonly seconds: number;
    readonly steps: number;
}

type Backend = GpuTrainer | ReferenceTrainer;

export function metrics(errors: SplitErrors, loss: { energy: number; forces: number }): SplitMetrics {
    const n = errors.energyPerAtom.length;
    let e2 = 0;
    let f2 = 0;
    let atoms = 0;
    for (let s = 0; s < n; s++) {
        e2 += errors.energyPerAtom[s]! ** 2;
        f2 += errors.forceSq[s]!;
        atoms += errors.atoms[s]!;
    }
    const mseE = n > 0 ? e2 / n : 0;
    const mseF = atoms > 0 ? f2 / (3 * atoms) : 0;
    return { loss: loss.energy * mseE + loss.forces * mseF, energyRmse: Math.sqrt(mseE), forceRmse: Math.sqrt(mseF) };
}

/** The most atoms `batch` structures of the set can hold (sizes the GPU's per-atom gradient rows). */
export function largestBatchAtoms(set: readonly TrainingStructure[], batch: number): number {
    return set.map((s) => s.atoms.length).sort((a, b) => b - a).slice(0, batch).reduce((a, b) => a + b, 0);
}

/** Mini-batches of epoch `epoch` (0-based): the training structures shuffled by (seed, epoch). */
export function epochBatches(structures: number, batch: number, seed: number, epoch: number): number[][] {
    const order = permutation(structures, uniforms(mixSeed(seed, epoch, 0x7a11)));
    const out: number[][] = [];
    for (let i = 0; i < order.length; i += batch) out.push(order.slice(i, i + batch));
    return out;
}

export function parametersOf(problem: TrainProblem, weights: ArrayLike<number>): ModelParameters {
    return {
        model: problem.model.name,
        networks: unflattenParameters(problem.layout, weights),
        scaling: problem.scaling,
        ...(problem.normalization ? { normalization: problem.normalization } : {}),
        offsets: problem.offsets,
    };
}

/**
 * The weights training starts from (rounded to float32, as both backends hold them): `init xavier`
 * or `nguyen_widrow` from the seed, or `init zero [perturb p]`, the critical point of zeroStart.
 */
export function startWeights(problem: TrainProblem): Float32Array {
    const { training, layout } = problem;
    if (training.init === 'zero') return Float32Array.from(zeroStart(layout, problem.sets[0], problem.sigma, training.initPerturb ?? 0, training.seed));
    return Float32Array.from(initialWeights(layout, training.init as InitMethod, training.seed));
}

export async function runTraining(problem: TrainProblem, options: RunOptions): Promise<TrainResult> {
    const { training, layout, sets } = problem;
    const start = performance.now();
    if (training.optimizer.kind === 'ridge') {
        const w = fitRidge(problem, training.optimizer.options['lambda'] ?? 1e-8);
        return { params: parametersOf(problem, w), weights: w, history: [], bestEpoch: 0, stoppedEarly: false, seconds: (performance.now() - start) / 1000, steps: 0 };
    }
    if (training.optimizer.kind !== 'adam' && training.optimizer.kind !== 'sgd') throw new TrainingError(`optimizer '${training.optimizer.kind}' is not available yet; use adam or sgd (or ridge for linear models)`);
    const o = training.optimizer.options;
    // sgd: w ← w − lr m, m ← μ m + (1−μ) g; with a batch of the whole training split and μ = 0 this
    // is gradient descent, the explicit Euler step (time step lr) of the gradient flow dw/dt = −∇L
    const adam: AdamSettings = training.optimizer.kind === 'sgd'
        ? { lr: o['lr'] ?? 1e-3, beta1: o['momentum'] ?? 0, beta2: 1, epsilon: 1, gradientDescent: true }
        : { lr: o['lr'] ?? 1e-3, beta1: o['beta1'] ?? 0.9, beta2: o['beta2'] ?? 0.999, epsilon: o['epsilon'] ?? 1e-8 };
    const schedule = new Schedule(training.schedule, adam.lr, training.epochs);
    const batchSize = Math.max(1, Math.min(training.batch, sets[0].length));
    const hasValidation = sets[1].length > 0;

    // the optimiser sees the training and validation splits; the test split only enters the report
    const fitted = [sets[0], sets[1]];
    let backend: Backend;
    if (options.backend === 'webgpu') {
        if (!options.device) throw new Error('the webgpu backend needs a device');
        backend = await GpuTrainer.create(options.device, layout, problem.sigma, fitted, { maxBatchAtoms: largestBatchAtoms(sets[0], batchSize) });
    } else {
        backend = new ReferenceTrainer(layout, problem.sigma, fitted);
    }

    let state: Checkpoint;
    const resumed = options.resume && options.checkpointPath ? readCheckpoint(options.checkpointPath) : undefined;
    if (resumed) {
        if (resumed.fingerprint !== problem.fingerprint) {
            throw new TrainingError(`${options.checkpointPath}: the checkpoint belongs to a different training problem (the spec's model, training settings or data changed); delete it or train without --resume`);
        }
        state = resumed;
        backend.setState(state.weights, state.m, state.v);
        options.onMessage?.(`resuming from ${options.checkpointPath} after epoch ${state.epoch}`);
        for (const r of state.history) options.onEpoch?.(r, true);
    } else {
        const w0 = startWeights(problem);
        backend.setState(w0);
        state = {
            format: 'nnp-checkpoint', version: 1, fingerprint: problem.fingerprint, epoch: 0, step: 0,
            weights: [...w0], m: [], v: [], schedule: schedule.initialState(),
            best: { loss: Infinity, epoch: 0, weights: [...w0] }, stalled: 0, stopped: false, history: [],
        };
    }
    const elapsedBefore = state.history.at(-1)?.seconds ?? 0;
    const runStart = performance.now();
    const patience = training.earlyStop;
    // `log gradient`: the float64 full-batch gradient of the training loss at each epoch's end
    const gradientOf = training.logGradient ? fullBatchLoss(layout, sets[0], training.loss, problem.sigma) : undefined;
    try {
        while (state.epoch < training.epochs && !state.stopped) {
            const epoch = state.epoch;
            const lr = schedule.rate(epoch, state.schedule);
            let step = state.step;
            for (const batch of epochBatches(sets[0].length, batchSize, training.seed, epoch)) {
                step++;
                backend.step(batch, training.loss, { ...adam, lr, step });
            }
            const train = metrics(await backend.errors(0), training.loss);
            let validation: SplitMetrics | undefined;
            if (hasValidation) {
                backend.evaluate(1);
                validation = metrics(await backend.errors(1), training.loss);
            }
            const seconds = elapsedBefore + (performance.now() - runStart) / 1000;
            const gradientNorm = gradientOf ? norm(gradientOf(Float64Array.from(await backend.weights())).gradient) : undefined;
            const record: EpochRecord = { epoch: epoch + 1, lr, seconds, train, ...(validation ? { validation } : {}), ...(gradientNorm !== undefined ? { gradientNorm } : {}) };
            const monitored = (validation ?? train).loss;
            if (!Number.isFinite(monitored)) throw new TrainingError(`epoch ${epoch + 1}: the loss is ${monitored}; lower the learning rate (optimizer adam lr …)`);
            const improved = monitored < state.best.loss;
            const best = improved && hasValidation ? await backend.weights() : undefined;
            const stalled = improved ? 0 : state.stalled + 1;
            state = {
                ...state,
                epoch: epoch + 1,
                step,
                schedule: schedule.update(state.schedule, monitored),
                best: best ? { loss: monitored, epoch: epoch + 1, weights: [...best] } : state.best,
                stalled,
                stopped: patience !== undefined && hasValidation && stalled >= patience,
                history: [...state.history, record],
            };
            options.onEpoch?.(record, false);
            const last = state.epoch >= training.epochs || state.stopped;
            if (options.checkpointPath && (state.epoch % options.checkpointEvery === 0 || last)) {
                const full = await backend.state();
                state = { ...state, weights: [...full.weights], m: [...full.m], v: [...full.v] };
                writeCheckpoint(options.checkpointPath, state);
            }
        }
        const final = hasValidation ? Float64Array.from(state.best.weights) : Float64Array.from(await backend.weights());
        return {
            params: parametersOf(problem, final), weights: final, history: state.history,
            bestEpoch: hasValidation ? state.best.epoch : state.epoch, stoppedEarly: state.stopped,
            seconds: elapsedBefore + (performance.now() - runStart) / 1000, steps: state.step,
        };
    } finally {
        backend.destroy();
    }
}
