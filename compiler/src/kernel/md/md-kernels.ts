// The kernels that keep molecular dynamics on the device between outputs (runtime/src/gpu/device-md.ts):
//   MdKickDrift      v ← v + ½dt a;  u ← u + dt v  (nve)   or B A O A of BAOAB (langevin: friction and
//                    noise from a counter-based hash of (seed, step, atom), so replays are identical)
//   MdListFilter     the device's Verlet list rebuild: atom i keeps the candidate slots (a superset the
//                    host builds rarely, r_c + outer skin) whose current |d| < r_c + skin, in candidate
//                    order per species (nb_range, counts), notes which inner slot each kept
//                    candidate became, and writes the kept slots' pair vectors
//   MdReverseFilter  the reverse index of the new list for the force gather: atom k's entries are its
//                    kept candidates in candidate order, padded with the null slot (whose pair force is 0)
//                    to a fixed stride, so no global prefix sum is needed
//   MdPairVectors    d_ij = d⁰_ij + u_j − u_i for every slot of the list (positions r = r⁰ + u: small u in
//                    f32 keeps the displacements exact to f32 of d, not of r), on steps without a rebuild
//   MdKick           v ← v + ½dt a
//   MdChainHalf      one workgroup: a Nosé–Hoover chain half step (md/dynamics.ts NoseHooverChain.half):
//                    E_kin in a fixed order, the chain update by one lane, all velocities scaled
//   MdThermo         one workgroup: 64 partial sums (fixed order) per quantity of the step's E_i (network
//                    units), ½ m v² (eV), tr W_i (eV), the Langevin heat, and the chain's energy; then
//                    advances the step counter
// a = F / m × EV_PER_AMU (Å/fs²); `inv_mass` holds EV_PER_AMU / m per atom.
// control[0] is the step counter; control[1] the first step at which some atom moved more than half
// the candidate margin (outer skin − skin) since the host built the candidates (0xffffffff: none) —
// from that step on every kernel but MdKickDrift of that very step does nothing, so the device stops
// after a valid drift and the host builds new candidates there; control[2] is set when some atom moved
// more than half the skin since the last list build (then the filters of that step rebuild the list
// on the device, MdPairVectors has nothing left to do, and MdKick clears it; the host sets it where new
// candidates wait for their first build and clears it otherwise); control[3] counts the device's list builds.
// No float atomics: every sum has one order, every list one order.
import { f32Literal as lit, type BindingRegistry, type KernelDefinition } from '../wgsl-builder.js';

export const MD_WORKGROUP = 64;
/** Partial sums per quantity and step written by MdThermo (its workgroup size). */
export const THERMO_LANES = 64;
/** Quantities per step in the thermo buffer: Σ E_i (network units), E_kin, tr W, Langevin heat, chain energy. */
export const THERMO_QUANTITIES = 5;

/** The uniform every MD kernel reads. */
export const MD_PARAMS = `struct MdParams {
    n_atoms: u32, max_neighbors: u32, seed: u32, base_step: u32,
    dt: f32, c1: f32, outer_half_sq: f32, inner_half_sq: f32,
    list_radius_sq: f32, null_slot: u32, rev_stride: u32, pad: u32,
}`;
/** Byte size of MdParams. */
export const MD_PARAMS_BYTES = 48;
/** Words of the control buffer: step, frozen step, list-rebuild flag, device list builds. */
export const MD_CONTROL_WORDS = 4;


function bind(b: BindingRegistry): void {
    b.uniform('md', 'MdParams');
    b.storage('control', 'array<atomic<u32>>', 'read_write');
}

function perAtom(body: string): string {
    return `@compute @workgroup_size(${MD_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= md.n_atoms) { return; }
    let step = atomicLoad(&control[0]);
    let frozen = atomicLoad(&control[1]);
${body}
}`;
}

/** PCG hash (O'Neill 2014, the RXS-M-XS output of one LCG step) and Box–Muller normals from it. */
const RANDOM = `fn pcg(v: u32) -> u32 {
    let state = v * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}
fn unit(x: u32) -> f32 { return (f32(x >> 8u) + 0.5) / 16777216.0; }
fn normals3(seed: u32, step: u32, atom: u32) -> vec3<f32> {
    let key = pcg(seed ^ pcg(step ^ pcg(atom)));
    let a = pcg(key); let b = pcg(a); let c = pcg(b); let d = pcg(c);
    let r1 = sqrt(-2.0 * log(unit(a)));
    let r2 = sqrt(-2.0 * log(unit(c)));
    let t1 = 6.283185307179586 * unit(b);
    let t2 = 6.283185307179586 * unit(d);
    return vec3<f32>(r1 * cos(t1), r1 * sin(t1), r2 * cos(t2));
}`;

