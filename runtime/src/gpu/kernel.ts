// Run-time half of a compute kernel: labelled pipelines with explicit layouts, cached per device,
// and dispatches checked for validation errors. WGSL text comes from compiler/src/kernel.
import {
    generateKernel,
    kernelCacheKey,
    type BindingDecl,
    type BindingKind,
    type KernelDefinition,
    type KernelParams,
} from '../../../compiler/src/kernel/wgsl-builder.js';
import { throttledAwait } from './device.js';

export interface CompiledKernel {
    readonly name: string;
    readonly cacheKey: string;
    readonly label: string;
    readonly wgsl: string;
    readonly bindings: readonly BindingDecl[];
    readonly workgroupSize: number;
    /** Items (atoms) per workgroup: see KernelDefinition. */
    readonly itemsPerWorkgroup: number;
    readonly layout: GPUBindGroupLayout;
    readonly pipeline: GPUComputePipeline;
}

/**
  * Pipelines of one device, keyed by kernel name + compile-time parameters. Pipelines are never
  * evicted: each one costs ~110 KiB that Dawn does not give back (pitfall 6), so make each once.
  */
export class PipelineCache {
    private readonly entries = new Map<string, Promise<CompiledKernel>>();

    constructor(private readonly device: GPUDevice) {}

    get size(): number {
        return this.entries.size;
    }

    /** The compiled kernel for `def`; generates and compiles WGSL only on a miss. */
    get<P extends KernelParams>(def: KernelDefinition<P>): Promise<CompiledKernel> {
        const key = kernelCacheKey(def);
        let entry = this.entries.get(key);
        if (!entry) {
            entry = compileKernel(this.device, def);
            // A failed compilation is not cached: the caller sees the error, a retry recompiles.
            entry.catch(() => this.entries.delete(key));
            this.entries.set(key, entry);
        }
        return entry;
    }
}

const caches = new WeakMap<GPUDevice, PipelineCache>();

/** The pipeline cache of a device (one per device, created on first use). */
export function pipelineCache(device: GPUDevice): PipelineCache {
    let cache = caches.get(device);
    if (!cache) caches.set(device, (cache = new PipelineCache(device)));
    return cache;
}

async function compileKernel<P extends KernelParams>(device: GPUDevice, def: KernelDefinition<P>): Promise<CompiledKernel> {
    const generated = generateKernel(def);
    const label = generated.name;
    const printWgsl = process.env.NNP_PRINT_WGSL === '1';
    if (printWgsl) process.stderr.write(`// ---- ${label} [${generated.cacheKey}]\n${generated.wgsl}\n`);

    // WGSL errors surface as validation errors of createShaderModule, with line, column and source.
    const hint = printWgsl ? '' : '\n(set NNP_PRINT_WGSL=1 to print the generated WGSL)';
    return withValidation(device, `${label}: pipeline creation`, () => {
        const module = device.createShaderModule({ label, code: generated.wgsl });
        // Explicit layout: 'auto' silently drops bindings the shader does not use (pitfall 4).
        const layout = device.createBindGroupLayout({
            label,
            entries: generated.bindings.map((b) => ({
                binding: b.index,
                visibility: GPUShaderStage.COMPUTE,
                buffer: { type: bufferType(b.kind) },
            })),
        });
        const pipeline = device.createComputePipeline({
            label,
            layout: device.createPipelineLayout({ label, bindGroupLayouts: [layout] }),
            compute: { module, entryPoint: generated.entryPoint },
        });
        const { name, cacheKey, wgsl, bindings, workgroupSize, itemsPerWorkgroup } = generated;
        return { name, cacheKey, label, wgsl, bindings, workgroupSize, itemsPerWorkgroup, layout, pipeline };
    }).catch((error: unknown) => {
        throw error instanceof Error ? new Error(error.message + hint, { cause: error }) : error;
    });
}

function bufferType(kind: BindingKind): GPUBufferBindingType {
    return kind; // BindingKind spells the layout types on purpose
}

/** A bind group from buffers named as the kernel declared them; every binding must be given. */
export function createBindGroup(device: GPUDevice, kernel: CompiledKernel, buffers: Readonly<Record<string, GPUBuffer>>): GPUBindGroup {
    const unknown = Object.keys(buffers).filter((n) => !kernel.bindings.some((b) => b.name === n));
    if (unknown.length > 0) throw new Error(`${kernel.label}: no binding named ${unknown.join(', ')}`);
    return device.createBindGroup({
        label: kernel.label,
        layout: kernel.layout,
        entries: kernel.bindings.map((b) => {
            const buffer = buffers[b.name];
            if (!buffer) throw new Error(`${kernel.label}: buffer for binding '${b.name}' missing`);
            return { binding: b.index, resource: { buffer } };
        }),
    });
}

/** WebGPU's default limit on workgroups per dispatch dimension. */
const MAX_GROUPS_PER_DIMENSION = 65535;

/**
 * Records one compute pass running `kernel` over `items` (atoms): one invocation each, or one
 * workgroup each for kernels with itemsPerWorkgroup 1, whose entry points read the workgroup index
 * as x + y · num_workgroups.x, so that more than 65 535 atoms spill into y.
 */
export function encodeDispatch(encoder: GPUCommandEncoder, kernel: CompiledKernel, bindGroup: GPUBindGroup, items: number): void {
    const pass = encoder.beginComputePass({ label: kernel.label });
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, bindGroup);
    const groups = Math.ceil(items / kernel.itemsPerWorkgroup);
    if (kernel.itemsPerWorkgroup === 1 && groups > MAX_GROUPS_PER_DIMENSION) {
        pass.dispatchWorkgroups(MAX_GROUPS_PER_DIMENSION, Math.ceil(groups / MAX_GROUPS_PER_DIMENSION));
    } else {
        pass.dispatchWorkgroups(groups);
    }
    pass.end();
}

/**
  * Runs `fn` inside a validation error scope and throws the first validation error, prefixed with
  * `what` (the kernel label). Validation errors are otherwise silent and asynchronous (pitfall 4).
  */
export async function withValidation<T>(device: GPUDevice, what: string, fn: () => T | Promise<T>): Promise<T> {
    device.pushErrorScope('validation');
    const outcome = await Promise.resolve()
        .then(fn)
        .then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
    // always pop, or scopes leak into later calls; the throttled wait: a plain await of a Dawn promise
    // polls on the main thread and takes a core from lavapipe's workers just as the submitted work starts
    const validation = await throttledAwait(device.popErrorScope());
    // The validation error is the root cause when both happen (e.g. a stale-data check failing).
    if (validation) throw new Error(`${what}: WebGPU validation error: ${validation.message}`);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
}
