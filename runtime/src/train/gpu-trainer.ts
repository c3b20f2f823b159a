// Training on WebGPU: the data of each split uploaded once, then per mini-batch one submit of the
// generated kernels (compiler/src/kernel/training/training-kernels.ts): forward, pair forces, force
// residual, energy residual, weight gradient, reduction + Adam. Weights and Adam moments stay on the
// device; the host reads back per-structure errors once per epoch. Everything is a fixed-order
// gather, so the same inputs give bit-identical weights.
import {
    TRAIN_UNIFORM_BYTES, trainEnergyResidualKernel, trainForceResidualKernel, trainForwardKernel,
    trainGradientKernel, trainPairForcesKernel, trainReduceAdamKernel, trainReduceKernel, type TrainLayout,
} from '../../../compiler/src/kernel/training/training-kernels.js';
import { createBindGroup, encodeDispatch, pipelineCache, withValidation, type CompiledKernel } from '../gpu/kernel.js';
import { readBack } from '../gpu/readback.js';
import type { ParameterLayout } from './parameter-layout.js';
import type { TrainingStructure } from './training-set.js';

const MAX_D_CHUNKS = 8;

/** Where each atom's D̃ block goes: blocks in atom order, a new chunk when the next would overflow. */
interface ChunkPlan {
    /** Per atom (set order): chunk index and float offset in it. */
    readonly chunk: Uint32Array;
    readonly offset: Uint32Array;
    /** Floats used per chunk. */
    readonly sizes: number[];
}

function planChunks(set: readonly TrainingStructure[], chunkFloats: number): ChunkPlan {
    const blocks = set.flatMap((s) => s.atoms.map((a) => a.D.length));
    const chunk = new Uint32Array(blocks.length);
    const offset = new Uint32Array(blocks.length);
    const sizes = [0];
    blocks.forEach((n, i) => {
        if (n > chunkFloats) throw new Error(`one atom's descriptor derivatives (${n} floats) exceed the device's buffer binding limit`);
        if (sizes.at(-1)! + n > chunkFloats) sizes.push(0);
        chunk[i] = sizes.length - 1;
        offset[i] = sizes.at(-1)!;
        sizes[sizes.length - 1]! += n;
    });
    return { chunk, offset, sizes };
}

export interface AdamSettings {
    readonly lr: number;
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
    /** `optimizer sgd`: w ← w − lr m, m ← β₁m + (1−β₁)g (β₁ = momentum), no second moment or bias correction. */
    readonly gradientDescent?: boolean;
}

/** Per-structure errors of a split: ΔE_s/N_s (eV/atom) and Σ|ΔF|² (eV²/Å²), and atom counts. */
export interface SplitErrors {
    readonly energyPerAtom: Float64Array;
    readonly forceSq: Float64Array;
    readonly atoms: Int32Array;
}

interface Kernels {
    readonly forward: CompiledKernel;
    readonly pairForces: CompiledKernel;
    readonly forceResidual: CompiledKernel;
    readonly energyResidual: CompiledKernel;
    readonly gradient: CompiledKernel;
    readonly reduce: CompiledKernel;
    readonly reduceAdam: CompiledKernel;
}

/** One split on the device: static data, work buffers and bind groups. */
class DeviceSplit {
    readonly structures: number;
    readonly atoms: number;
    /** Per structure: its atoms (global indices) grouped by element. */
    readonly atomsByElement: number[][][];
    readonly uniform: GPUBuffer;
    readonly batchAtoms: GPUBuffer;
    readonly batchStructures: GPUBuffer;
    readonly segments: GPUBuffer;
    readonly nn: GPUBuffer;
    readonly forceResidual: GPUBuffer;
    readonly stats: GPUBuffer;
    readonly atomCounts: Int32Array;
    readonly groups: Partial<Record<keyof Kernels, GPUBindGroup>> = {};
    /** Atoms of the whole-split batch, once `evaluate` has written its lists (never for the trained split). */
    evaluationAtoms: number | undefined;
    private readonly owned: GPUBuffer[] = [];

