// The kernels of one training step, generated from the networks' description (sizes, activations,
// normalize_nodes): nobody writes a kernel per architecture. The loss and its gradient are
// documented in runtime/src/train/reference-loss.ts (the float64 oracle); per mini-batch:
//
//   TrainForward        per atom: NN_i and ∂NN_i/∂G̃ (forward + back-propagation)
//   TrainPairForces     per atom i and neighbour entry a: g_ia = σ Σ_s ∂NN_i/∂G̃_s D̃_isa (eV/Å)
//   TrainForceResidual  per atom: F_i = Σ_a g_ia − Σ_{entries b of other atoms pointing at i} g_b;
//                       ΔF_i = F_i − F_i^ref (a gather: no float atomics, fixed order)
//   TrainEnergyResidual per structure: ΔE_s = σ Σ NN_i − T_s; α_s = c_E ΔE_s/N_s²; loss statistics
//   TrainGradient       per atom: u_is = Σ_a (ΔF_j(a) − ΔF_i)·D̃_isa, then the weight gradient of
//                       σ α_s NN_i − σ c_F Σ_s u_is ∂NN_i/∂G̃_s (forward-mode tangent along u, then
//                       reverse mode through values and tangents); one gradient row per atom
//   TrainReduce         per weight: the sum of the rows of the batch atoms of its element, in order
//   TrainReduceAdam     TrainReduce, then per weight Adam (Kingma & Ba 2015) with the bias correction
//                       folded into lr, ε (TrainReduce alone: the gradient without a step)
//
// Buffers: atom_info (atoms + 1) vec4<u32>(element | D chunk << 16, structure, first entry, D offset);
// entry_atom (entries); incoming: [per-atom start (atoms + 1) | entries pointing at each atom];
// atom_input, dnn (atoms × in_max); D̃ in up to 8 chunks (each ≤ the device's binding limit).
import { f32Literal as lit, type BindingRegistry, type KernelDefinition } from '../wgsl-builder.js';
import { ACTIVATION_FUNCTIONS, activationExpression } from '../hdnnp/wgsl-functions.js';

export const TRAIN_WORKGROUP_SIZE = 64;

/** What the generated code depends on: the networks (flat-vector offsets) and the data layout. */
export interface TrainLayout {
    readonly networks: readonly {
        readonly inputs: number;
        readonly normalizeNodes: boolean;
        readonly offset: number;
        readonly count: number;
        readonly layers: readonly { readonly inputs: number; readonly outputs: number; readonly activation: string; readonly w: number; readonly b: number }[];
    }[];
    /** Total weights; the largest network's weight count; the input stride. */
    readonly total: number;
    readonly maxCount: number;
    readonly maxInputs: number;
    /** eV per network output unit. */
    readonly sigma: number;
    /** Number of D̃ buffers bound. */
    readonly dChunks: number;
}

type Params = { layout: string };

export const TRAIN_UNIFORM = `struct Train {
    atoms: u32, structures: u32, opaque_zero: u32, weights: u32,
    energy_coef: f32, force_coef: f32, lr: f32, eps: f32,
    beta1: f32, beta2: f32, pad0: f32, pad1: f32,
}`;
/** Bytes of the Train uniform. */
export const TRAIN_UNIFORM_BYTES = 48;

function definition(name: string, layout: TrainLayout, body: (b: BindingRegistry, l: TrainLayout) => string): KernelDefinition<Params> {
    return {
        name,
        params: { layout: JSON.stringify(layout) },
        workgroupSize: TRAIN_WORKGROUP_SIZE,
        shaderBody: (b, p) => {
            b.uniform('train', 'Train');
            return `${TRAIN_UNIFORM}\n${body(b, JSON.parse(p.layout) as TrainLayout)}`;
        },
    };
}

/** Loop bound that the driver cannot see as a constant (unrolled network loops compile for ~35 s on lavapipe). */
function upto(n: number): string {
    return `${n}u + train.opaque_zero`;
}

function entry(count: string, body: string): string {
    return `@compute @workgroup_size(${TRAIN_WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let t = gid.x;
    if (t >= ${count}) { return; }
${body}
}`;
}

