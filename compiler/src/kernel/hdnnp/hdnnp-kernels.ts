// The four kernels of an HDNNP energy + force evaluation, generated from the model IR:
//   Descriptors   G_is for every atom i (one invocation per atom)
//   Network       scaling, per-element network forward and backward: E_i and dE/dG_is
//   PairForces    per neighbour slot (i, j): p_ij = Σ_s dE/dG_is ∂G_is/∂r_j (= ∂E/∂d_ij), and the
//                 per-atom virial Σ_j p_ij ⊗ d_ij
//   GatherForces  F_k = Σ_j p_kj − Σ_{(i,j): j = k} p_ij   (each atom sums its own terms: no atomics;
//                 ../slot-kernels.ts, shared with the analytic potentials)
// Buffers (atoms N, slot stride M = max neighbours, S = species):
//   pv (N·M) vec4: d_ij = r_j + shift − r_i and |d_ij| (Å);  nb_range (N·(S+1)): slot range per species
//   species (N);  g, dedg (N·G_max);  energy (N);  pf (N·M) vec4;  virial (N·9);  forces (N) vec4
import { createHash } from 'node:crypto';
import type { ModelIR, NetworkIR } from '../../ir/model-ir.js';
import { f32Literal as lit, type BindingRegistry, type KernelDefinition } from '../wgsl-builder.js';
import { angularGradients, angularValues, chunkValues, FunctionTable, NeighborTables, radialGradients, radialValues } from './descriptor-code.js';
import { LANES } from './lanes.js';
import { SUBGROUP_EXCHANGE, WORKGROUP_EXCHANGE, type LaneExchange } from './lane-exchange.js';
import { planDescriptors, type DescriptorPlan } from './descriptor-plan.js';
import { ACTIVATION_FUNCTIONS, activationExpression, CORE_FUNCTIONS } from './wgsl-functions.js';
import { atomEntry as entry, DIMS, dimsBinding as commonBindings, gatherKernel, WORKGROUP_SIZE } from '../slot-kernels.js';

// The force gather and the per-atom entry point are shared with the analytic potentials' kernels.
export { gatherKernel, WORKGROUP_SIZE };

/**
 * Where each element's parameters sit in the flat parameter buffer: per layer [W (out×in), b (out)],
 * and the scaling G̃ = (G − c) a + d as three vectors [a, c, d]. Subtracting the centre c first keeps
 * float32 from rounding a large a·G before it nearly cancels against a·c. The values live in a
 * storage buffer, not in WGSL constants: constant arrays indexed in a loop made the driver's
 * compiler take ~30 s for the water network (measured).
 */
export interface NetworkConstants {
    /** Per element (model order): offset of each layer's W. */
    readonly layerOffsets: readonly (readonly number[])[];
    /** Per element: offset of its scaling vectors a, c, d (each `inputs` long, consecutive). */
    readonly scalingOffsets: readonly number[];
    /** dE_phys/dE_NN: 1/conv_energy with normalisation, else 1 (eV per network unit). */
    readonly energyScale: number;
}

function speciesSwitch(model: ModelIR, fn: (species: number) => string): string {
    const cases = model.elements.map((_, s) => `        case ${s}u: { ${fn(s)} }`).join('\n');
    return `    switch (species[i]) {\n${cases}\n        default: {}\n    }`;
}

/**
 * Kernels are specialised to a slot stride (private per-neighbour tables need a fixed size);
 * strides are rounded up to a multiple of 32 so that few variants are compiled.
 */
export function slotCapacity(maxNeighbors: number): number {
    return Math.max(32, Math.ceil(maxNeighbors / 32) * 32);
}

type HdnnpParams = { model: string; capacity: number; subgroups: boolean };

/** How the neighbour kernels' lanes exchange data: subgroup shuffles, or workgroup memory where the device lacks them. */
function laneExchange(subgroups: boolean): LaneExchange {
    return subgroups ? SUBGROUP_EXCHANGE : WORKGROUP_EXCHANGE;
}

/** Bindings both per-atom neighbour kernels read: the slot list and the species. */
function neighborBindings(b: BindingRegistry): void {
    commonBindings(b);
    b.storage('pv', 'array<vec4<f32>>', 'read');
    b.storage('nb_range', 'array<u32>', 'read');
    b.storage('species', 'array<u32>', 'read');
}

/**
 * The entry point of the neighbour kernels: one workgroup of LANES invocations per atom (the
 * workgroup index runs over x, then y, for more than 65 535 atoms), each lane calling
 * `<prefix>_<species>(i, lane)`. With subgroups the lane is the subgroup invocation id: the shuffles
 * address lanes by it, and with LANES invocations in a subgroup of at least LANES it runs over
 * 0..LANES−1.
 */
