// Energy, forces and stress of an analytic reference potential on WebGPU: the kernels generated
// from its IR (compiler/src/kernel/potential/potential-kernels.ts) in one command encoder and one
// submit, per-atom results read back once and summed on the host in float64. The neighbour list,
// slot packing (displacements rounded once from float64) and the force gather are the HDNNP path's.
// One-body terms (Müller–Brown) run on the device too, from the positions rounded to float32.
// Same input → bit-identical output: every sum runs in a fixed order, no float atomics.
import type { PotentialIR } from '../../../compiler/src/ir/model-ir.js';
import {
    gatherKernel, hasOneBodyTerms, oneBodyKernel, potentialCutoff, potentialSpecies, termsKernel,
} from '../../../compiler/src/kernel/potential/potential-kernels.js';
import { det3 } from '../math/mat3.js';
import { withinRadius, type CsrNeighbors, type SlotList, type SortedLayout } from '../neighbors/slot-list.js';
import type { Structure } from '../structure.js';
import { waitForQueue, type GpuContext } from './device.js';
import type { EnergyForces, NeighborSource } from './hdnnp-evaluator.js';
import { createBindGroup, encodeDispatch, pipelineCache, type CompiledKernel } from './kernel.js';
import { bufferMaker, destroyAll, evaluationBuffers, holds, SlotUploader, uploadSlots, type EvaluationBuffers } from './buffers.js';
import { runEvaluation, type Pass } from './readback.js';

interface Buffers extends EvaluationBuffers {
    readonly positions: GPUBuffer;
}

interface PotentialKernels {
    readonly terms: CompiledKernel;
    readonly gather: CompiledKernel;
    readonly oneBody: CompiledKernel | undefined;
}

export class GpuPotentialEvaluator {
    private buffers: Buffers | undefined;
    private lastAtoms = 0;
    /** Lists into the slot buffers (the layout kept while lists keep their pairs). */
    private readonly slots = new SlotUploader();
    private readonly speciesOf: Map<string, number>;
    /** Species index of elements the potential does not name (no term acts on them). */
    private readonly other: number;
    private readonly cutoff: number;

    private constructor(
        private readonly ctx: GpuContext,
        private readonly potential: PotentialIR,
        private readonly kernels: PotentialKernels,
        private readonly neighbors: NeighborSource,
    ) {
        const species = potentialSpecies(potential);
        this.speciesOf = new Map(species.map((e, i) => [e, i]));
        this.other = species.length;
        this.cutoff = potentialCutoff(potential);
    }

    /**
     * Compiles the potential's kernels (once per device and potential). `neighbors` is asked for the
     * pairs within the largest cutoff of the terms (a skin list may return more); it is never called
     * for a potential of one-body terms only.
     */
    static async create(ctx: GpuContext, potential: PotentialIR, neighbors: NeighborSource): Promise<GpuPotentialEvaluator> {
        const cache = pipelineCache(ctx.device);
        const [terms, gather, oneBody] = await Promise.all([
            cache.get(termsKernel(potential)),
            cache.get(gatherKernel()),
            hasOneBodyTerms(potential) ? cache.get(oneBodyKernel(potential)) : Promise.resolve(undefined),
        ]);
        return new GpuPotentialEvaluator(ctx, potential, { terms, gather, oneBody }, neighbors);
    }

    /** Species index of each element symbol as the kernels number them (unnamed elements: one more). */
    speciesIndex(symbol: string): number {
        return this.speciesOf.get(symbol) ?? this.other;
    }

    get speciesCount(): number {
        return this.other + 1;
    }

    /** Whether device-resident MD can drive it: the one-body kernel reads positions it would not update. */
    get bindable(): boolean {
        return !this.kernels.oneBody;
    }

    /**
     * Uploads a packed slot list (atoms in the caller's device order) and returns the passes over this
     * evaluator's buffers, for gpu/device-md.ts (which writes `pv` itself).
     */
    async bind(slots: SlotList, species: Uint32Array): Promise<{ passes: Pass[]; buffers: Buffers }> {
        if (this.kernels.oneBody) throw new Error(`potential '${this.potential.name}' has one-body terms, which device-resident MD does not drive`);
        const b = this.ensureBuffers(slots.atoms, slots.atoms * slots.maxNeighbors, slots.revSlots.length);
        uploadSlots(this.ctx.device.queue, b, slots, species);
        this.slots.forget();
        this.lastAtoms = slots.atoms;
        return { passes: this.passes(b), buffers: b };
    }

    /** The radius of the neighbour list it asks for (Å); 0 for one-body terms only. */
    get neighborCutoff(): number {
        return this.cutoff;
    }

