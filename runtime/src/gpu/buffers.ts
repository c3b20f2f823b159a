// Buffer bookkeeping the evaluators and the MD engine share: sizes rounded to 16 bytes, capacities with
// headroom (so small changes in size do not reallocate), and releasing a set of buffers at once.

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