function laneEntry(model: ModelIR, prefix: string, exchange: LaneExchange): string {
    return `@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, ${exchange.laneParameter}) {
    let i = wg.x + wg.y * nwg.x;
    if (i >= dims.n_atoms) { return; }
${speciesSwitch(model, (s) => `${prefix}_${s}(i, lane);`)}
}`;
}

/**
 * One WGSL function `<prefix>_<species>(i, lane)` per element, each starting with the atom's slot
 * range, then `body`; returns them with the helper functions they share and the entry point.
 */
function elementFunctions(
    model: ModelIR, plan: DescriptorPlan, prefix: string, exchange: LaneExchange,
    body: (el: DescriptorPlan['elements'][number], tables: NeighborTables, table: FunctionTable) => string,
): string {
    const table = new FunctionTable();
    const stride = model.elements.length + 1;
    const tablesOf = plan.elements.map((el) => new NeighborTables(el.angular.flatMap((g) => g.functions), table));
    const fns = plan.elements.map((el, e) => {
        const tables = tablesOf[e]!;
        return `fn ${prefix}_${el.species}(i: u32, lane: u32) {
    let base = i * dims.max_neighbors;
    let rb = i * ${stride}u;
    let n = nb_range[rb + ${stride - 1}u];
    ${body(el, tables, table)}
}`;
    });
    const published = tablesOf.flatMap(chunkValues);
    return `${DIMS}\n${CORE_FUNCTIONS}\n${table.code()}\n${exchange.declarations(published)}\n${fns.join('\n\n')}\n\n${laneEntry(model, prefix, exchange)}`;
}

/** This lane's slots of the species ranges `species`: `body` with `a` bound to each (the lane owns them). */
function ownedSlots(species: readonly number[], body: string): string {
    return species.map((sp) => `for (var a = nb_range[rb + ${sp}u] + lane; a < nb_range[rb + ${sp + 1}u]; a += ${LANES}u) { ${body} }`).join('\n    ');
}

export function descriptorKernel(model: ModelIR, capacity: number, plan = planDescriptors(model), subgroups = true): KernelDefinition<HdnnpParams> {
    const exchange = laneExchange(subgroups);
    const functions = plan.maxFunctions;
    return {
        name: 'Descriptors',
        params: { model: modelKey(model), capacity, subgroups },
        workgroupSize: LANES,
        itemsPerWorkgroup: 1,
        directives: exchange.directives,
        shaderBody: (b) => {
            neighborBindings(b);
            b.storage('g', 'array<f32>', 'read_write');
            const code = elementFunctions(model, plan, 'descriptors', exchange, (el, tables, table) => {
                const loops = [...el.radial.map((g) => radialValues(g, table)), ...el.angular.map((g) => angularValues(g, tables, table, exchange))];
                const count = Math.max(1, el.functionCount);
                const partials = Array.from({ length: el.functionCount }, (_, s) => `red_g[lane * ${functions}u + ${s}u] = acc[${s}];`);
                return `var acc: array<f32, ${count}>;
    ${loops.join('\n')}
    // G_s = Σ over the lanes of their partial sums, in lane order
    ${partials.join('\n    ')}
    workgroupBarrier();
    for (var s = lane; s < ${el.functionCount}u; s += ${LANES}u) {
        var t = 0.0;
        for (var l = 0u; l < ${LANES}u; l++) { t += red_g[l * ${functions}u + s]; }
        g[i * ${functions}u + s] = t;
    }`;
            });
            return code.replace(CORE_FUNCTIONS, `${CORE_FUNCTIONS}\nvar<workgroup> red_g: array<f32, ${LANES * functions}>;`);
        },
    };
}

