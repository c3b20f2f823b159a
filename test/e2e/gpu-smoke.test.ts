import { describe, expect, it } from 'vitest';
import type { KernelDefinition } from '../../compiler/src/kernel/wgsl-builder.js';
import { acquireGpu } from '../../runtime/src/gpu/device.js';
import { createBindGroup, pipelineCache, withValidation } from '../../runtime/src/gpu/kernel.js';
import { runSmokeTest } from '../../runtime/src/gpu/smoke.js';

// No skip without a GPU: CI installs lavapipe, and a missing adapter must fail with
// GpuUnavailableError's message (how to install one), not pass silently. The context is acquired
// inside each test so that a missing adapter fails the test instead of skipping it.
describe('WebGPU smoke test', () => {
    it('evaluates the cosine cutoff within 1e-6 of float64, bit-identically twice', async () => {
        const ctx = await acquireGpu();
        try {
            const first = await runSmokeTest(ctx);
            const second = await runSmokeTest(ctx);
            console.log(
                `gpu-smoke: ${first.adapter} (cpu fallback: ${first.isCpuFallback}), n=${first.n}, ` +
                    `max abs error ${first.maxAbsError.toExponential(2)}, ` +
                    `first ${first.ms.toFixed(2)} ms, repeat ${second.ms.toFixed(2)} ms`,
            );
            expect(first.n).toBe(4096);
            expect(first.maxAbsError).toBeLessThan(1e-6);
            expect(second.outputDigest).toBe(first.outputDigest);
            expect(pipelineCache(ctx.device).size).toBe(1); // the second run reused the pipeline
        } finally {
            await ctx.destroy();
        }
    });

    it('reports WGSL and validation errors with the kernel label', async () => {
        const ctx = await acquireGpu();
        try {
            const broken: KernelDefinition<{ n: number }> = {
                name: 'BrokenKernel',
                params: { n: 1 },
                workgroupSize: 64,
                shaderBody: () => '@compute @workgroup_size(64) fn main() { let x: f32 = undefined_name; }',
            };
            await expect(pipelineCache(ctx.device).get(broken)).rejects.toThrow(
                /^BrokenKernel: pipeline creation: WebGPU validation error: [^]*unresolved value 'undefined_name'[^]*NNP_PRINT_WGSL=1/,
            );

            const fine: KernelDefinition<{ n: number }> = {
                name: 'Fill',
                params: { n: 1 },
                workgroupSize: 64,
                shaderBody: (b, _p, wg) => {
                    const x = b.storage('x', 'array<f32>', 'read_write');
                    return `@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) g: vec3<u32>) { ${x}[g.x] = 1.0; }`;
                },
            };
            const kernel = await pipelineCache(ctx.device).get(fine);
            // A buffer without STORAGE usage cannot be bound as storage: a validation error.
            const wrongUsage = ctx.device.createBuffer({ size: 256, usage: GPUBufferUsage.COPY_DST });
            await expect(
                withValidation(ctx.device, 'Fill: dispatch', () => createBindGroup(ctx.device, kernel, { x: wrongUsage })),
            ).rejects.toThrow(/^Fill: dispatch: WebGPU validation error: .*doesn.t match expected usage/);
            wrongUsage.destroy();
        } finally {
            await ctx.destroy();
        }
    });
});