    async evaluate(s: Structure): Promise<EnergyForces> {
        const n = s.symbols.length;
        const species = s.symbols.map((sym) => this.speciesOf.get(sym) ?? this.other);
        // pairs beyond the largest cutoff act on nothing: left out where a source hands more (the list
        // itself where it holds none, as cell and skin lists do)
        const list: CsrNeighbors = this.cutoff > 0
            ? withinRadius(this.neighbors(s, this.cutoff), this.cutoff)
            : { offsets: new Uint32Array(n + 1), neighbors: new Uint32Array(0), displacements: new Float64Array(0) };
        const sorted = this.slots.layout(list, species, this.other + 1);
        const order = sorted.order;
        let positions: Float32Array | undefined; // (N, 4), for one-body terms only
        if (this.kernels.oneBody) {
            const p = (positions = new Float32Array(4 * n));
            order.forEach((original, k) => {
                for (let c = 0; c < 3; c++) p[4 * k + c] = s.positions[3 * original + c]!;
            });
        }
        const raw = await this.run(sorted, list.displacements, positions);
        const atomEnergies = new Float64Array(n);
        const forces = new Float64Array(3 * n);
        const virial = new Float64Array(9);
        let energy = 0;
        order.forEach((original, k) => {
            atomEnergies[original] = raw[k]!;
            for (let c = 0; c < 3; c++) forces[3 * original + c] = raw[n + 4 * k + c]!;
        });
        for (let k = 0; k < n; k++) {
            energy += raw[k]!; // float64 sum in the sorted (fixed) order
            for (let c = 0; c < 9; c++) virial[c]! += raw[5 * n + 9 * k + c]!;
        }
        const stress = s.cell && s.pbc.every(Boolean) ? virial.map((w) => w / Math.abs(det3(s.cell!))) : undefined;
        return stress ? { energy, atomEnergies, forces, virial, stress } : { energy, atomEnergies, forces, virial };
    }

    /** Uploads (the layout only where the buffers do not hold it yet), runs the kernels in one submit and reads back E_i, F_i and W_i. */
    private async run(sorted: SortedLayout, displacements: Float64Array, positions: Float32Array | undefined): Promise<Float32Array> {
        const { layout } = sorted;
        const n = layout.atoms;
        const b = this.ensureBuffers(n, n * layout.maxNeighbors, layout.revSlots.length);
        this.slots.upload(this.ctx.device.queue, b, sorted, displacements);
        if (positions) this.ctx.device.queue.writeBuffer(b.positions, 0, positions);
        this.lastAtoms = n;
        return runEvaluation(this.ctx.device, `potential '${this.potential.name}' evaluation`, this.passes(b), n, b);
    }

    /** The kernels of one evaluation (terms, gather, one-body terms if any) with their bindings. */
    private passes(b: Buffers): Pass[] {
        const device = this.ctx.device;
        const { terms, gather, oneBody } = this.kernels;
        const dims = b.dims;
        const bound: Array<[CompiledKernel, Record<string, GPUBuffer>]> = [
            [terms, { dims, pv: b.pv, nb_range: b.nbRange, species: b.species, energy: b.energy, pf: b.pf, virial: b.virial }],
            [gather, { dims, pf: b.pf, counts: b.counts, rev_offsets: b.revOffsets, rev_slots: b.revSlots, forces: b.forces }],
        ];
        if (oneBody) bound.push([oneBody, { dims, positions: b.positions, species: b.species, energy: b.energy, forces: b.forces, virial: b.virial }]);
        return bound.map(([kernel, buffers]) => ({ kernel, bindGroup: createBindGroup(device, kernel, buffers) }));
    }

    /**
     * Milliseconds the device takes for the last evaluation's kernels alone (one submit, inputs already
     * on the device, nothing read back): what an evaluation costs without the host's share.
     */
    async kernelTime(): Promise<number> {
        if (!this.buffers || this.lastAtoms === 0) throw new Error('kernelTime: evaluate a structure first');
        const device = this.ctx.device;
        const enc = device.createCommandEncoder({ label: 'potential kernels' });
        for (const pass of this.passes(this.buffers)) encodeDispatch(enc, pass.kernel, pass.bindGroup, this.lastAtoms);
        const t0 = performance.now();
        device.queue.submit([enc.finish()]);
        await waitForQueue(device);
        return performance.now() - t0;
    }

    private ensureBuffers(atoms: number, slots: number, rev: number): Buffers {
        if (holds(this.buffers, atoms, slots, rev)) return this.buffers;
        this.destroyBuffers();
        const device = this.ctx.device;
        const base = evaluationBuffers(device, atoms, slots, rev, this.other + 2 /* ranges per atom: S + 1 species, + the count */);
        const make = bufferMaker(device);
        this.buffers = {
            ...base,
            positions: make('positions', this.kernels.oneBody ? 16 * base.capacity.atoms : 16),
        };
        return this.buffers;
    }

    private destroyBuffers(): void {
        destroyAll(this.buffers);
        this.buffers = undefined;
    }

    destroy(): void {
        this.destroyBuffers();
    }
}