export type Thermostat = 'none' | 'langevin' | 'nose_hoover';

/**
 * The chain buffer of MdChainHalf: [chain energy (eV), last scale, v_0 … v_{M−1}, ξ_0 … ξ_{M−1}] and its
 * constants [N_f, k_B T, Q_0, Q_j] (eV, eV fs²).
 */
export const CHAIN_HEADER = 2;

/** `phase`: before the kick-drift (skipped once the device froze at an earlier step) or after the kick. */
export function chainHalfKernel(length: number, phase: 'before' | 'after'): KernelDefinition<{ length: number; phase: string }> {
    return {
        name: 'MdChainHalf',
        params: { length, phase },
        workgroupSize: THERMO_LANES,
        shaderBody: (b) => {
            bind(b);
            b.storage('inv_mass', 'array<f32>', 'read');
            b.storage('vel', 'array<vec4<f32>>', 'read_write');
            b.storage('chain', 'array<f32>', 'read_write');
            b.storage('chain_consts', 'array<f32>', 'read');
            const M = length;
            const v = (j: string) => `chain[${CHAIN_HEADER}u + ${j}]`;
            const xi = (j: string) => `chain[${CHAIN_HEADER + M}u + ${j}]`;
            return `${MD_PARAMS}
var<workgroup> partial: array<f32, ${THERMO_LANES}>;
var<workgroup> skip: u32;
var<workgroup> scale: f32;
fn force(j: u32, ke: f32) -> f32 {
    let nf = chain_consts[0]; let kt = chain_consts[1]; let q0 = chain_consts[2]; let qj = chain_consts[3];
    if (j == 0u) { return (2.0 * ke - nf * kt) / q0; }
    let q_prev = select(qj, q0, j == 1u);
    return (q_prev * ${v('j - 1u')} * ${v('j - 1u')} - kt) / qj;
}
fn inner(j: u32, ke: f32, d: f32) {
    var damp = 1.0;
    if (j + 1u < ${M}u) { damp = exp(-${v('j + 1u')} * d / 4.0); }
    ${v('j')} = (${v('j')} * damp + force(j, ke) * d / 2.0) * damp;
}
@compute @workgroup_size(${THERMO_LANES})
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
    let t = lid.x;
    if (t == 0u) {
        let step = atomicLoad(&control[0]);
        let frozen = atomicLoad(&control[1]);
        skip = select(0u, 1u, ${phase === 'before' ? 'frozen < step' : 'frozen <= step'});
    }
    if (workgroupUniformLoad(&skip) == 1u) { return; }
    var k = 0.0;
    for (var i = t; i < md.n_atoms; i += ${THERMO_LANES}u) {
        let u = vel[i].xyz;
        k += ${lit(0.5)} * dot(u, u) / inv_mass[i];
    }
    partial[t] = k;
    workgroupBarrier();
    if (t == 0u) {
        var ke = 0.0;
        for (var j = 0u; j < ${THERMO_LANES}u; j++) { ke += partial[j]; }
        let d = ${lit(0.5)} * md.dt;
        for (var j = ${M}; j > 0; j--) { inner(u32(j - 1), ke, d); }
        let s = exp(-${v('0u')} * d);
        ke *= s * s;
        for (var j = 0u; j < ${M}u; j++) { ${xi('j')} += ${v('j')} * d; }
        for (var j = 0u; j < ${M}u; j++) { inner(j, ke, d); }
        var e = 0.0;
        for (var j = 0u; j < ${M}u; j++) {
            let q = select(chain_consts[3], chain_consts[2], j == 0u);
            let g = select(1.0, chain_consts[0], j == 0u);
            e += ${lit(0.5)} * q * ${v('j')} * ${v('j')} + g * chain_consts[1] * ${xi('j')};
        }
        chain[0] = e;
        chain[1] = s;
        scale = s;
    }
    let s = workgroupUniformLoad(&scale);
    for (var i = t; i < md.n_atoms; i += ${THERMO_LANES}u) { vel[i] = vec4<f32>(vel[i].xyz * s, 0.0); }
}`;
        },
    };
}

