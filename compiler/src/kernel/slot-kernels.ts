// What the per-atom kernels over the neighbour slot list share (HDNNP and analytic potentials):
// the `Dims` uniform, the one-invocation-per-atom entry point, and the force gather
//   GatherForces  F_k = Σ_j p_kj − Σ_{(i,j): j = k} p_ij
// where p_ij = ∂E/∂d_ij sits in slot (i, j) of `pf`: each atom sums its own terms, in a fixed
// order, with no float atomics, so forces are bit-identical run to run.
// Buffers (atoms N, slot stride M = max neighbours): pf (N·M) vec4 (xyz used), counts (N),
// rev_offsets (N + 1), rev_slots (pairs): the slots i·M + a whose neighbour is atom k, grouped by k;
// forces (N) vec4.
import type { BindingRegistry, KernelDefinition } from './wgsl-builder.js';

export const WORKGROUP_SIZE = 64;

// `opaque_zero` is always 0 at run time; loop bounds written as `n + dims.opaque_zero` are not
// compile-time constants, so the driver's compiler does not unroll the layer loops of a network
// that reads its weights from a buffer (unrolled, the water network took ~35 s to compile on
// lavapipe; written out with the weights as literals it takes ~3 s: hdnnp-kernels.ts).
export const DIMS = 'struct Dims { n_atoms: u32, max_neighbors: u32, opaque_zero: u32, pad: u32 }';

export function dimsBinding(b: BindingRegistry): void {
    b.uniform('dims', 'Dims');
}

/** The entry point `main`: one invocation per atom `i`, then `body`. */
export function atomEntry(body: string): string {
    return `@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= dims.n_atoms) { return; }
${body}
}`;
}

export function gatherKernel(): KernelDefinition<{ version: number }> {
    return {
        name: 'GatherForces',
        params: { version: 1 },
        workgroupSize: WORKGROUP_SIZE,
        shaderBody: (b) => {
            dimsBinding(b);
            b.storage('pf', 'array<vec4<f32>>', 'read');
            b.storage('counts', 'array<u32>', 'read'); // neighbours of each atom
            b.storage('rev_offsets', 'array<u32>', 'read'); // (N + 1)
            b.storage('rev_slots', 'array<u32>', 'read'); // slots (i·M + a) where the atom is the neighbour
            b.storage('forces', 'array<vec4<f32>>', 'read_write');
            return `${DIMS}
${atomEntry(`    var f = vec3<f32>(0.0, 0.0, 0.0);
    let base = i * dims.max_neighbors;
    for (var a = 0u; a < counts[i]; a++) { f += pf[base + a].xyz; }
    for (var e = rev_offsets[i]; e < rev_offsets[i + 1u]; e++) { f -= pf[rev_slots[e]].xyz; }
    forces[i] = vec4<f32>(f, 0.0);`)}`;
        },
    };
}