/** WGSL for the 3-vector of item `index` in an f32 array laid out (items, 3). */
function vec3At(buffer: string, index: string): string {
    return `vec3<f32>(${buffer}[3u * ${index}], ${buffer}[3u * ${index} + 1u], ${buffer}[3u * ${index} + 2u])`;
}

function elementSwitch(layout: TrainLayout, fn: (e: number) => string): string {
    const cases = layout.networks.map((_, e) => `        case ${e}u: { ${fn(e)} }`).join('\n');
    return `    switch (info.x & 0xffffu) {\n${cases}\n        default: {}\n    }`;
}

/** Forward pass of network e: arrays y0..yL (values), d1..dL (f'), and with `second` dd1..ddL (f''). */
function forward(layout: TrainLayout, e: number, second: boolean, tangent: boolean): string[] {
    const net = layout.networks[e]!;
    const lines: string[] = [];
    lines.push(`    var y0: array<f32, ${Math.max(1, net.inputs)}>;`);
    lines.push(`    for (var j = 0u; j < ${upto(net.inputs)}; j++) { y0[j] = atom_input[i * ${layout.maxInputs}u + j]; }`);
    net.layers.forEach((layer, l) => {
        const n = layer.outputs;
        const c = net.normalizeNodes ? ` * ${lit(1 / layer.inputs)}` : '';
        const w = net.offset + layer.w;
        const b = net.offset + layer.b;
        lines.push(`    var y${l + 1}: array<f32, ${n}>;`, `    var d${l + 1}: array<f32, ${n}>;`);
        if (second) lines.push(`    var dd${l + 1}: array<f32, ${n}>;`);
        if (tangent) lines.push(`    var ty${l + 1}: array<f32, ${n}>;`);
        lines.push(`    for (var k = 0u; k < ${upto(n)}; k++) {
        var x = 0.0;
        ${tangent ? 'var tx = 0.0;' : ''}
        let row = ${w}u + k * ${layer.inputs}u;
        for (var j = 0u; j < ${upto(layer.inputs)}; j++) {
            let wkj = weights[row + j];
            x += wkj * y${l}[j];
            ${tangent ? `tx += wkj * ty${l}[j];` : ''}
        }
        let a = ${second ? activationSecondExpression(layer.activation, `((x + weights[${b}u + k])${c})`) : activationExpression(layer.activation, `((x + weights[${b}u + k])${c})`)};
        y${l + 1}[k] = a.x;
        d${l + 1}[k] = a.y;
        ${second ? `dd${l + 1}[k] = a.z * tx${c};` : ''}
        ${tangent ? `ty${l + 1}[k] = a.y * tx${c};` : ''}
    }`);
    });
    return lines;
}

// ---------------------------------------------------------------- TrainForward
export function trainForwardKernel(layout: TrainLayout): KernelDefinition<Params> {
    return definition('TrainForward', layout, (b, l) => {
        b.storage('weights', 'array<f32>', 'read');
        b.storage('atom_info', 'array<vec4<u32>>', 'read');
        b.storage('atom_input', 'array<f32>', 'read');
        b.storage('batch_atoms', 'array<u32>', 'read');
        b.storage('nn', 'array<f32>', 'read_write');
        b.storage('dnn', 'array<f32>', 'read_write');
        const fns = l.networks.map((net, e) => {
            const L = net.layers.length;
            const lines = [`fn forward_${e}(i: u32) {`, ...forward(l, e, false, false)];
            lines.push(`    nn[i] = y${L}[0];`);
            lines.push(`    var delta${L}: array<f32, 1>;`, `    delta${L}[0] = d${L}[0];`);
            for (let k = L; k >= 1; k--) {
                const layer = net.layers[k - 1]!;
                const c = net.normalizeNodes ? ` * ${lit(1 / layer.inputs)}` : '';
                const deriv = k > 1 ? ` * d${k - 1}[j]` : '';
                lines.push(`    var delta${k - 1}: array<f32, ${Math.max(1, layer.inputs)}>;`);
                lines.push(`    for (var j = 0u; j < ${upto(layer.inputs)}; j++) {
        var s = 0.0;
        for (var k = 0u; k < ${upto(layer.outputs)}; k++) { s += weights[${net.offset + layer.w}u + k * ${layer.inputs}u + j] * delta${k}[k]; }
        delta${k - 1}[j] = s${c}${deriv};
    }`);
            }
            lines.push(`    for (var j = 0u; j < ${upto(net.inputs)}; j++) { dnn[i * ${l.maxInputs}u + j] = delta0[j]; }`, '}');
            return lines.join('\n');
        });
        return `${ACTIVATION_FUNCTIONS}\n${ACTIVATION_SECOND}\n${fns.join('\n\n')}\n\n${entry('train.atoms', `    let i = batch_atoms[t];\n    let info = atom_info[i];\n${elementSwitch(l, (e) => `forward_${e}(i);`)}`)}`;
    });
}