export function kickDriftKernel(thermostat: Thermostat): KernelDefinition<{ thermostat: string }> {
    return {
        name: 'MdKickDrift',
        params: { thermostat },
        workgroupSize: MD_WORKGROUP,
        shaderBody: (b) => {
            bind(b);
            b.storage('forces', 'array<vec4<f32>>', 'read');
            b.storage('inv_mass', 'array<f32>', 'read');
            b.storage('vel', 'array<vec4<f32>>', 'read_write');
            b.storage('disp', 'array<vec4<f32>>', 'read_write');
            b.storage('u_ref', 'array<vec4<f32>>', 'read');
            const move = thermostat === 'langevin'
                ? `    u += ${lit(0.5)} * md.dt * v;
    let before = dot(v, v);
    v = md.c1 * v + noise_sd[i] * normals3(md.seed, step, i);
    heat[i] -= ${lit(0.5)} * (dot(v, v) - before) / inv_mass[i];
    u += ${lit(0.5)} * md.dt * v;`
                : '    u += md.dt * v;';
            if (thermostat === 'langevin') {
                b.storage('noise_sd', 'array<f32>', 'read');
                b.storage('heat', 'array<f32>', 'read_write');
            }
            return `${MD_PARAMS}\n${thermostat === 'langevin' ? RANDOM : ''}\n${perAtom(`    if (frozen < step) { return; }
    var v = vel[i].xyz + ${lit(0.5)} * md.dt * inv_mass[i] * forces[i].xyz;
    var u = disp[i].xyz;
${move}
    vel[i] = vec4<f32>(v, 0.0);
    disp[i] = vec4<f32>(u, 0.0);
    if (dot(u, u) > md.outer_half_sq) { atomicMin(&control[1], step); }
    let moved = u - u_ref[i].xyz;
    if (dot(moved, moved) > md.inner_half_sq) { atomicMax(&control[2], 1u); }`)}`;
        },
    };
}

/**
 * WGSL: the current vector of candidate slot c from atom i (displacement u_i): d = d⁰ + u_j − u_i,
 * the list-building vector plus both atoms' displacements since (MdListFilter, MdPairVectors).
 */
const CANDIDATE_VECTOR = `fn candidate_vector(c: u32, ui: vec3<f32>) -> vec3<f32> { return cand_pv0[c].xyz + disp[cand_atom[c]].xyz - ui; }`;

/** `species`: how many species the slot ranges have (nb_range holds species + 1 entries per atom). */
export function listFilterKernel(species: number): KernelDefinition<{ species: number }> {
    return {
        name: 'MdListFilter',
        params: { species },
        workgroupSize: MD_WORKGROUP,
        shaderBody: (b) => {
            bind(b);
            b.storage('cand_pv0', 'array<vec4<f32>>', 'read');
            b.storage('cand_atom', 'array<u32>', 'read');
            b.storage('cand_range', 'array<u32>', 'read');
            b.storage('disp', 'array<vec4<f32>>', 'read');
            b.storage('u_ref', 'array<vec4<f32>>', 'read_write');
            b.storage('nb_range', 'array<u32>', 'read_write');
            b.storage('counts', 'array<u32>', 'read_write');
            b.storage('inner_outer', 'array<u32>', 'read_write');
            b.storage('cand_inner', 'array<u32>', 'read_write');
            b.storage('pv', 'array<vec4<f32>>', 'read_write');
            return `${MD_PARAMS}\n${CANDIDATE_VECTOR}\n${perAtom(`    if (frozen <= step || atomicLoad(&control[2]) == 0u) { return; }
    let ui = disp[i].xyz;
    u_ref[i] = vec4<f32>(ui, 0.0);
    let rb = i * ${species + 1}u;
    let base = i * md.max_neighbors;
    var n = 0u;
    for (var s = 0u; s < ${species}u; s++) {
        nb_range[rb + s] = n;
        for (var a = cand_range[rb + s]; a < cand_range[rb + s + 1u]; a++) {
            let c = base + a;
            let d = candidate_vector(c, ui);
            let d2 = dot(d, d);
            let keep = d2 < md.list_radius_sq;
            cand_inner[c] = select(md.null_slot, base + n, keep);
            // Branch-free (a CPU driver's SIMD lanes are different atoms; 20% faster than if/else on
            // lavapipe): every candidate is written as the next slot's entry, and the slot is kept (n
            // advances) within the radius; the vector as MdPairVectors writes it (with a skin of 0, the
            // default, the list is rebuilt at every step, and this saves that pass)
            inner_outer[base + n] = c;
            pv[base + n] = vec4<f32>(d, sqrt(d2));
            n += select(0u, 1u, keep);
        }
    }
    nb_range[rb + ${species}u] = n;
    counts[i] = n;`)}`;
        },
    };
}