export function forceKernel(model: ModelIR, capacity: number, plan = planDescriptors(model), subgroups = true): KernelDefinition<HdnnpParams> {
    const exchange = laneExchange(subgroups);
    return {
        name: 'PairForces',
        params: { model: modelKey(model), capacity, subgroups },
        workgroupSize: LANES,
        itemsPerWorkgroup: 1,
        directives: exchange.directives,
        shaderBody: (b) => {
            neighborBindings(b);
            b.storage('dedg', 'array<f32>', 'read');
            b.storage('pf', 'array<vec4<f32>>', 'read_write');
            b.storage('virial', 'array<f32>', 'read_write');
            const code = elementFunctions(model, plan, 'forces', exchange, (el, tables, table) => {
                const radial = el.radial.map((g) => radialGradients(g, table)).join('\n');
                const angular = el.angular.map((g) => angularGradients(g, tables, table, exchange)).join('\n');
                // dE/dG as named lets (constant-indexed): a private array would live in memory
                const weights = Array.from({ length: el.functionCount }, (_, s) => `let w_${s} = dedg[i * ${plan.maxFunctions}u + ${s}u];`);
                // the radial groups store their slots' first part of p; slots of other species start at 0
                const unvisited = model.elements.map((_, sp) => sp).filter((sp) => !el.radial.some((g) => g.species === sp));
                return `${weights.join('\n    ')}
    ${ownedSlots(unvisited, 'pf[base + a] = vec4<f32>(0.0, 0.0, 0.0, 0.0);')}
    ${radial}
    ${angular}
    // virial W_ab = Σ_j p_a d_b (rows a) over this lane's slots, then over the lanes in lane order
    // (summing it where p's parts are written instead kept three more vectors live through the pair
    // loops: 6% slower, measured)
    var v0 = vec3<f32>(0.0, 0.0, 0.0);
    var v1 = vec3<f32>(0.0, 0.0, 0.0);
    var v2 = vec3<f32>(0.0, 0.0, 0.0);
    ${ownedSlots(model.elements.map((_, sp) => sp), `let p = pf[base + a].xyz;
        let d = pv[base + a].xyz;
        v0 += p.x * d;
        v1 += p.y * d;
        v2 += p.z * d;`)}
    red_v[3u * lane] = vec4<f32>(v0, 0.0);
    red_v[3u * lane + 1u] = vec4<f32>(v1, 0.0);
    red_v[3u * lane + 2u] = vec4<f32>(v2, 0.0);
    workgroupBarrier();
    if (lane < 3u) {
        var row = vec3<f32>(0.0, 0.0, 0.0);
        for (var l = 0u; l < ${LANES}u; l++) { row += red_v[3u * l + lane].xyz; }
        for (var c = 0u; c < 3u; c++) { virial[i * 9u + 3u * lane + c] = row[c]; }
    }`;
            });
            return code.replace(CORE_FUNCTIONS, `${CORE_FUNCTIONS}\nvar<workgroup> red_v: array<vec4<f32>, ${3 * LANES}>;`);
        },
    };
}

/**
 * Networks with at most this many parameters in all (weights, biases and scaling vectors) are
 * written out neuron by neuron with their values as literals: the water network (2 × ~1 400) then
 * runs 3× faster on lavapipe and compiles in ~3 s more; a compile time that grows with the size
 * sets the limit.
 */
export const BAKED_PARAMETER_LIMIT = 12_000;

/**
 * The Network kernel. With `values` (the flat buffer the layout `consts` describes, as the runtime
 * uploads it) and at most BAKED_PARAMETER_LIMIT of them, the values are baked into the kernel;
 * otherwise it reads them from the `weights` buffer.
 */
export function networkKernel(
    model: ModelIR, consts: NetworkConstants, plan = planDescriptors(model), subgroups = true, values?: Float32Array,
): KernelDefinition<{ model: string; layout: string; subgroups: boolean; baked: string }> {
    const baked = values && values.length <= BAKED_PARAMETER_LIMIT ? values : undefined;
    return {
        name: 'Network',
        params: { model: modelKey(model), layout: JSON.stringify(consts), subgroups, baked: baked ? digest(baked) : '' },
        workgroupSize: WORKGROUP_SIZE,
        // the shuffles run under subgroupAny branches: uniform over the subgroup, which WGSL's
        // analysis (workgroup uniformity) cannot see
        directives: subgroups ? ['enable subgroups', 'diagnostic(off, subgroup_uniformity)'] : [],
        shaderBody: (b) => {
            commonBindings(b);
            b.storage('species', 'array<u32>', 'read');
            b.storage('g', 'array<f32>', 'read');
            b.storage('weights', 'array<f32>', 'read');
            b.storage('energy', 'array<f32>', 'read_write');
            b.storage('dedg', 'array<f32>', 'read_write');
            const fns = model.networks.map((net, s) => (baked ? bakedNetworkFunction(net, s, plan.maxFunctions, consts, baked) : networkFunction(net, s, plan.maxFunctions, consts, subgroups)));
            const main = subgroups
                ? `@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(subgroup_invocation_id) sl: u32) {
    if (dims.n_atoms == 0u) { return; }
    // every lane of a subgroup takes part in each element's network that one of them needs (the
    // weights are loaded together); a lane keeps the results of its own element only
    let live = gid.x < dims.n_atoms;
    let i = min(gid.x, dims.n_atoms - 1u);
    let sp = species[i];
${model.elements.map((_, e) => `    if (subgroupAny(live && sp == ${e}u)) { network_${e}(i, sl, live && sp == ${e}u); }`).join('\n')}
}`
                : entry(speciesSwitch(model, (e) => `network_${e}(i, 0u, true);`));
            return `${DIMS}\n${ACTIVATION_FUNCTIONS}\n${fns.join('\n\n')}\n\n${main}`;
        },
    };
}

