// Energy, forces and stress of an HDNNP on WebGPU: the four generated kernels in one command
// encoder and one submit, per-atom results read back once and summed on the host in float64.
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';
import {
    descriptorKernel, forceKernel, gatherKernel, networkKernel, slotCapacity,
} from '../../../compiler/src/kernel/hdnnp/hdnnp-kernels.js';
import { planDescriptors } from '../../../compiler/src/kernel/hdnnp/descriptor-plan.js';
import { det3 } from '../math/mat3.js';
import { energyOffset, energyScale, networkConstants } from './network-constants.js';
import type { ModelParameters } from '../model/parameters.js';
import type { CsrNeighbors, SlotList, SortedLayout } from '../neighbors/slot-list.js';
import type { Structure } from '../structure.js';
import { waitForQueue, type GpuContext } from './device.js';
import { createBindGroup, encodeDispatch, pipelineCache, type CompiledKernel } from './kernel.js';
import { bufferMaker, destroyAll, evaluationBuffers, holds, SlotUploader, uploadSlots, type EvaluationBuffers } from './buffers.js';
import { profilePasses, readBack, runEvaluation, type Pass } from './readback.js';

export interface EnergyForces {
    /** Total energy, eV. */
    readonly energy: number;
    /** n2p2's atomic energies: network outputs in eV (no mean energy, no offsets). */
    readonly atomEnergies: Float64Array;
    /** (atoms, 3) eV/Å. */
    readonly forces: Float64Array;
    /** (3, 3) W_ab = Σ_pairs (∂E/∂d)_a d_b = ∂E/∂ε_ab, eV. */
    readonly virial: Float64Array;
    /** (3, 3) stress = W / V, eV/Å³ (ASE convention); undefined without a cell. */
    readonly stress?: Float64Array;
    /** With `{ descriptors: true }`: raw G (atoms, functions of the atom's element) and dE/dG (eV). */
    readonly descriptors?: { readonly g: Float64Array[]; readonly dEdG: Float64Array[] };
}

export interface EvaluateOptions {
    /** Also read back the symmetry-function values and dE/dG (for tests and diagnostics). */
    readonly descriptors?: boolean;
}

export type NeighborSource = (s: Structure, cutoff: number) => CsrNeighbors;

export interface Buffers extends EvaluationBuffers {
    readonly g: GPUBuffer;
    readonly dedg: GPUBuffer;
}

interface EvaluationKernels {
    readonly descriptors: CompiledKernel;
    readonly network: CompiledKernel;
    readonly forces: CompiledKernel;
    readonly gather: CompiledKernel;
}

export class GpuEvaluator {
    private buffers: Buffers | undefined;
    private last: { readonly kernels: EvaluationKernels; readonly atoms: number } | undefined;
    /** Lists into the slot buffers (the layout kept while lists keep their pairs). */
    private readonly slots = new SlotUploader();
    /** The passes last bound, with the kernels and buffers they bind. */
    private boundPasses: { kernels: EvaluationKernels; buffers: Buffers; passes: Pass[] } | undefined;
    /** The four kernels per slot capacity (descriptor and force kernels are specialised to it). */
    private readonly kernelsByCapacity = new Map<number, Promise<EvaluationKernels>>();
    private readonly weights: GPUBuffer;
    private readonly speciesOf: Map<string, number>;
    private readonly maxFunctions: number;

