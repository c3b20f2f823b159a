// Minimum descriptor-space distances on the GPU (compiler/src/kernel/uncertainty/min-distance-kernel.ts):
// the same result as uncertainty/descriptor-distance.ts minimumDistances (the float64 reference) to
// ~1e-6 relative, for query sets of any size against training sets of any size. The reference set goes
// to the device one tile at a time (a write and a dispatch per tile), and the queries in chunks, so
// device memory stays bounded by (chunk + tile) × dim × 8 bytes.
import { minDistanceKernel } from '../../../compiler/src/kernel/uncertainty/min-distance-kernel.js';
import type { NearestOptions, NearestResult, VectorSet } from '../uncertainty/descriptor-distance.js';
import { DEFAULT_TILE } from '../uncertainty/descriptor-distance.js';
import { bufferMaker, destroyAll } from './buffers.js';
import type { GpuContext } from './device.js';
import { createBindGroup, encodeDispatch, pipelineCache, withValidation } from './kernel.js';
import { readBack } from './readback.js';

/** Queries per chunk: bounded device memory for the query side too. */
const QUERY_CHUNK = 65536;

/** hi = f32(x), lo = f32(x − hi): x = hi + lo to ~1e-14 relative. */
function split(data: Float64Array, from: number, to: number): { hi: Float32Array; lo: Float32Array } {
    const hi = Float32Array.from(data.subarray(from, to));
    const lo = new Float32Array(hi.length);
    for (let k = 0; k < hi.length; k++) lo[k] = data[from + k]! - hi[k]!;
    return { hi, lo };
}

/** `queryChunk`: queries per device pass (default 65 536; tests lower it to exercise the chunking). */
export async function gpuMinimumDistances(ctx: GpuContext, queries: VectorSet, reference: VectorSet, options: NearestOptions & { readonly queryChunk?: number } = {}): Promise<NearestResult> {
    const p = queries.dim;
    if (reference.dim !== p && reference.count > 0) throw new RangeError(`queries have ${p} components, reference vectors ${reference.dim}`);
    const loo = options.leaveOneOut === true;
    if (loo && queries.count !== reference.count) throw new RangeError('leave-one-out needs the queries to be the reference set');
    const m = queries.count;
    const n = reference.count;
    const distance = new Float64Array(m).fill(Infinity);
    const nearest = new Int32Array(m).fill(-1);
    if (m === 0 || n === 0 || p === 0) {
        // no components: every vector is at distance 0 from every other (the first one is nearest)
        if (p === 0 && n > (loo ? 1 : 0)) for (let i = 0; i < m; i++) [distance[i], nearest[i]] = [0, loo && i === 0 ? 1 : 0];
        return { distance, nearest };
    }
    const tile = Math.max(1, Math.floor(options.tile ?? DEFAULT_TILE));
    const device = ctx.device;
    const kernel = await pipelineCache(device).get(minDistanceKernel());
    const make = bufferMaker(device);
    const chunk = Math.min(m, Math.max(1, Math.floor(options.queryChunk ?? QUERY_CHUNK)));
    const width = Math.min(tile, n);
    const buffers = {
        job: make('min-distance job', 32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
        qHi: make('queries hi', 4 * chunk * p), qLo: make('queries lo', 4 * chunk * p),
        tHi: make('reference tile hi', 4 * width * p), tLo: make('reference tile lo', 4 * width * p),
        best: make('best', 4 * chunk), nearest: make('nearest', 4 * chunk),
    };
    const group = createBindGroup(device, kernel, {
        job: buffers.job, q_hi: buffers.qHi, q_lo: buffers.qLo, t_hi: buffers.tHi, t_lo: buffers.tLo, best: buffers.best, nearest: buffers.nearest,
    });
    try {
        for (let q0 = 0; q0 < m; q0 += chunk) {
            const count = Math.min(chunk, m - q0);
            const q = split(queries.data, q0 * p, (q0 + count) * p);
            device.queue.writeBuffer(buffers.qHi, 0, q.hi);
            device.queue.writeBuffer(buffers.qLo, 0, q.lo);
            device.queue.writeBuffer(buffers.best, 0, new Float32Array(count).fill(Infinity));
            device.queue.writeBuffer(buffers.nearest, 0, new Int32Array(count).fill(-1));
            // one submit per tile: the queue applies each tile's writes before its dispatch runs
            for (let start = 0; start < n; start += tile) {
                const size = Math.min(tile, n - start);
                const t = split(reference.data, start * p, (start + size) * p);
                device.queue.writeBuffer(buffers.tHi, 0, t.hi);
                device.queue.writeBuffer(buffers.tLo, 0, t.lo);
                device.queue.writeBuffer(buffers.job, 0, new Uint32Array([count, p, start, size, loo ? 1 : 0, q0, 0, 0]));
                await withValidation(device, 'minimum distances', () => {
                    const enc = device.createCommandEncoder({ label: 'minimum distances' });
                    encodeDispatch(enc, kernel, group, count);
                    device.queue.submit([enc.finish()]);
                });
            }
            const best = await readBack(device, buffers.best, 4 * count);
            const idx = new Int32Array((await readBack(device, buffers.nearest, 4 * count)).buffer);
            for (let i = 0; i < count; i++) {
                distance[q0 + i] = Math.sqrt(best[i]!);
                nearest[q0 + i] = idx[i]!;
            }
        }
    } finally {
        destroyAll(buffers);
    }
    return { distance, nearest };
}
