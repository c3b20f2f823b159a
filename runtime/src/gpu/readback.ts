// Reading results back from the device: map a MAP_READ buffer and copy the floats out.
import { waitForQueue } from './device.js';

/** Maps a MAP_READ buffer whose copy has completed and returns its first `bytes` as float32. */
export async function mapFloats(buffer: GPUBuffer, bytes: number): Promise<Float32Array> {
    await buffer.mapAsync(GPUMapMode.READ, 0, bytes);
    const out = new Float32Array(buffer.getMappedRange(0, bytes).slice(0));
    buffer.unmap();
    return out;
}

/** Copies `bytes` of `src` to a fresh staging buffer in its own submit and returns them (tests, diagnostics). */
export async function readBack(device: GPUDevice, src: GPUBuffer, bytes: number): Promise<Float32Array> {
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
        const enc = device.createCommandEncoder();
        enc.copyBufferToBuffer(src, 0, staging, 0, bytes);
        device.queue.submit([enc.finish()]);
        await waitForQueue(device);
        return await mapFloats(staging, bytes);
    } finally {
        staging.destroy();
    }
}