/** Declares the D̃ chunk bindings; returns their names. */
function dBindings(b: BindingRegistry, l: TrainLayout): string[] {
    return Array.from({ length: l.dChunks }, (_, c) => b.storage(`d_tilde${c}`, 'array<f32>', 'read'));
}

/**
 * `loop` over the D̃ chunk of the atom (WGSL `chunk`), written once per chunk inside a switch (bare
 * with one chunk), so that its D̃ reads name their buffer directly. A per-read switch (a
 * d_at(chunk, q) helper) made lavapipe branch on the chunk three times per (function,
 * neighbour) pair: measured on the silicon example, ~15% of TrainPairForces and a few % of
 * TrainGradient. The same loads and arithmetic either way.
 */
function perChunk(chunks: readonly string[], loop: (dVec: (q: string) => string) => string): string {
    const body = (d: string) => loop((q) => `vec3<f32>(${d}[${q}], ${d}[${q} + 1u], ${d}[${q} + 2u])`);
    if (chunks.length === 1) return body(chunks[0]!);
    const cases = chunks.map((d, c) => `    case ${c}u: {\n${body(d)}\n    }`).join('\n');
    return `    switch (chunk) {\n${cases}\n    default: {}\n    }`;
}

function inputsOf(l: TrainLayout): string {
    const cases = l.networks.map((n, e) => `        case ${e}u: { return ${n.inputs}u; }`).join('\n');
    return `fn inputs_of(e: u32) -> u32 {\n    switch (e) {\n${cases}\n        default: { return 0u; }\n    }\n}`;
}

// ---------------------------------------------------------------- TrainPairForces
export function trainPairForcesKernel(layout: TrainLayout): KernelDefinition<Params> {
    return definition('TrainPairForces', layout, (b, l) => {
        b.storage('atom_info', 'array<vec4<u32>>', 'read');
        b.storage('batch_atoms', 'array<u32>', 'read');
        b.storage('dnn', 'array<f32>', 'read');
        b.storage('pair_force', 'array<f32>', 'read_write');
        const loop = perChunk(dBindings(b, l), (dVec) => `    for (var a = 0u; a < count; a++) {
        var g = vec3<f32>(0.0, 0.0, 0.0);
        for (var s = 0u; s < nf; s++) {
            let q = info.w + 3u * (s * count + a);
            g += dn[s] * ${dVec('q')};
        }
        g *= ${lit(l.sigma)};
        let e = first + a;
        pair_force[3u * e] = g.x;
        pair_force[3u * e + 1u] = g.y;
        pair_force[3u * e + 2u] = g.z;
    }`);
        // ∂NN_i/∂G̃ copied to a private array once per atom instead of read from dnn once per
        // (function, neighbour) pair: ~25% fewer storage loads in the loop (same values)
        return `${inputsOf(l)}\n${entry('train.atoms', `    let i = batch_atoms[t];
    let info = atom_info[i];
    let first = info.z;
    let count = atom_info[i + 1u].z - first;
    let chunk = info.x >> 16u;
    let nf = inputs_of(info.x & 0xffffu);
    var dn: array<f32, ${l.maxInputs}>;
    for (var s = 0u; s < nf; s++) { dn[s] = dnn[i * ${l.maxInputs}u + s]; }
${loop}`)}`;
    });
}

