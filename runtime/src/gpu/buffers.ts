// Buffer bookkeeping the evaluators and the MD engine share: sizes rounded to 16 bytes, capacities with
// headroom (so small changes in size do not reallocate), releasing a set of buffers at once, and the
// upload of a packed slot list.
import { slotVectors, SortedLayoutCache, type CsrNeighbors, type SlotList, type SortedLayout } from '../neighbors/slot-list.js';

/** A storage buffer (copyable both ways) unless `usage` says otherwise; at least 16 bytes, a multiple of 16. */
export function bufferMaker(device: GPUDevice): (label: string, bytes: number, usage?: number) => GPUBuffer {
    return (label, bytes, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC) =>
        device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
}

/** Capacity growth: 25 % headroom. */
export function grow(n: number): number {
    return Math.ceil(n * 1.25) + 16;
}

/** Destroys every GPUBuffer among the values of `set` (other values, such as capacities, are skipped). */
export function destroyAll(set: object | undefined): void {
    if (!set) return;
    for (const value of Object.values(set)) if (value instanceof GPUBuffer) value.destroy();
}

/** The slot-list buffers every per-atom kernel over neighbour slots reads. */
export interface SlotBuffers {
    readonly dims: GPUBuffer;
    readonly pv: GPUBuffer;
    readonly nbRange: GPUBuffer;
    readonly species: GPUBuffer;
    readonly counts: GPUBuffer;
    readonly revOffsets: GPUBuffer;
    readonly revSlots: GPUBuffer;
}

/** Writes a packed slot list (and the species of its atoms) into the buffers. */
export function uploadSlots(queue: GPUQueue, b: SlotBuffers, slots: SlotList, species: Uint32Array): void {
    uploadLayout(queue, b, slots, species);
    if (slots.pv.length > 0) queue.writeBuffer(b.pv, 0, slots.pv); // empty: the pair vectors come from a kernel (device MD)
}

/** Writes everything of a slot list but its pair vectors (`pv`), and the species of its atoms. */
export function uploadLayout(queue: GPUQueue, b: SlotBuffers, slots: Omit<SlotList, 'pv'>, species: Uint32Array): void {
    queue.writeBuffer(b.dims, 0, new Uint32Array([slots.atoms, slots.maxNeighbors, 0, 0]));
    queue.writeBuffer(b.nbRange, 0, slots.ranges);
    queue.writeBuffer(b.species, 0, species);
    queue.writeBuffer(b.counts, 0, slots.counts);
    queue.writeBuffer(b.revOffsets, 0, slots.revOffsets);
    if (slots.revSlots.length > 0) queue.writeBuffer(b.revSlots, 0, slots.revSlots);
}

/**
 * Neighbour lists into slot buffers, for an evaluator called again and again: the sort and slot
 * layout are kept while the lists keep their pairs (SortedLayoutCache: a list reused as is, e.g.
 * a fixed configuration's list) and uploaded only where the buffers do not hold them yet; the pair
 * vectors are packed (into a reused array) and uploaded every time.
 */
export class SlotUploader {
    private readonly layouts = new SortedLayoutCache();
    private pv: Float32Array | undefined;
    /** The buffers and the layout they hold. */
    private held: { buffers: SlotBuffers; layout: SortedLayout['layout'] } | undefined;

    /** The sorted layout of `list` (atoms in kernel order; see slot-list.ts). */
    layout(list: CsrNeighbors, species: ArrayLike<number>, speciesCount: number): SortedLayout {
        return this.layouts.get(list, species, speciesCount);
    }

    /** Writes `sorted` (where `b` does not hold it yet) and the pair vectors of `displacements` into `b`. */
    upload(queue: GPUQueue, b: SlotBuffers, sorted: SortedLayout, displacements: Float64Array): void {
        if (this.held?.buffers !== b || this.held.layout !== sorted.layout) {
            uploadLayout(queue, b, sorted.layout, sorted.species);
            this.held = { buffers: b, layout: sorted.layout };
        }
        this.pv = slotVectors(sorted.layout, displacements, this.pv);
        queue.writeBuffer(b.pv, 0, this.pv);
    }

    /** Something else wrote the buffers' slot list (device-resident MD binds its own). */
    forget(): void {
        this.held = undefined;
    }
}

/**
 * The buffers of one evaluation over a slot list (atoms N, slots N·M, reverse entries R, `ranges`
 * per-atom species ranges): the slot list, per-atom energies, pair forces, virials, forces, and a readback
 * of energy (N) + forces (N·4) + virial (N·9) floats. Capacities have headroom (`grow`).
 */
export interface EvaluationBuffers extends SlotBuffers {
    readonly capacity: { readonly atoms: number; readonly slots: number; readonly rev: number };
    readonly energy: GPUBuffer;
    readonly pf: GPUBuffer;
    readonly virial: GPUBuffer;
    readonly forces: GPUBuffer;
    readonly readback: GPUBuffer;
}

export function evaluationBuffers(device: GPUDevice, atoms: number, slots: number, rev: number, ranges: number): EvaluationBuffers {
    const cap = { atoms: grow(atoms), slots: grow(slots), rev: grow(Math.max(1, rev)) };
    const make = bufferMaker(device);
    return {
        capacity: cap,
        dims: make('dims', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
        pv: make('pv', 16 * cap.slots),
        nbRange: make('nb_range', 4 * ranges * cap.atoms),
        species: make('species', 4 * cap.atoms),
        counts: make('counts', 4 * cap.atoms),
        revOffsets: make('rev_offsets', 4 * (cap.atoms + 1)),
        revSlots: make('rev_slots', 4 * cap.rev),
        energy: make('energy', 4 * cap.atoms),
        pf: make('pf', 16 * cap.slots),
        virial: make('virial', 36 * cap.atoms),
        forces: make('forces', 16 * cap.atoms),
        readback: make('readback', 56 * cap.atoms, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
    };
}

/** Whether buffers made for a capacity hold this many atoms, slots and reverse entries. */
export function holds(b: EvaluationBuffers | undefined, atoms: number, slots: number, rev: number): b is EvaluationBuffers {
    return !!b && b.capacity.atoms >= atoms && b.capacity.slots >= slots && b.capacity.rev >= rev;
}
