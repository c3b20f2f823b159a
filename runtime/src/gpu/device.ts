// Acquiring and releasing a WebGPU device through Dawn for Node (npm `webgpu`).
// Facts behind the choices here: shared/design/WEBGPU-NOTES.md and TOOLCHAIN.md.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, globals } from 'webgpu';

export class GpuUnavailableError extends Error {
    constructor(detail?: string) {
        super(
            'No WebGPU adapter was found' +
                (detail ? ` (${detail})` : '') +
                '. nnp needs a Vulkan driver; on a machine without a GPU that is Mesa\'s CPU driver lavapipe (Mesa >= 25). ' +
                'On Debian 12, install it as root with: bash scripts/install-webgpu-driver.sh ' +
                '(adds bookworm-backports and installs libvulkan1 and mesa-vulkan-drivers >= 25).',
        );
        this.name = 'GpuUnavailableError';
    }
}

export interface GpuAdapterSummary {
    readonly vendor: string;
    readonly architecture: string;
    readonly device: string;
    readonly description: string;
    /** True on a software rasteriser (llvmpipe/lavapipe): expect CPU speeds. */
    readonly isCpuFallback: boolean;
}

export interface GpuContext {
    readonly device: GPUDevice;
    readonly adapterInfo: GpuAdapterSummary;
    /** Waits for submitted work, then destroys the device. Idempotent. */
    destroy(): Promise<void>;
}

// The object create() returns must stay referenced while any device made from it lives, or
// dawn.node crashes when it is collected (pitfall 1). It is dropped again when the last context
// is destroyed, so that nothing of ours keeps the process alive.
let gpuInstance: GPU | undefined;
let liveContexts = 0;

// Limits worth more than the defaults (pitfall 5): defaults are 256 invocations, 8 storage buffers,
// 16 KiB workgroup memory, 256 MiB buffers.
const REQUESTED_LIMITS = [
    'maxStorageBuffersPerShaderStage',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupStorageSize',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupSizeX',
] as const;

export async function acquireGpu(): Promise<GpuContext> {
    // Mesa warns on stderr when XDG_RUNTIME_DIR is unset; any writable directory will do. A fixed
    // per-user path, so that repeated runs do not leave a new temp directory each.
    if (!process.env.XDG_RUNTIME_DIR) {
        const dir = join(tmpdir(), `nnp-xdg-${process.getuid?.() ?? 'user'}`);
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        process.env.XDG_RUNTIME_DIR = dir;
    }
    Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, ... as in a browser
    gpuInstance ??= create([]);

    let device: GPUDevice;
    let adapterInfo: GpuAdapterSummary;
    try {
        const adapter = await gpuInstance.requestAdapter({ powerPreference: 'high-performance' });
        if (!adapter) throw new GpuUnavailableError('requestAdapter() returned null');
        const requiredLimits: Record<string, number> = {};
        for (const name of REQUESTED_LIMITS) requiredLimits[name] = adapter.limits[name];
        // Subgroup shuffles carry neighbour data between the lanes of the HDNNP kernels
        // (compiler/src/kernel/hdnnp); they need subgroups of at least LANES = 8 invocations.
        const subgroups = adapter.features.has('subgroups') && (adapter.info.subgroupMinSize ?? 0) >= 8;
        device = await adapter.requestDevice({ label: 'nnp', requiredLimits, requiredFeatures: subgroups ? ['subgroups'] : [] });
        adapterInfo = summarize(adapter.info);
    } catch (error) {
        if (liveContexts === 0) gpuInstance = undefined;
        throw error;
    }
    liveContexts++;

    let destroyed = false;
    return {
        device,
        adapterInfo,
        async destroy() {
            if (destroyed) return;
            destroyed = true;
            // Destroying with work in flight aborted, segfaulted or hung the process (pitfall 3).
            await device.queue.onSubmittedWorkDone();
            device.destroy();
            if (--liveContexts === 0) gpuInstance = undefined;
        },
    };
}

function summarize(info: GPUAdapterInfo): GpuAdapterSummary {
    const { vendor, architecture, device, description } = info;
    const text = `${vendor} ${architecture} ${device} ${description}`.toLowerCase();
    return { vendor, architecture, device, description, isCpuFallback: /llvmpipe|lavapipe|swiftshader/.test(text) };
}

/** One-line adapter description for logs and reports. */
export function describeAdapter(info: GpuAdapterSummary): string {
    return info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || 'unknown adapter';
}

// Awaiting onSubmittedWorkDone/mapAsync plainly makes dawn.node poll on Node's main thread
// without pause, taking a core from lavapipe's workers (pitfall 2). Spinning for the first 0.3 ms
// keeps tiny dispatches as fast as a plain await; after that the main thread sleeps in growing
// slices (0.05 ms x1.5 up to 1 ms; Linux timer slack makes shorter sleeps pointless), yielding to
// the event loop between slices so Dawn can deliver the completion. Measured on lavapipe, 2 cores:
// 6, 49 and ~480 ms kernels 1.4-1.7x faster end to end than a plain await; the 4096-distance
// smoke kernel (~0.26 ms round trip) unchanged; kernels of 0.3-1 ms pay up to ~0.1 ms.
// A fixed 1 ms slice made tiny dispatches ~6x slower, hence the spin and the growth.
const SPIN_MS = 0.3;
const FIRST_SLICE_MS = 0.05;
const MAX_SLICE_MS = 1;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Resolves when all work submitted to `device` has finished, without starving the driver. */
export function waitForQueue(device: GPUDevice): Promise<void> {
    return throttledAwait(device.queue.onSubmittedWorkDone());
}

/** Awaits a promise that Dawn resolves (onSubmittedWorkDone, mapAsync) with the throttled wait. */
export async function throttledAwait<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = promise.finally(() => {
        settled = true;
    });
    tracked.catch(() => {}); // rejection is delivered by the final await below
    const start = performance.now();
    let slice = FIRST_SLICE_MS;
    await nextTick();
    while (!settled) {
        if (performance.now() - start > SPIN_MS) {
            Atomics.wait(sleepCell, 0, 0, slice); // nobody notifies: this is a plain sleep
            slice = Math.min(MAX_SLICE_MS, slice * 1.5);
        }
        await nextTick();
    }
    return tracked;
}

function nextTick(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}