// ---------------------------------------------------------------- TrainForceResidual
export function trainForceResidualKernel(layout: TrainLayout): KernelDefinition<Params> {
    return definition('TrainForceResidual', layout, (b) => {
        b.storage('atom_info', 'array<vec4<u32>>', 'read');
        b.storage('batch_atoms', 'array<u32>', 'read');
        b.storage('pair_force', 'array<f32>', 'read');
        b.storage('incoming', 'array<u32>', 'read');
        b.storage('ref_forces', 'array<f32>', 'read');
        b.storage('force_residual', 'array<f32>', 'read_write');
        return entry('train.atoms', `    let i = batch_atoms[t];
    var f = vec3<f32>(0.0, 0.0, 0.0);
    for (var e = atom_info[i].z; e < atom_info[i + 1u].z; e++) {
        f += ${vec3At('pair_force', 'e')};
    }
    for (var q = incoming[i]; q < incoming[i + 1u]; q++) {
        let e = incoming[q];
        f -= ${vec3At('pair_force', 'e')};
    }
    force_residual[3u * i] = f.x - ref_forces[3u * i];
    force_residual[3u * i + 1u] = f.y - ref_forces[3u * i + 1u];
    force_residual[3u * i + 2u] = f.z - ref_forces[3u * i + 2u];`);
    });
}

// ---------------------------------------------------------------- TrainEnergyResidual
/** stats[2s] = ΔE_s/N_s (eV/atom), stats[2s+1] = Σ_{i∈s} |ΔF_i|² (eV²/Å²); alpha[s] = c_E ΔE_s/N_s². */
export function trainEnergyResidualKernel(layout: TrainLayout): KernelDefinition<Params> {
    return definition('TrainEnergyResidual', layout, (b, l) => {
        b.storage('batch_structures', 'array<u32>', 'read');
        b.storage('structure_atoms', 'array<u32>', 'read');
        b.storage('energy_target', 'array<f32>', 'read');
        b.storage('nn', 'array<f32>', 'read');
        b.storage('force_residual', 'array<f32>', 'read');
        b.storage('alpha', 'array<f32>', 'read_write');
        b.storage('stats', 'array<f32>', 'read_write');
        return entry('train.structures', `    let s = batch_structures[t];
    let first = structure_atoms[s];
    let last = structure_atoms[s + 1u];
    var e = 0.0;
    var f2 = 0.0;
    for (var i = first; i < last; i++) {
        e += nn[i];
        let r = ${vec3At('force_residual', 'i')};
        f2 += dot(r, r);
    }
    let n = f32(last - first);
    let de = ${lit(l.sigma)} * e - energy_target[s];
    alpha[s] = train.energy_coef * de / (n * n);
    stats[2u * s] = de / n;
    stats[2u * s + 1u] = f2;`);
    });
}

