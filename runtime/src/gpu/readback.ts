// Reading results back from the device: map a MAP_READ buffer and copy the floats out.
import { throttledAwait, waitForQueue } from './device.js';
import { encodeDispatch, type CompiledKernel } from './kernel.js';
import type { EvaluationBuffers } from './buffers.js';

/** A kernel with its bind group, dispatched over the atoms. */
export interface Pass {
    readonly kernel: CompiledKernel;
    readonly bindGroup: GPUBindGroup;
}

/**
 * One evaluation: the passes over `atoms` in one command encoder and one submit (checked for
 * validation errors as `what`), then E_i (N), F_i (N·4) and W_i (N·9) read back in that layout.
 * With NNP_PROFILE_KERNELS set, each pass is first timed on its own (stderr).
 */
export async function runEvaluation(device: GPUDevice, what: string, passes: readonly Pass[], atoms: number, b: EvaluationBuffers): Promise<Float32Array> {
    if (process.env['NNP_PROFILE_KERNELS']) {
        for (const p of await profilePasses(device, passes, atoms)) process.stderr.write(`${p.kernel}: ${p.ms.toFixed(2)} ms (${p.cpuMs.toFixed(2)} ms CPU)\n`);
    }
    // The error scope is popped right after the submit and awaited together with the readback's map
    // (which completes after the submitted work): one wait instead of three (scope, queue, map),
    // ~0.5 ms less per evaluation on lavapipe.
    device.pushErrorScope('validation');
    let scope: Promise<GPUError | null>;
    try {
        const enc = device.createCommandEncoder({ label: what });
        for (const pass of passes) encodeDispatch(enc, pass.kernel, pass.bindGroup, atoms);
        enc.copyBufferToBuffer(b.energy, 0, b.readback, 0, 4 * atoms);
        enc.copyBufferToBuffer(b.forces, 0, b.readback, 4 * atoms, 16 * atoms);
        enc.copyBufferToBuffer(b.virial, 0, b.readback, 20 * atoms, 36 * atoms);
        device.queue.submit([enc.finish()]);
    } finally {
        scope = device.popErrorScope();
    }
    const bytes = 56 * atoms;
    const [validation, mapped] = await throttledAwait(Promise.allSettled([scope, b.readback.mapAsync(GPUMapMode.READ, 0, bytes)]));
    // The validation error is the root cause when both fail.
    if (validation.status === 'fulfilled' && validation.value) throw new Error(`${what}: WebGPU validation error: ${validation.value.message}`);
    if (validation.status === 'rejected') throw validation.reason;
    if (mapped.status === 'rejected') throw mapped.reason;
    const out = new Float32Array(b.readback.getMappedRange(0, bytes).slice(0));
    b.readback.unmap();
    return out;
}

/**
 * Each pass in a submit of its own: wall milliseconds and the CPU milliseconds of this process
 * meanwhile (on a CPU driver such as lavapipe, the kernel's own cost, less sensitive to other load
 * than the wall time).
 */
export async function profilePasses(device: GPUDevice, passes: readonly Pass[], atoms: number): Promise<Array<{ kernel: string; ms: number; cpuMs: number }>> {
    const out: Array<{ kernel: string; ms: number; cpuMs: number }> = [];
    for (const pass of passes) {
        const enc = device.createCommandEncoder();
        encodeDispatch(enc, pass.kernel, pass.bindGroup, atoms);
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        device.queue.submit([enc.finish()]);
        await waitForQueue(device);
        const c = process.cpuUsage(c0);
        out.push({ kernel: pass.kernel.label, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 });
    }
    return out;
}

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