/**
 * A WGSL loop adding Σ_k weights[offset(k)] · vec[k] over k < count to `acc`. With subgroups, the
 * lanes of each group of 8 load 8 consecutive weights at once and pass them round by shuffles: on
 * lavapipe a weight read at a loop index is a bounds-checked scalar load per lane, so one read now
 * serves eight (reads past the end are discarded, robust access keeps them in bounds).
 */
function weightedSum(acc: string, count: number, offset: (k: string) => string, vec: (k: string) => string, subgroups: boolean, indent = '        '): string {
    if (!subgroups) return `for (var k = 0u; k < ${count}u + dims.opaque_zero; k++) { ${acc} += weights[${offset('k')}] * ${vec('k')}; }`;
    return `for (var k0 = 0u; k0 < ${count}u + dims.opaque_zero; k0 += 8u) {
${indent}    let wl = weights[${offset('k0 + (sl & 7u)')}];
${indent}    for (var m = 0u; m < min(8u, ${count}u - k0); m++) { ${acc} += subgroupShuffle(wl, (sl & ~7u) | m) * ${vec('k0 + m')}; }
${indent}}`;
}

/**
 * Forward: y⁰ = G̃ = (G − c) a + d; x^l = (b^l + W^l y^{l−1}) [/ n_{l−1} with normalize_nodes]; y^l = f_l(x^l).
 * Backward: δ^L = f_L'(x^L); δ^{l−1} = f'_{l−1}(x^{l−1}) ⊙ (W^lᵀ δ^l) [/ n_{l−1}]; dE/dG = a ⊙ W¹ᵀδ¹ [/n_0],
 * times the energy scale so that dE/dG is in eV. `mine`: this lane's atom has this element (stores).
 */
function networkFunction(net: NetworkIR, s: number, stride: number, consts: NetworkConstants, subgroups: boolean): string {
    const sizes = [net.inputs, ...net.layers.map((l) => l.size)];
    const offsets = consts.layerOffsets[s]!;
    const so = consts.scalingOffsets[s]!;
    const n0 = net.inputs;
    const lines: string[] = [];
    lines.push(`fn network_${s}(i: u32, sl: u32, mine: bool) {`);
    lines.push(`    var y0: array<f32, ${Math.max(1, net.inputs)}>;`);
    lines.push(`    for (var j = 0u; j < ${n0}u + dims.opaque_zero; j++) { y0[j] = (g[i * ${stride}u + j] - weights[${so + n0}u + j]) * weights[${so}u + j] + weights[${so + 2 * n0}u + j]; }`);
    net.layers.forEach((layer, l) => {
        const n = layer.size;
        const nin = sizes[l]!;
        const w = offsets[l]!;
        const norm = net.normalizeNodes ? ` * ${lit(1 / nin)}` : '';
        lines.push(`    var y${l + 1}: array<f32, ${n}>;`);
        lines.push(`    var dy${l + 1}: array<f32, ${n}>;`);
        lines.push(`    for (var k = 0u; k < ${n}u + dims.opaque_zero; k++) {
        var x = weights[${w + n * nin}u + k];
        let row = ${w}u + k * ${nin}u;
        ${weightedSum('x', nin, (j) => `row + ${j}`, (j) => `y${l}[${j}]`, subgroups)}
        let fx = ${activationExpression(layer.activation, `(x${norm})`)};
        y${l + 1}[k] = fx.x;
        dy${l + 1}[k] = fx.y;
    }`);
    });
    const L = net.layers.length;
    lines.push(`    if (mine) { energy[i] = y${L}[0]; }`);
    // backward: delta^L = f'(x^L)
    lines.push(`    var delta${L}: array<f32, ${sizes[L]}>;`);
    lines.push(`    for (var k = 0u; k < ${sizes[L]}u + dims.opaque_zero; k++) { delta${L}[k] = dy${L}[k]; }`);
    for (let l = L; l >= 1; l--) {
        const n = sizes[l]!;
        const nin = sizes[l - 1]!;
        const w = offsets[l - 1]!;
        const norm = net.normalizeNodes ? ` * ${lit(1 / nin)}` : '';
        const target = l - 1;
        const deriv = target >= 1 ? ` * dy${target}[j]` : '';
        lines.push(`    var delta${target}: array<f32, ${Math.max(1, nin)}>;`);
        lines.push(`    for (var j = 0u; j < ${nin}u + dims.opaque_zero; j++) {
        var t = 0.0;
        ${weightedSum('t', n, (k) => `${w}u + (${k}) * ${nin}u + j`, (k) => `delta${l}[${k}]`, subgroups)}
        delta${target}[j] = t${norm}${deriv};
    }`);
    }
    lines.push(`    for (var j = 0u; j < ${n0}u + dims.opaque_zero; j++) { if (mine) { dedg[i * ${stride}u + j] = ${lit(consts.energyScale)} * weights[${so}u + j] * delta0[j]; } }`);
    lines.push('}');
    return lines.join('\n');
}