// ---------------------------------------------------------------- TrainGradient
export function trainGradientKernel(layout: TrainLayout): KernelDefinition<Params> {
    return definition('TrainGradient', layout, (b, l) => {
        b.storage('weights', 'array<f32>', 'read');
        b.storage('atom_info', 'array<vec4<u32>>', 'read');
        b.storage('atom_input', 'array<f32>', 'read');
        b.storage('batch_atoms', 'array<u32>', 'read');
        b.storage('entry_atom', 'array<u32>', 'read');
        b.storage('force_residual', 'array<f32>', 'read');
        b.storage('alpha', 'array<f32>', 'read');
        b.storage('atom_grad', 'array<f32>', 'read_write');
        const chunks = dBindings(b, l);
        const tangentLoops = l.networks.map((net) => perChunk(chunks, (dVec) => `    for (var a = 0u; a < count; a++) {
        let j = entry_atom[first + a];
        let r = ${vec3At('force_residual', 'j')} - fi;
        for (var s = 0u; s < ${upto(net.inputs)}; s++) {
            let q = info.w + 3u * (s * count + a);
            ty0[s] += dot(r, ${dVec('q')});
        }
    }`));
        const fns = l.networks.map((net, e) => {
            const L = net.layers.length;
            const lines = [`fn gradient_${e}(i: u32, t: u32, info: vec4<u32>) {`];
            // u_s = Σ_a (ΔF_j(a) − ΔF_i)·D̃_isa: the tangent of the input
            lines.push(`    let first = info.z;
    let count = atom_info[i + 1u].z - first;
    let chunk = info.x >> 16u;
    let fi = ${vec3At('force_residual', 'i')};
    var ty0: array<f32, ${Math.max(1, net.inputs)}>;
${tangentLoops[e]!}`);
            lines.push(...forward(l, e, true, true));
            const row = `t * ${l.maxCount}u`;
            lines.push(`    var yb${L}: array<f32, 1>;`, `    var tb${L}: array<f32, 1>;`);
            lines.push(`    yb${L}[0] = ${lit(l.sigma)} * alpha[info.y];`, `    tb${L}[0] = ${lit(-l.sigma)} * train.force_coef;`);
            for (let k = L; k >= 1; k--) {
                const layer = net.layers[k - 1]!;
                const c = net.normalizeNodes ? lit(1 / layer.inputs) : '1.0';
                const w = net.offset + layer.w;
                const bo = layer.b;
                lines.push(`    var xb${k}: array<f32, ${layer.outputs}>;`, `    var txb${k}: array<f32, ${layer.outputs}>;`);
                lines.push(`    for (var k = 0u; k < ${upto(layer.outputs)}; k++) {
        xb${k}[k] = ${c} * (yb${k}[k] * d${k}[k] + tb${k}[k] * dd${k}[k]);
        txb${k}[k] = ${c} * tb${k}[k] * d${k}[k];
        atom_grad[${row} + ${bo}u + k] = xb${k}[k];
        for (var j = 0u; j < ${upto(layer.inputs)}; j++) {
            atom_grad[${row} + ${layer.w}u + k * ${layer.inputs}u + j] = xb${k}[k] * y${k - 1}[j] + txb${k}[k] * ty${k - 1}[j];
        }
    }`);
                if (k > 1) {
                    lines.push(`    var yb${k - 1}: array<f32, ${layer.inputs}>;`, `    var tb${k - 1}: array<f32, ${layer.inputs}>;`);
                    lines.push(`    for (var j = 0u; j < ${upto(layer.inputs)}; j++) {
        var sy = 0.0;
        var st = 0.0;
        for (var k = 0u; k < ${upto(layer.outputs)}; k++) {
            let wkj = weights[${w}u + k * ${layer.inputs}u + j];
            sy += wkj * xb${k}[k];
            st += wkj * txb${k}[k];
        }
        yb${k - 1}[j] = sy;
        tb${k - 1}[j] = st;
    }`);
                }
            }
            lines.push('}');
            return lines.join('\n');
        });
        return `${ACTIVATION_FUNCTIONS}\n${ACTIVATION_SECOND}\n${fns.join('\n\n')}\n\n${entry('train.atoms', `    let i = batch_atoms[t];\n    let info = atom_info[i];\n${elementSwitch(l, (e) => `gradient_${e}(i, t, info);`)}`)}`;
    });
}

// ---------------------------------------------------------------- TrainReduce
/** WGSL: s = Σ_{t in the element's segment of the batch} atom_grad[t, q − offset(element)], stored in grad[q]. */
function reduceBody(l: TrainLayout): string {
    const find = l.networks.map((n, e) => `    if (q >= ${n.offset}u && q < ${n.offset + n.count}u) { e = ${e}u; p = q - ${n.offset}u; }`).join('\n');
    return `    let q = t;
    var e = 0u;
    var p = 0u;
${find}
    var s = 0.0;
    for (var a = segments[e]; a < segments[e + 1u]; a++) { s += atom_grad[a * ${l.maxCount}u + p]; }
    grad[q] = s;`;
}

/** WGSL: the Adam (or gradient descent) update of weight t with gradient `g`. */
function adamBody(g: string): string {
    return `    let g = ${g};
    let m = train.beta1 * adam_m[t] + (1.0 - train.beta1) * g;
    let v = train.beta2 * adam_v[t] + (1.0 - train.beta2) * g * g;
    adam_m[t] = m;
    adam_v[t] = v;
    weights[t] = weights[t] - train.lr * m / (sqrt(v) + train.eps);`;
}

