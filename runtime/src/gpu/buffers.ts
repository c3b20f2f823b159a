// Buffer bookkeeping the evaluators and the MD engine share: sizes rounded to 16 bytes, capacities with
// headroom (so small changes in size do not reallocate), releasing a set of buffers at once, and the
// upload of a packed slot list.
import type { SlotList } from '../neighbors/slot-list.js';

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
    queue.writeBuffer(b.dims, 0, new Uint32Array([slots.atoms, slots.maxNeighbors, 0, 0]));
    queue.writeBuffer(b.pv, 0, slots.pv);
    queue.writeBuffer(b.nbRange, 0, slots.ranges);
    queue.writeBuffer(b.species, 0, species);
    queue.writeBuffer(b.counts, 0, slots.counts);
    queue.writeBuffer(b.revOffsets, 0, slots.revOffsets);
    if (slots.revSlots.length > 0) queue.writeBuffer(b.revSlots, 0, slots.revSlots);
}