    constructor(readonly device: GPUDevice, readonly set: readonly TrainingStructure[], layout: ParameterLayout, kernels: Kernels, shared: { weights: GPUBuffer; grad: GPUBuffer; adamM: GPUBuffer; adamV: GPUBuffer; dummy: GPUBuffer }, dChunks: number, readonly gradientRows: number, plan: ChunkPlan) {
        const elements = layout.networks.length;
        this.structures = set.length;
        let atoms = 0;
        let entries = 0;
        for (const s of set) {
            atoms += s.atoms.length;
            for (const a of s.atoms) entries += a.neighbors.length;
        }
        this.atoms = atoms;
        const stride = layout.maxInputs;
        const info = new Uint32Array(4 * (atoms + 1));
        const entryAtom = new Uint32Array(Math.max(1, entries));
        const input = new Float32Array(Math.max(1, atoms * stride));
        const refForces = new Float32Array(Math.max(3, 3 * atoms));
        const structureAtoms = new Uint32Array(set.length + 1);
        const target = new Float32Array(Math.max(1, set.length));
        const incomingCount = new Uint32Array(atoms);
        const chunks = plan.sizes.map((n) => new Float32Array(Math.max(4, n)));
        this.atomsByElement = [];
        this.atomCounts = new Int32Array(set.length);
        let g = 0;
        let entry = 0;
        set.forEach((s, si) => {
            structureAtoms[si] = g;
            target[si] = s.target;
            this.atomCounts[si] = s.atoms.length;
            const base = g;
            const byElement: number[][] = Array.from({ length: elements }, () => []);
            s.atoms.forEach((a, ai) => {
                info[4 * g] = a.element | (plan.chunk[g]! << 16);
                info[4 * g + 1] = si;
                info[4 * g + 2] = entry;
                info[4 * g + 3] = plan.offset[g]!;
                chunks[plan.chunk[g]!]!.set(a.D, plan.offset[g]!);
                input.set(a.input, g * stride);
                for (let c = 0; c < 3; c++) refForces[3 * g + c] = s.forces[3 * ai + c]!;
                for (const j of a.neighbors) {
                    entryAtom[entry++] = base + j;
                    incomingCount[base + j]!++;
                }
                byElement[a.element]!.push(g);
                g++;
            });
            this.atomsByElement.push(byElement);
        });
        structureAtoms[set.length] = g;
        info[4 * atoms + 2] = entry;
        // incoming: starts (atoms + 1, offset by atoms + 1), then the entries pointing at each atom
        const incoming = new Uint32Array(atoms + 1 + Math.max(1, entries));
        let cursor = atoms + 1;
        for (let i = 0; i < atoms; i++) {
            incoming[i] = cursor;
            cursor += incomingCount[i]!;
        }
        incoming[atoms] = cursor;
        const fill = incoming.slice(0, atoms);
        for (let e = 0; e < entries; e++) incoming[fill[entryAtom[e]!]!++] = e;

        const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
        const upload = (data: ArrayBufferView & { byteLength: number }, label: string) => {
            const buf = device.createBuffer({ label, size: Math.max(16, Math.ceil(data.byteLength / 4) * 4), usage });
            device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
            this.owned.push(buf);
            return buf;
        };
        const work = (floats: number, label: string) => {
            const buf = device.createBuffer({ label, size: Math.max(16, 4 * floats), usage });
            this.owned.push(buf);
            return buf;
        };
        const atomInfo = upload(info, 'atom_info');
        const entryAtomBuf = upload(entryAtom, 'entry_atom');
        const incomingBuf = upload(incoming, 'incoming');
        const atomInput = upload(input, 'atom_input');
        const refForcesBuf = upload(refForces, 'ref_forces');
        const structureAtomsBuf = upload(structureAtoms, 'structure_atoms');
        const targetBuf = upload(target, 'target');
        const dBufs = chunks.map((c, k) => upload(c, `d_tilde${k}`));
        this.uniform = device.createBuffer({ label: 'train', size: TRAIN_UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
        this.owned.push(this.uniform);
        this.batchAtoms = work(atoms, 'batch_atoms');
        this.batchStructures = work(set.length, 'batch_structures');
        this.segments = work(elements + 1, 'segments');
        this.nn = work(atoms, 'nn');
        const dnn = work(atoms * stride, 'dnn');
        const pairForce = work(3 * entries, 'pair_force');
        this.forceResidual = work(3 * atoms, 'force_residual');
        const alpha = work(set.length, 'alpha');
        this.stats = work(2 * set.length, 'stats');
        const atomGrad = work(gradientRows * layout.maxCount, 'atom_grad');
        const d: Record<string, GPUBuffer> = {};
        for (let k = 0; k < dChunks; k++) d[`d_tilde${k}`] = dBufs[k] ?? shared.dummy;
        const train = this.uniform;
        this.groups.forward = createBindGroup(device, kernels.forward, { train, weights: shared.weights, atom_info: atomInfo, atom_input: atomInput, batch_atoms: this.batchAtoms, nn: this.nn, dnn });
        this.groups.pairForces = createBindGroup(device, kernels.pairForces, { train, atom_info: atomInfo, batch_atoms: this.batchAtoms, dnn, pair_force: pairForce, ...d });
        this.groups.forceResidual = createBindGroup(device, kernels.forceResidual, { train, atom_info: atomInfo, batch_atoms: this.batchAtoms, pair_force: pairForce, incoming: incomingBuf, ref_forces: refForcesBuf, force_residual: this.forceResidual });
        this.groups.energyResidual = createBindGroup(device, kernels.energyResidual, { train, batch_structures: this.batchStructures, structure_atoms: structureAtomsBuf, energy_target: targetBuf, nn: this.nn, force_residual: this.forceResidual, alpha, stats: this.stats });
        if (gradientRows > 0) {
            this.groups.gradient = createBindGroup(device, kernels.gradient, { train, weights: shared.weights, atom_info: atomInfo, atom_input: atomInput, batch_atoms: this.batchAtoms, entry_atom: entryAtomBuf, force_residual: this.forceResidual, alpha, atom_grad: atomGrad, ...d });
            this.groups.reduce = createBindGroup(device, kernels.reduce, { train, segments: this.segments, atom_grad: atomGrad, grad: shared.grad });
            this.groups.reduceAdam = createBindGroup(device, kernels.reduceAdam, { train, segments: this.segments, atom_grad: atomGrad, grad: shared.grad, weights: shared.weights, adam_m: shared.adamM, adam_v: shared.adamV });
        }
    }

    destroy(): void {
        for (const b of this.owned) b.destroy();
    }
}

export interface TrainerOptions {
    /** Largest number of atoms in one mini-batch (sizes the per-atom gradient rows). */
    readonly maxBatchAtoms: number;
}

export class GpuTrainer {
    private constructor(
        readonly device: GPUDevice,
        readonly layout: ParameterLayout,
        private readonly kernels: Kernels,
        private readonly shared: { weights: GPUBuffer; grad: GPUBuffer; adamM: GPUBuffer; adamV: GPUBuffer; dummy: GPUBuffer },
        readonly splits: DeviceSplit[],
    ) {}

    /** Uploads the splits (the first one is trained on, the others only evaluated) and compiles the kernels. */
    static async create(device: GPUDevice, layout: ParameterLayout, sigma: number, sets: readonly (readonly TrainingStructure[])[], options: TrainerOptions): Promise<GpuTrainer> {
        const limit = Math.min(device.limits.maxStorageBufferBindingSize, 2 ** 31 - 4);
        const chunkFloats = Math.floor(limit / 4);
        const plans = sets.map((set) => planChunks(set, chunkFloats));
        const dChunks = Math.max(...plans.map((p) => p.sizes.length));
        if (dChunks > MAX_D_CHUNKS) throw new Error(`the training data is too large for this device: its descriptor derivatives need ${dChunks} buffers of ${(limit / 2 ** 20).toFixed(0)} MiB (at most ${MAX_D_CHUNKS})`);
        const tl: TrainLayout = {
            networks: layout.networks.map((n) => ({ inputs: n.inputs, normalizeNodes: n.normalizeNodes, offset: n.offset, count: n.count, layers: n.layers.map((l) => ({ ...l })) })),
            total: layout.total, maxCount: layout.maxCount, maxInputs: Math.max(1, layout.maxInputs), sigma, dChunks,
        };
        const cache = pipelineCache(device);
        const [forward, pairForces, forceResidual, energyResidual, gradient, reduce, reduceAdam] = await Promise.all([
            cache.get(trainForwardKernel(tl)), cache.get(trainPairForcesKernel(tl)), cache.get(trainForceResidualKernel(tl)),
            cache.get(trainEnergyResidualKernel(tl)), cache.get(trainGradientKernel(tl)), cache.get(trainReduceKernel(tl)), cache.get(trainReduceAdamKernel(tl)),
        ]);
        const kernels = { forward, pairForces, forceResidual, energyResidual, gradient, reduce, reduceAdam };
        const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
        const vec = (label: string) => device.createBuffer({ label, size: Math.max(16, 4 * layout.total), usage });
        const shared = { weights: vec('weights'), grad: vec('grad'), adamM: vec('adam_m'), adamV: vec('adam_v'), dummy: device.createBuffer({ label: 'dummy', size: 16, usage }) };
        const splits = await withValidation(device, 'training data upload', () =>
            sets.map((set, k) => new DeviceSplit(device, set, layout, kernels, shared, dChunks, k === 0 ? Math.max(1, options.maxBatchAtoms) : 0, plans[k]!)));
        return new GpuTrainer(device, layout, kernels, shared, splits);
    }

    /** Sets the weights (rounded to float32) and zeroes the Adam moments unless given. */
    setState(weights: ArrayLike<number>, m?: ArrayLike<number>, v?: ArrayLike<number>): void {
        const put = (buf: GPUBuffer, x: ArrayLike<number> | undefined) => {
            const data = x ? Float32Array.from(x) : new Float32Array(this.layout.total);
            this.device.queue.writeBuffer(buf, 0, data.buffer, 0, data.byteLength);
        };
        put(this.shared.weights, weights);
        put(this.shared.adamM, m);
        put(this.shared.adamV, v);
    }

    async weights(): Promise<Float32Array> {
        return readBack(this.device, this.shared.weights, 4 * this.layout.total);
    }

    async state(): Promise<{ weights: Float32Array; m: Float32Array; v: Float32Array }> {
        const bytes = 4 * this.layout.total;
        return {
            weights: await readBack(this.device, this.shared.weights, bytes),
            m: await readBack(this.device, this.shared.adamM, bytes),
            v: await readBack(this.device, this.shared.adamV, bytes),
        };
    }

    /** Writes the batch lists and uniform of split `k` for the structures `batch`. */
    private prepare(k: number, batch: readonly number[], energyWeight: number, forceWeight: number, adam?: AdamSettings & { step: number }): number {
        const split = this.splits[k]!;
        const elements = this.layout.networks.length;
        const atoms: number[] = [];
        const segments = new Uint32Array(elements + 1);
        for (let e = 0; e < elements; e++) {
            segments[e] = atoms.length;
            for (const s of batch) atoms.push(...split.atomsByElement[s]![e]!);
        }
        segments[elements] = atoms.length;
        const q = this.device.queue;
        const a = Uint32Array.from(atoms);
        const s = Uint32Array.from(batch);
        q.writeBuffer(split.batchAtoms, 0, a.buffer, 0, a.byteLength);
        q.writeBuffer(split.batchStructures, 0, s.buffer, 0, s.byteLength);
        q.writeBuffer(split.segments, 0, segments.buffer, 0, segments.byteLength);
        const u = new ArrayBuffer(TRAIN_UNIFORM_BYTES);
        const ui = new Uint32Array(u);
        const uf = new Float32Array(u);
        ui[0] = atoms.length;
        ui[1] = batch.length;
        ui[2] = 0; // opaque zero
        ui[3] = this.layout.total;
        uf[4] = (2 * energyWeight) / batch.length;
        uf[5] = (2 * forceWeight) / (3 * atoms.length);
        if (adam?.gradientDescent) {
            // plain gradient descent through the same kernel: β₂ = 1 keeps v = 0 and ε̂ = 1, so
            // w ← w − lr m with m ← β₁m + (1−β₁)g (β₁ = the sgd momentum; 0: w ← w − lr g)
            uf[6] = adam.lr;
            uf[7] = 1;
            uf[8] = adam.beta1;
            uf[9] = 1;
        } else if (adam) {
            // bias correction folded in: lr̂ = lr √(1−β₂ᵗ)/(1−β₁ᵗ), ε̂ = ε √(1−β₂ᵗ)
            const c2 = Math.sqrt(1 - adam.beta2 ** adam.step);
            uf[6] = (adam.lr * c2) / (1 - adam.beta1 ** adam.step);
            uf[7] = adam.epsilon * c2;
            uf[8] = adam.beta1;
            uf[9] = adam.beta2;
        }
        q.writeBuffer(split.uniform, 0, u);
        return atoms.length;
    }

    private encodeResiduals(encoder: GPUCommandEncoder, split: DeviceSplit, atoms: number, structures: number): void {
        encodeDispatch(encoder, this.kernels.forward, split.groups.forward!, atoms);
        encodeDispatch(encoder, this.kernels.pairForces, split.groups.pairForces!, atoms);
        encodeDispatch(encoder, this.kernels.forceResidual, split.groups.forceResidual!, atoms);
        encodeDispatch(encoder, this.kernels.energyResidual, split.groups.energyResidual!, structures);
    }

    /**
     * One mini-batch of the training split: residuals, gradient, and (with `adam`) an Adam step.
     * Submitted, not awaited.
     */
    step(batch: readonly number[], weights: { energy: number; forces: number }, adam?: AdamSettings & { step: number }): void {
        const split = this.splits[0]!;
        const atoms = this.prepare(0, batch, weights.energy, weights.forces, adam);
        if (atoms > split.gradientRows) throw new Error(`a batch of ${atoms} atoms exceeds the ${split.gradientRows} the trainer was sized for`);
        const encoder = this.device.createCommandEncoder({ label: 'train step' });
        this.encodeResiduals(encoder, split, atoms, batch.length);
        encodeDispatch(encoder, this.kernels.gradient, split.groups.gradient!, atoms);
        // with a step, the reduction and Adam are one dispatch (TrainReduceAdam)
        if (adam) encodeDispatch(encoder, this.kernels.reduceAdam, split.groups.reduceAdam!, this.layout.total);
        else encodeDispatch(encoder, this.kernels.reduce, split.groups.reduce!, this.layout.total);
        this.device.queue.submit([encoder.finish()]);
    }

    /** ∂L/∂w of the batch (float32), without a step (gradient tests). */
    async gradient(batch: readonly number[], weights: { energy: number; forces: number }): Promise<Float32Array> {
        this.step(batch, weights);
        return readBack(this.device, this.shared.grad, 4 * this.layout.total);
    }

    /** Residuals of every structure of split `k` with the current weights (one submit). */
    evaluate(k: number): void {
        const split = this.splits[k]!;
        if (split.structures === 0) return;
        // an evaluation always covers the whole split: its lists and uniform are written once
        split.evaluationAtoms ??= this.prepare(k, Array.from({ length: split.structures }, (_, i) => i), 0, 0);
        const atoms = split.evaluationAtoms;
        const encoder = this.device.createCommandEncoder({ label: 'evaluate' });
        this.encodeResiduals(encoder, split, atoms, split.structures);
        this.device.queue.submit([encoder.finish()]);
    }

    /** The per-structure errors last computed for split `k` (training split: from the last pass over each structure). */
    async errors(k: number): Promise<SplitErrors> {
        const split = this.splits[k]!;
        const n = split.structures;
        if (n === 0) return { energyPerAtom: new Float64Array(0), forceSq: new Float64Array(0), atoms: new Int32Array(0) };
        const stats = await readBack(this.device, split.stats, 8 * n);
        return {
            energyPerAtom: Float64Array.from({ length: n }, (_, s) => stats[2 * s]!),
            forceSq: Float64Array.from({ length: n }, (_, s) => stats[2 * s + 1]!),
            atoms: split.atomCounts,
        };
    }

    /** Network outputs NN_i and force residuals ΔF of split `k` from its last evaluation. */
    async outputs(k: number): Promise<{ nn: Float32Array; forceResidual: Float32Array }> {
        const split = this.splits[k]!;
        return {
            nn: await readBack(this.device, split.nn, 4 * Math.max(1, split.atoms)),
            forceResidual: await readBack(this.device, split.forceResidual, 12 * Math.max(1, split.atoms)),
        };
    }

    destroy(): void {
        for (const s of this.splits) s.destroy();
        for (const b of Object.values(this.shared)) b.destroy();
    }
}