export function reverseFilterKernel(): KernelDefinition<Record<string, never>> {
    return {
        name: 'MdReverseFilter',
        params: {},
        workgroupSize: MD_WORKGROUP,
        shaderBody: (b) => {
            bind(b);
            b.storage('cand_rev', 'array<u32>', 'read');
            b.storage('cand_rev_count', 'array<u32>', 'read');
            b.storage('cand_inner', 'array<u32>', 'read');
            b.storage('rev_slots', 'array<u32>', 'read_write');
            return `${MD_PARAMS}\n${perAtom(`    if (frozen <= step || atomicLoad(&control[2]) == 0u) { return; }
    if (i == 0u) { atomicAdd(&control[3], 1u); }
    let base = i * md.rev_stride;
    var e = 0u;
    for (var k = 0u; k < cand_rev_count[i]; k++) {
        let s = cand_inner[cand_rev[base + k]];
        // branch-free, as in MdListFilter: the entry is written, and kept (e advances) for a kept slot
        rev_slots[base + e] = s;
        e += select(0u, 1u, s != md.null_slot);
    }
    for (; e < md.rev_stride; e++) { rev_slots[base + e] = md.null_slot; }`)}`;
        },
    };
}

export function pairVectorsKernel(): KernelDefinition<{ version: number }> {
    return {
        name: 'MdPairVectors',
        params: { version: 2 },
        workgroupSize: MD_WORKGROUP,
        shaderBody: (b) => {
            bind(b);
            b.storage('cand_pv0', 'array<vec4<f32>>', 'read');
            b.storage('cand_atom', 'array<u32>', 'read');
            b.storage('inner_outer', 'array<u32>', 'read');
            b.storage('counts', 'array<u32>', 'read');
            b.storage('disp', 'array<vec4<f32>>', 'read');
            b.storage('pv', 'array<vec4<f32>>', 'read_write');
            return `${MD_PARAMS}\n${CANDIDATE_VECTOR}\n${perAtom(`    if (frozen <= step || atomicLoad(&control[2]) != 0u) { return; }
    let ui = disp[i].xyz;
    let base = i * md.max_neighbors;
    for (var a = 0u; a < counts[i]; a++) {
        let c = inner_outer[base + a];
        let d = candidate_vector(c, ui);
        pv[base + a] = vec4<f32>(d, sqrt(dot(d, d))); // as MdListFilter writes it, bit for bit
    }`)}`;
        },
    };
}

export function kickKernel(): KernelDefinition<Record<string, never>> {
    return {
        name: 'MdKick',
        params: {},
        workgroupSize: MD_WORKGROUP,
        shaderBody: (b) => {
            bind(b);
            b.storage('forces', 'array<vec4<f32>>', 'read');
            b.storage('inv_mass', 'array<f32>', 'read');
            b.storage('vel', 'array<vec4<f32>>', 'read_write');
            return `${MD_PARAMS}\n${perAtom(`    if (frozen <= step) { return; }
    if (i == 0u) { atomicStore(&control[2], 0u); }
    vel[i] = vec4<f32>(vel[i].xyz + ${lit(0.5)} * md.dt * inv_mass[i] * forces[i].xyz, 0.0);`)}`;
        },
    };
}

/** One workgroup; dispatch exactly THERMO_LANES invocations. */
export function thermoKernel(): KernelDefinition<Record<string, never>> {
    return {
        name: 'MdThermo',
        params: {},
        workgroupSize: THERMO_LANES,
        shaderBody: (b) => {
            bind(b);
            b.storage('energy', 'array<f32>', 'read');
            b.storage('vel', 'array<vec4<f32>>', 'read');
            b.storage('inv_mass', 'array<f32>', 'read');
            b.storage('virial', 'array<f32>', 'read');
            b.storage('heat', 'array<f32>', 'read');
            b.storage('chain', 'array<f32>', 'read');
            b.storage('thermo', 'array<f32>', 'read_write');
            return `${MD_PARAMS}
@compute @workgroup_size(${THERMO_LANES})
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
    let t = lid.x;
    let step = atomicLoad(&control[0]);
    let frozen = atomicLoad(&control[1]);
    workgroupBarrier();
    if (frozen > step) {
        var e = 0.0; var k = 0.0; var w = 0.0; var h = 0.0;
        for (var i = t; i < md.n_atoms; i += ${THERMO_LANES}u) {
            e += energy[i];
            let v = vel[i].xyz;
            k += ${lit(0.5)} * dot(v, v) / inv_mass[i];
            w += virial[9u * i] + virial[9u * i + 4u] + virial[9u * i + 8u];
            h += heat[i];
        }
        let row = (step - md.base_step) * ${THERMO_QUANTITIES}u;
        thermo[(row + 0u) * ${THERMO_LANES}u + t] = e;
        thermo[(row + 1u) * ${THERMO_LANES}u + t] = k;
        thermo[(row + 2u) * ${THERMO_LANES}u + t] = w;
        thermo[(row + 3u) * ${THERMO_LANES}u + t] = h;
        thermo[(row + 4u) * ${THERMO_LANES}u + t] = select(0.0, chain[0], t == 0u); // Nosé–Hoover chain energy (0 without)
    }
    workgroupBarrier();
    if (t == 0u) { atomicAdd(&control[0], 1u); }
}`;
        },
    };
}

