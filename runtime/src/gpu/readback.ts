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
    return submitAndRead(device, what, (enc) => {
        for (const pass of passes) encodeDispatch(enc, pass.kernel, pass.bindGroup, atoms);
        enc.copyBufferToBuffer(b.energy, 0, b.readback, 0, 4 * atoms);
        enc.copyBufferToBuffer(b.forces, 0, b.readback, 4 * atoms, 16 * atoms);
        enc.copyBufferToBuffer(b.virial, 0, b.readback, 20 * atoms, 36 * atoms);
    }, b.readback, 56 * atoms);
}

/**
 * Encodes work (one command encoder, inside a validation error scope: errors are reported as `what`),
 * submits it and returns the first `bytes` of `target`, a MAP_READ buffer the work copies into. The scope
 * is popped right after the submit and awaited together with the map (which completes after the submitted
 * work): one throttled wait instead of three (scope, queue, map), ~0.5 ms less per call on lavapipe.
 */
export async function submitAndRead(device: GPUDevice, what: string, encode: (enc: GPUCommandEncoder) => void, target: GPUBuffer, bytes: number): Promise<Float32Array> {
    device.pushErrorScope('validation');
    let scope: Promise<GPUError | null>;
    try {
        const enc = device.createCommandEncoder({ label: what });
        encode(enc);
        device.queue.submit([enc.finish()]);
    } finally {
        scope = device.popErrorScope(); // always popped, or scopes leak into later calls
    }
    const [validation, mapped] = await throttledAwait(Promise.allSettled([scope, target.mapAsync(GPUMapMode.READ, 0, bytes)]));
    // The validation error is the root cause when both fail.
    if (validation.status === 'fulfilled' && validation.value) throw new Error(`${what}: WebGPU validation error: ${validation.value.message}`);
    if (validation.status === 'rejected') throw validation.reason;
    if (mapped.status === 'rejected') throw mapped.reason;
    const out = new Float32Array(target.getMappedRange(0, bytes).slice(0));
    target.unmap();
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

/** Copies `bytes` of `src` to a fresh staging buffer and returns them (tests, diagnostics, training state). */
export async function readBack(device: GPUDevice, src: GPUBuffer, bytes: number): Promise<Float32Array> {
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
        return await submitAndRead(device, 'read back', (enc) => enc.copyBufferToBuffer(src, 0, staging, 0, bytes), staging, bytes);
    } finally {
        staging.destroy();
    }
}