    private constructor(
        private readonly ctx: GpuContext,
        private readonly model: ModelIR,
        private readonly params: ModelParameters,
        private readonly fixed: { network: CompiledKernel; gather: CompiledKernel },
        weights: Float32Array,
        private readonly neighbors: NeighborSource,
        private readonly subgroups: boolean,
    ) {
        this.weights = ctx.device.createBuffer({ label: 'weights', size: weights.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
        ctx.device.queue.writeBuffer(this.weights, 0, weights);
        this.speciesOf = new Map(model.elements.map((e, i) => [e.symbol, i]));
        this.maxFunctions = planDescriptors(model).maxFunctions;
    }

    /**
     * `options.subgroups`: let the neighbour kernels' lanes exchange data by subgroup shuffles (default:
     * where the device has the feature, see gpu/device.ts) or, false, through workgroup memory.
     */
    static async create(ctx: GpuContext, model: ModelIR, params: ModelParameters, neighbors: NeighborSource, options: { subgroups?: boolean } = {}): Promise<GpuEvaluator> {
        const subgroups = options.subgroups ?? ctx.device.features.has('subgroups');
        if (subgroups && !ctx.device.features.has('subgroups')) throw new Error('GpuEvaluator: the device was created without the subgroups feature');
        const plan = planDescriptors(model);
        const { consts, weights } = networkConstants(model, params);
        const cache = pipelineCache(ctx.device);
        const [network, gather] = await Promise.all([cache.get(networkKernel(model, consts, plan, subgroups, weights)), cache.get(gatherKernel())]);
        return new GpuEvaluator(ctx, model, params, { network, gather }, weights, neighbors, subgroups);
    }

    /** The kernels for a slot stride (descriptor and force kernels compiled once per capacity). */
    private kernelsFor(maxNeighbors: number): Promise<EvaluationKernels> {
        const capacity = slotCapacity(maxNeighbors);
        let kernels = this.kernelsByCapacity.get(capacity);
        if (!kernels) {
            const cache = pipelineCache(this.ctx.device);
            const plan = planDescriptors(this.model);
            kernels = Promise.all([
                cache.get(descriptorKernel(this.model, capacity, plan, this.subgroups)),
                cache.get(forceKernel(this.model, capacity, plan, this.subgroups)),
            ]).then(([descriptors, forces]) => ({ ...this.fixed, descriptors, forces }));
            this.kernelsByCapacity.set(capacity, kernels);
        }
        return kernels;
    }

    async evaluate(s: Structure, options: EvaluateOptions = {}): Promise<EnergyForces> {
        const species = s.symbols.map((sym, i) => {
            const sp = this.speciesOf.get(sym);
            if (sp === undefined) throw new Error(`element ${sym} (atom ${i}) is not in model '${this.model.name}' (elements: ${[...this.speciesOf.keys()].join(', ')})`);
            return sp;
        });
        const list = this.neighbors(s, this.model.maxCutoff);
        const sorted = this.slots.layout(list, species, this.model.elements.length);
        const { order, species: sortedSpecies } = sorted;
        const raw = await this.run(sorted, list.displacements);
        const descriptors = options.descriptors ? await this.readDescriptors(order, sortedSpecies) : undefined;
        const r = this.assemble(order.map((i) => s.symbols[i]!), s, raw);
        const atomEnergies = new Float64Array(order.length);
        const forces = new Float64Array(3 * order.length);
        order.forEach((original, k) => {
            atomEnergies[original] = r.atomEnergies[k]!;
            forces.set(r.forces.subarray(3 * k, 3 * k + 3), 3 * original);
        });
        return descriptors ? { ...r, atomEnergies, forces, descriptors } : { ...r, atomEnergies, forces };
    }

    /** Reads G and dE/dG of the last evaluation back, in the caller's atom order. */
    private async readDescriptors(order: readonly number[], species: Uint32Array): Promise<{ g: Float64Array[]; dEdG: Float64Array[] }> {
        const device = this.ctx.device;
        const b = this.buffers!;
        const bytes = 4 * this.maxFunctions * order.length;
        const g = await readBack(device, b.g, bytes);
        const d = await readBack(device, b.dedg, bytes);
        const counts = this.model.networks.map((n) => n.inputs);
        const g64: Float64Array[] = [];
        const d64: Float64Array[] = [];
        order.forEach((original, k) => {
            const m = counts[species[k]!]!;
            g64[original] = Float64Array.from(g.subarray(k * this.maxFunctions, k * this.maxFunctions + m));
            d64[original] = Float64Array.from(d.subarray(k * this.maxFunctions, k * this.maxFunctions + m));
        });
        return { g: g64, dEdG: d64 };
    }

    /**
     * Uploads a packed slot list (atoms already in the caller's device order) and returns the four
     * passes over this evaluator's buffers, for callers that keep work on the device between
     * evaluations (gpu/device-md.ts writes `pv` itself and reads forces, energies and virials).
     */
    async bind(slots: SlotList, species: Uint32Array): Promise<{ passes: Pass[]; buffers: Buffers }> {
        const kernels = await this.prepare(slots);
        uploadSlots(this.ctx.device.queue, this.buffers!, slots, species);
        this.slots.forget();
        return { passes: this.passes(kernels, this.buffers!), buffers: this.buffers! };
    }

    /** Buffers and kernels for a slot list's size. */
    private async prepare(slots: Omit<SlotList, 'pv'>): Promise<EvaluationKernels> {
        const n = slots.atoms;
        this.ensureBuffers(n, n * slots.maxNeighbors, slots.revSlots.length);
        const kernels = await this.kernelsFor(slots.maxNeighbors);
        this.last = { kernels, atoms: n };
        return kernels;
    }

    /** Uploads (the layout only where the buffers do not hold it yet), runs the four kernels in one submit and reads back E_i, F_i and W_i. */
    private async run(sorted: SortedLayout, displacements: Float64Array): Promise<Float32Array> {
        const k = await this.prepare(sorted.layout);
        const b = this.buffers!;
        this.slots.upload(this.ctx.device.queue, b, sorted, displacements);
        return runEvaluation(this.ctx.device, 'HDNNP evaluation', this.passes(k, b), sorted.layout.atoms, b);
    }

    /** The four kernels of one evaluation (descriptors, network, pair forces, gather) with their bindings (kept while kernels and buffers stay). */
    private passes(k: EvaluationKernels, b: Buffers): Pass[] {
        if (this.boundPasses?.kernels !== k || this.boundPasses.buffers !== b) this.boundPasses = { kernels: k, buffers: b, passes: this.bindPasses(k, b) };
        return this.boundPasses.passes;
    }

    private bindPasses(k: EvaluationKernels, b: Buffers): Pass[] {
        const device = this.ctx.device;
        const dims = b.dims;
        const bound: Array<[CompiledKernel, Record<string, GPUBuffer>]> = [
            [k.descriptors, { dims, pv: b.pv, nb_range: b.nbRange, species: b.species, g: b.g }],
            [k.network, { dims, species: b.species, g: b.g, weights: this.weights, energy: b.energy, dedg: b.dedg }],
            [k.forces, { dims, pv: b.pv, nb_range: b.nbRange, species: b.species, dedg: b.dedg, pf: b.pf, virial: b.virial }],
            [k.gather, { dims, pf: b.pf, counts: b.counts, rev_offsets: b.revOffsets, rev_slots: b.revSlots, forces: b.forces }],
        ];
        return bound.map(([kernel, buffers]) => ({ kernel, bindGroup: createBindGroup(device, kernel, buffers) }));
    }

    /** Each kernel of the last evaluation in a submit of its own: wall and CPU milliseconds (readback.ts). */
    async profileKernels(): Promise<Array<{ kernel: string; ms: number; cpuMs: number }>> {
        if (!this.last || !this.buffers) throw new Error('profileKernels: evaluate a structure first');
        return profilePasses(this.ctx.device, this.passes(this.last.kernels, this.buffers), this.last.atoms);
    }

    /**
     * Milliseconds the device takes for the last evaluation's kernels alone (one submit, inputs already
     * on the device, nothing read back): what an evaluation costs without the host's share.
     */
    async kernelTime(): Promise<number> {
        if (!this.last || !this.buffers) throw new Error('kernelTime: evaluate a structure first');
        const device = this.ctx.device;
        const enc = device.createCommandEncoder({ label: 'hdnnp kernels' });
        for (const pass of this.passes(this.last.kernels, this.buffers)) encodeDispatch(enc, pass.kernel, pass.bindGroup, this.last.atoms);
        const t0 = performance.now();
        device.queue.submit([enc.finish()]);
        await waitForQueue(device);
        return performance.now() - t0;
    }

    /** Energies, forces and virial from the raw readback (atoms in device order, `symbols` in that order). */
    private assemble(symbols: readonly string[], s: Structure, raw: Float32Array): EnergyForces {
        const n = symbols.length;
        const scale = energyScale(this.model, this.params);
        const atomEnergies = new Float64Array(n);
        const forces = new Float64Array(3 * n);
        const virial = new Float64Array(9);
        let sum = 0;
        for (let i = 0; i < n; i++) {
            atomEnergies[i] = raw[i]! * scale;
            sum += atomEnergies[i]!;
            for (let c = 0; c < 3; c++) forces[3 * i + c] = raw[n + 4 * i + c]!;
            for (let c = 0; c < 9; c++) virial[c]! += raw[5 * n + 9 * i + c]!;
        }
        const energy = sum + energyOffset(this.model, this.params, symbols);
        const volume = s.cell ? Math.abs(det3(s.cell)) : 0;
        const stress = s.cell && s.pbc.every(Boolean) ? virial.map((w) => w / volume) : undefined;
        return stress ? { energy, atomEnergies, forces, virial, stress } : { energy, atomEnergies, forces, virial };
    }

    private ensureBuffers(atoms: number, slots: number, rev: number): Buffers {
        if (holds(this.buffers, atoms, slots, rev)) return this.buffers;
        this.destroyBuffers();
        const device = this.ctx.device;
        const base = evaluationBuffers(device, atoms, slots, rev, this.model.elements.length + 1);
        const make = bufferMaker(device);
        this.buffers = {
            ...base,
            g: make('g', 4 * this.maxFunctions * base.capacity.atoms),
            dedg: make('dedg', 4 * this.maxFunctions * base.capacity.atoms),
        };
        return this.buffers;
    }

    private destroyBuffers(): void {
        destroyAll(this.buffers);
        this.buffers = undefined;
    }

    destroy(): void {
        this.destroyBuffers();
        this.weights.destroy();
    }
}