/**
 * networkFunction written out neuron by neuron, with the weights, biases and scaling vectors as
 * literals (`values` at the layout `consts`): activations are plain values and no weight is read
 * from memory (on lavapipe a read in a loop is a bounds-checked scalar load per lane, and an array
 * indexed in a loop lives in memory). Same formulas, same order of the sums over inputs.
 */
function bakedNetworkFunction(net: NetworkIR, s: number, stride: number, consts: NetworkConstants, values: Float32Array): string {
    const v = (offset: number) => lit(values[offset]!);
    const sizes = [net.inputs, ...net.layers.map((l) => l.size)];
    const offsets = consts.layerOffsets[s]!;
    const so = consts.scalingOffsets[s]!;
    const n0 = net.inputs;
    const L = net.layers.length;
    const out: string[] = [`fn network_${s}(i: u32, sl: u32, mine: bool) {`];
    for (let j = 0; j < n0; j++) out.push(`    let y0_${j} = (g[i * ${stride}u + ${j}u] - ${v(so + n0 + j)}) * ${v(so + j)} + ${v(so + 2 * n0 + j)};`);
    net.layers.forEach((layer, l) => {
        const n = sizes[l + 1]!;
        const nin = sizes[l]!;
        const w = offsets[l]!;
        const norm = net.normalizeNodes ? ` * ${lit(1 / nin)}` : '';
        for (let k = 0; k < n; k++) {
            const terms = Array.from({ length: nin }, (_, j) => ` + ${v(w + k * nin + j)} * y${l}_${j}`).join('');
            // (f, f') of x^l_k = b_k + Σ_j W_kj y_j
            out.push(`    let f${l + 1}_${k} = ${activationExpression(layer.activation, `((${v(w + n * nin + k)}${terms})${norm})`)};`);
            out.push(`    let y${l + 1}_${k} = f${l + 1}_${k}.x;`);
        }
    });
    out.push(`    if (mine) { energy[i] = y${L}_0; }`);
    // backward: δ^L = f_L'(x^L); δ^{l−1}_j = f'_{l−1}(x^{l−1}_j) Σ_k W^l_kj δ^l_k
    for (let k = 0; k < sizes[L]!; k++) out.push(`    let d${L}_${k} = f${L}_${k}.y;`);
    for (let l = L; l >= 1; l--) {
        const n = sizes[l]!;
        const nin = sizes[l - 1]!;
        const w = offsets[l - 1]!;
        const norm = net.normalizeNodes ? ` * ${lit(1 / nin)}` : '';
        for (let j = 0; j < nin; j++) {
            const terms = Array.from({ length: n }, (_, k) => `${v(w + k * nin + j)} * d${l}_${k}`).join(' + ');
            out.push(`    let d${l - 1}_${j} = (${terms})${norm}${l > 1 ? ` * f${l - 1}_${j}.y` : ''};`);
        }
    }
    for (let j = 0; j < n0; j++) out.push(`    if (mine) { dedg[i * ${stride}u + ${j}u] = ${lit(consts.energyScale)} * ${v(so + j)} * d0_${j}; }`);
    out.push('}');
    return out.join('\n');
}

/** A digest of the bits of a float32 array: identifies baked values in a kernel's cache key. */
function digest(values: Float32Array): string {
    return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex').slice(0, 16);
}

/** Cache key of everything model-dependent baked into the kernels (not the weights' values). */
export function modelKey(model: ModelIR): string {
    return JSON.stringify({ e: model.elements.map((e) => e.symbol), d: model.descriptors, n: model.networks });
}

export type { DescriptorPlan };
