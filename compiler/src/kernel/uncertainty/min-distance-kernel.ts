// MinDistance: the exact nearest training vector of every query in descriptor space (issue 7's
// minimum distance), one invocation per query over one tile of reference vectors (t_hi/t_lo hold just
// that tile, indices tile_start …) per dispatch; the
// running best (squared distance, index) lives in `best`/`nearest` between tiles, so memory is
// bounded by the tile whatever the size of the training set (runtime/src/gpu/min-distance.ts).
// Precision: every vector arrives as two f32 arrays, hi = f32(x) and lo = f32(x − hi) (a double-float
// split), so each component difference (q_hi − t_hi) + (q_lo − t_lo) is exact to ~1e-14 of |x| even
// for near-duplicates; the squares are summed in f32 (relative error ≲ dim · 6e-8 of d²). A candidate
// whose partial sum already reaches the best is abandoned (partial sums only grow); ties keep the
// first index. `loo` = 1: leave-one-out, query i (global index query_start + i) skips reference vector
// i. Deterministic: each query's
// loop runs in one fixed order in one invocation.
import type { KernelDefinition } from '../wgsl-builder.js';

export const MIN_DISTANCE_WORKGROUP = 64;

export function minDistanceKernel(): KernelDefinition<{ version: number }> {
    return {
        name: 'MinDistance',
        params: { version: 1 },
        workgroupSize: MIN_DISTANCE_WORKGROUP,
        shaderBody: (b) => {
            b.uniform('job', 'Job');
            b.storage('q_hi', 'array<f32>', 'read');
            b.storage('q_lo', 'array<f32>', 'read');
            b.storage('t_hi', 'array<f32>', 'read');
            b.storage('t_lo', 'array<f32>', 'read');
            b.storage('best', 'array<f32>', 'read_write');
            b.storage('nearest', 'array<i32>', 'read_write');
            return `struct Job { queries: u32, dim: u32, tile_start: u32, tile_count: u32, loo: u32, query_start: u32, pad0: u32, pad1: u32 }

@compute @workgroup_size(${MIN_DISTANCE_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= job.queries) { return; }
    var b = best[i];
    var bj = nearest[i];
    let qi = i * job.dim;
    for (var j = 0u; j < job.tile_count; j++) {
        let global = job.tile_start + j;
        if (job.loo == 1u && global == job.query_start + i) { continue; }
        let tj = j * job.dim;
        var s = 0.0;
        var k = 0u;
        for (; k < job.dim; k++) {
            let d = (q_hi[qi + k] - t_hi[tj + k]) + (q_lo[qi + k] - t_lo[tj + k]);
            s += d * d;
            if (s >= b) { break; }
        }
        if (k == job.dim && s < b) {
            b = s;
            bj = i32(global);
        }
    }
    best[i] = b;
    nearest[i] = bj;
}`;
        },
    };
}