/** grad[q] = Σ_{t in the element's segment of the batch} atom_grad[t, q − offset(element)]. */
export function trainReduceKernel(layout: TrainLayout): KernelDefinition<Params> {
    return definition('TrainReduce', layout, (b, l) => {
        b.storage('segments', 'array<u32>', 'read');
        b.storage('atom_grad', 'array<f32>', 'read');
        b.storage('grad', 'array<f32>', 'read_write');
        return entry('train.weights', reduceBody(l));
    });
}

// ---------------------------------------------------------------- TrainReduceAdam
/**
 * TrainReduce, then m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr̂ m/(√v + ε̂) (lr̂ and ε̂
 * bias-corrected by the host) with g the weight's own sum: one dispatch, not a reduction and then an
 * Adam pass (a dispatch costs ~0.07 ms on lavapipe whatever its size). The same f32 arithmetic as
 * the two passes, so the same weights bit for bit.
 */
export function trainReduceAdamKernel(layout: TrainLayout): KernelDefinition<Params> {
    return definition('TrainReduceAdam', layout, (b, l) => {
        b.storage('segments', 'array<u32>', 'read');
        b.storage('atom_grad', 'array<f32>', 'read');
        b.storage('grad', 'array<f32>', 'read_write');
        b.storage('weights', 'array<f32>', 'read_write');
        b.storage('adam_m', 'array<f32>', 'read_write');
        b.storage('adam_v', 'array<f32>', 'read_write');
        return entry('train.weights', `${reduceBody(l)}\n${adamBody('s')}`);
    });
}

/** WGSL (f, f', f'') of an activation; see activationSecond in runtime/src/reference/network.ts. */
export function activationSecondExpression(activation: string, x: string): string {
    switch (activation) {
        case 'linear': return `vec3<f32>(${x}, 1.0, 0.0)`;
        case 'relu': return `act2_relu(${x})`;
        case 'harmonic': return `act2_harmonic(${x})`;
        case 'tanh': case 'logistic': case 'softplus': case 'gaussian': case 'cos': case 'reverse_logistic': case 'exp':
            return `act2_${activation}(${x})`;
        default: throw new Error(`unknown activation ${activation}`);
    }
}

const ACTIVATION_SECOND = `
fn act2_tanh(x: f32) -> vec3<f32> { let f = tanh(x); let d = 1.0 - f * f; return vec3<f32>(f, d, -2.0 * f * d); }
fn act2_logistic(x: f32) -> vec3<f32> {
    if (abs(x) > 35.0) { return vec3<f32>(act_logistic(x).x, 0.0, 0.0); }
    let s = 1.0 / (1.0 + exp(-x));
    return vec3<f32>(s, s * (1.0 - s), s * (1.0 - s) * (1.0 - 2.0 * s));
}
fn act2_softplus(x: f32) -> vec3<f32> {
    let a = act_softplus(x);
    if (abs(x) > 35.0) { return vec3<f32>(a.x, a.y, 0.0); }
    return vec3<f32>(a.x, a.y, a.y * (1.0 - a.y));
}
fn act2_relu(x: f32) -> vec3<f32> { let a = act_relu(x); return vec3<f32>(a.x, a.y, 0.0); }
fn act2_gaussian(x: f32) -> vec3<f32> { let f = exp(-0.5 * x * x); return vec3<f32>(f, -x * f, (x * x - 1.0) * f); }
fn act2_cos(x: f32) -> vec3<f32> { let c = cos(x); return vec3<f32>(c, -sin(x), -c); }
fn act2_reverse_logistic(x: f32) -> vec3<f32> {
    let s = act_logistic(x).x;
    return vec3<f32>(1.0 - s, s * (s - 1.0), -s * (1.0 - s) * (1.0 - 2.0 * s));
}
fn act2_exp(x: f32) -> vec3<f32> { let f = exp(-x); return vec3<f32>(f, -f, f); }
fn act2_harmonic(x: f32) -> vec3<f32> { return vec3<f32>(x * x, 2.0 * x, 2.0); }
`;
