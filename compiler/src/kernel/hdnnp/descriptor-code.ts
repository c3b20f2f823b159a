// WGSL code for symmetry-function groups: values G (for the descriptor kernel) and, per neighbour,
// Σ_s dE/dG_s ∂G_s/∂r_j (for the force kernel). Formulas (N2P2-FORMAT.md §5.3), r in Å, η in Å⁻²:
//   type 2:  G = Σ_j exp(−η (r_ij − r_s)²) f_c(r_ij)                         (12: × Z_j)
//   type 3:  G = 2^{1−ζ} Σ_{j<k} (1+λ cos θ)^ζ exp(−η Σ_{ij,ik,jk} (r − r_s)²) f_c f_c f_c   (13: × Z_j Z_k)
//   type 9:  as 3 without the r_jk terms
//   types 20–25: compact polynomial windows C(r) (and C_a(θ) for the angular ones), no f_c
// Terms with 1 + λ cos θ ≤ 0 are exactly zero (n2p2). All parameters are baked as literals.
import type { CutoffIR, SymmetryFunctionIR } from '../../ir/model-ir.js';
import { f32Literal as lit } from '../wgsl-builder.js';
import type { AngularGroup, PlannedFunction, RadialGroup } from './descriptor-plan.js';
import { compactFunction, cutoffFunction } from './wgsl-functions.js';

/** Collects the helper functions (cutoffs, compact windows) a kernel needs, deduplicated. */
export class FunctionTable {
    private readonly byKey = new Map<string, { name: string; code: string }>();

    cutoff(c: CutoffIR): string {
        return this.get(`fc:${c.kind}:${c.radius}:${c.inner}`, 'fc', (name) => cutoffFunction(name, c));
    }

    compact(low: number, high: number, subtype: string, asymmetric: boolean): string {
        return this.get(`cmp:${low}:${high}:${subtype}:${asymmetric}`, 'cmp', (name) => compactFunction(name, low, high, subtype, asymmetric));
    }

    code(): string {
        return [...this.byKey.values()].map((v) => v.code).join('\n');
    }

    private get(key: string, prefix: string, make: (name: string) => string): string {
        let entry = this.byKey.get(key);
        if (!entry) {
            const name = `${prefix}_${this.byKey.size}`;
            entry = { name, code: make(name) };
            this.byKey.set(key, entry);
        }
        return entry.name;
    }
}

/** Integer powers by repeated squaring, written out (LLVM shares the repeated squares); others through pow(). */
function power(base: string, exponent: number): string {
    if (exponent === 0) return '1.0';
    if (!Number.isInteger(exponent) || exponent < 0 || exponent > 64) return `pow(${base}, ${lit(exponent)})`;
    const factors: string[] = [];
    let square = base;
    for (let n = exponent; n > 0; n >>= 1) {
        if (n & 1) factors.push(square);
        square = `(${square} * ${square})`;
    }
    return factors.join(' * ');
}

const isCompact = (f: SymmetryFunctionIR) => f.n2p2Type >= 20;
const isNarrow = (f: SymmetryFunctionIR) => f.n2p2Type === 3 || f.n2p2Type === 13 || f.n2p2Type === 21 || f.n2p2Type === 24;

/** Distinct cutoffs used by a group, with a local variable name per cutoff for r1, r2, r3. */
function cutoffLets(functions: readonly PlannedFunction[], table: FunctionTable, radii: string[]): { lets: string; names: Map<SymmetryFunctionIR, string> } {
    const names = new Map<SymmetryFunctionIR, string>();
    const used = new Map<string, string>();
    for (const { f } of functions) {
        if (!f.cutoff) continue;
        const fn = table.cutoff(f.cutoff);
        names.set(f, fn);
        used.set(fn, fn);
    }
    const lets = [...used.keys()].flatMap((fn) => radii.map((r, i) => `let ${fn}_${i + 1} = ${fn}(${r});`)).join('\n');
    return { lets, names };
}

// ---------------------------------------------------------------- radial

/** Loop over the group's neighbour range accumulating G into acc[index]. */
export function radialValues(group: RadialGroup, table: FunctionTable): string {
    const { lets, names } = cutoffLets(group.functions, table, ['r']);
    const terms = group.functions.map(({ index, f, weight }) => {
        const w = weight === 1 ? '' : `${lit(weight)} * `;
        if (isCompact(f)) {
            const c = table.compact(f.low!, f.high!, f.subtype!, f.subtype!.endsWith('a'));
            return `if (r > ${lit(f.low!)} && r < ${lit(f.high!)}) { acc[${index}] += ${w}${c}(r).x; }`;
        }
        const dr = `(r - ${lit(f.rshift ?? 0)})`;
        return `acc[${index}] += ${w}exp(${lit(-f.eta!)} * ${dr} * ${dr}) * ${names.get(f)}_1.x;`;
    });
    return `
    for (var a = nb_range[rb + ${group.species}u]; a < nb_range[rb + ${group.species + 1}u]; a++) {
        let r = pv[base + a].w;
        ${indent(lets, 8)}
        ${indent(terms.join('\n'), 8)}
    }`;
}

/** dG/dr summed over the group's functions weighted by dE/dG (in w[]), for the slot in `r`. */
export function radialDerivative(group: RadialGroup, table: FunctionTable): string {
    const { lets, names } = cutoffLets(group.functions, table, ['r']);
    const terms = group.functions.map(({ index, f, weight }) => {
        const w = `w[${index}]${weight === 1 ? '' : ` * ${lit(weight)}`}`;
        if (isCompact(f)) {
            const c = table.compact(f.low!, f.high!, f.subtype!, f.subtype!.endsWith('a'));
            return `if (r > ${lit(f.low!)} && r < ${lit(f.high!)}) { dgdr += ${w} * ${c}(r).y; }`;
        }
        // d/dr [exp(−η (r−r_s)²) f_c] = (f_c' − 2η (r − r_s) f_c) exp(−η (r−r_s)²)
        const fc = `${names.get(f)}_1`;
        const dr = `(r - ${lit(f.rshift ?? 0)})`;
        return `dgdr += ${w} * (${fc}.y - ${lit(2 * f.eta!)} * ${dr} * ${fc}.x) * exp(${lit(-f.eta!)} * ${dr} * ${dr});`;
    });
    return `
        if (a >= nb_range[rb + ${group.species}u] && a < nb_range[rb + ${group.species + 1}u]) {
            ${indent(lets, 12)}
            ${indent(terms.join('\n'), 12)}
        }`;
}

// ---------------------------------------------------------------- angular

/**
 * Per-pair quantities: d1 = r_j − r_i, d2 = r_k − r_i, v3 = r_k − r_j, their lengths, cos θ_ijk,
 * and the cutoffs of the group's functions at r1, r2, r3.
 */
function pairPrelude(group: AngularGroup, table: FunctionTable): { code: string; names: Map<SymmetryFunctionIR, string> } {
    const { lets, names } = cutoffLets(group.functions, table, ['r1', 'r2', 'r3']);
    const code = `let d2 = pv[base + b];
let r2 = d2.w;
let v3 = d2.xyz - d1.xyz;
let r3 = length(v3);
let cos_t = dot(d1.xyz, d2.xyz) / (r1 * r2);
${lets}`;
    return { code, names };
}

interface AngularTerm {
    /** Lets the guard needs. */
    readonly pre: string[];
    /** Guard of the term (window checks); the term is zero outside. */
    readonly guard: string;
    /** Lets computing the term's factors. */
    readonly lets: string[];
    /** Value T, and ∂T/∂r1, ∂T/∂r3, ∂T/∂cos θ. */
    readonly value: string;
    readonly d1: string;
    readonly d3: string;
    readonly dc: string;
}

/** The term of one function for the current pair, as WGSL expressions (k = unique suffix). */
function angularTerm(f: SymmetryFunctionIR, k: number, names: Map<SymmetryFunctionIR, string>, table: FunctionTable): AngularTerm {
    const narrow = isNarrow(f);
    if (isCompact(f)) {
        const c = table.compact(f.low!, f.high!, f.subtype!, f.subtype!.endsWith('a'));
        // Angular part: plain polynomial core (no asymmetric variant), θ in rad.
        const ca = table.compact(f.angleLow!, f.angleHigh!, f.subtype!.replace(/a$/, ''), false);
        const low = lit(f.low!);
        const high = lit(f.high!);
        const lowSq = lit(Math.max(f.low!, 0) ** 2);
        const guards = [`r1 > ${low}`, `r1 < ${high}`, `r2 > ${low}`, `r2 < ${high}`, 'cos_t > -1.0', 'cos_t < 1.0'];
        if (narrow) guards.push(`r3 * r3 > ${lowSq}`, `r3 * r3 < ${lit(f.high! ** 2)}`);
        const lets = [
            `let th_${k} = acos(cos_t);`,
            `let ca_${k} = ${ca}(th_${k});`,
            `let c1_${k} = ${c}(r1);`,
            `let c2_${k} = ${c}(r2);`,
            narrow ? `let c3_${k} = ${c}(r3);` : `let c3_${k} = vec2<f32>(1.0, 0.0);`,
        ];
        const inWindow = `(th_${k} >= ${lit(f.angleLow!)} && th_${k} <= ${lit(f.angleHigh!)})`;
        lets.push(`let win_${k} = select(0.0, 1.0, ${inWindow});`);
        const rad = `c1_${k}.x * c2_${k}.x * c3_${k}.x`;
        return {
            pre: [],
            guard: guards.join(' && '),
            lets,
            value: `win_${k} * ${rad} * ca_${k}.x`,
            d1: `win_${k} * c1_${k}.y * c2_${k}.x * c3_${k}.x * ca_${k}.x`,
            d3: `win_${k} * c1_${k}.x * c2_${k}.x * c3_${k}.y * ca_${k}.x`,
            // dθ/dcos θ = −1/sin θ
            dc: `win_${k} * ${rad} * ca_${k}.y * (-1.0 / sqrt(1.0 - cos_t * cos_t))`,
        };
    }
    const fc = names.get(f)!;
    const rs = lit(f.rshift ?? 0);
    const eta = f.eta!;
    const zeta = f.zeta!;
    const lambda = f.lambda!;
    const pre = 2 ** (1 - zeta);
    const exponent = narrow
        ? `(r1 - ${rs}) * (r1 - ${rs}) + (r2 - ${rs}) * (r2 - ${rs}) + (r3 - ${rs}) * (r3 - ${rs})`
        : `(r1 - ${rs}) * (r1 - ${rs}) + (r2 - ${rs}) * (r2 - ${rs})`;
    const f3x = narrow ? `${fc}_3.x` : '1.0';
    const lets = [
        // (1+λ cos θ)^(ζ−1), so that both the power and its derivative share one evaluation
        `let pm_${k} = ${power(`bl_${k}`, zeta - 1)};`,
        `let x_${k} = exp(${lit(-eta)} * (${exponent}));`,
        `let ff_${k} = ${fc}_1.x * ${fc}_2.x * ${f3x};`,
    ];
    const a = `${lit(pre)} * pm_${k} * bl_${k}`;
    return {
        pre: [`let bl_${k} = 1.0 + ${lit(lambda)} * cos_t;`],
        guard: `bl_${k} > 0.0`,
        lets,
        value: `${a} * x_${k} * ff_${k}`,
        // ∂/∂r1 [f1 f2 f3 e^{−ηS}] = (f1' f2 f3 − 2η (r1 − r_s) f1 f2 f3) e^{−ηS}
        d1: `${a} * x_${k} * (${fc}_1.y * ${fc}_2.x * ${f3x} - ${lit(2 * eta)} * (r1 - ${rs}) * ff_${k})`,
        d3: narrow ? `${a} * x_${k} * (${fc}_1.x * ${fc}_2.x * ${fc}_3.y - ${lit(2 * eta)} * (r3 - ${rs}) * ff_${k})` : '0.0',
        // ∂/∂cos θ [2^{1−ζ} (1+λc)^ζ] = 2^{1−ζ} ζ λ (1+λc)^{ζ−1}
        dc: `${lit(pre * zeta * lambda)} * pm_${k} * x_${k} * ff_${k}`,
    };
}

/** Loops over unordered pairs {j, k} of the group's species, accumulating G into acc[]. */
export function angularValues(group: AngularGroup, table: FunctionTable): string {
    const { code, names } = pairPrelude(group, table);
    const body = group.functions.map(({ index, f, weight }, n) => {
        const t = angularTerm(f, n, names, table);
        const w = weight === 1 ? '' : `${lit(weight)} * `;
        return `${t.pre.join('\n')}\nif (${t.guard}) {\n    ${t.lets.join('\n    ')}\n    acc[${index}] += ${w}${t.value};\n}`;
    });
    const kStart = group.p === group.q ? 'a + 1u' : `nb_range[rb + ${group.q}u]`;
    return `
    for (var a = nb_range[rb + ${group.p}u]; a < nb_range[rb + ${group.p + 1}u]; a++) {
        let d1 = pv[base + a];
        let r1 = d1.w;
        for (var b = ${kStart}; b < nb_range[rb + ${group.q + 1}u]; b++) {
            ${indent(code, 12)}
            ${indent(body.join('\n'), 12)}
        }
    }`;
}

/**
 * A function `name(base, rb, a, d1, k_start, k_end) -> vec3` returning Σ_s w_s ∂G_s/∂r_j for the
 * neighbour in slot a (vector d1) over partners k in [k_start, k_end), k ≠ a:
 *   ∂T/∂r_j = ∂T/∂r1 · d1/r1 − ∂T/∂r3 · v3/r3 + ∂T/∂cos θ · (d2/(r1 r2) − cos θ d1/r1²)
 */
export function angularDerivativeFunction(name: string, group: AngularGroup, table: FunctionTable): string {
    const { code, names } = pairPrelude(group, table);
    const body = group.functions.map(({ index, f, weight }, n) => {
        const t = angularTerm(f, n, names, table);
        const w = `w[${index}]${weight === 1 ? '' : ` * ${lit(weight)}`}`;
        return `${t.pre.join('\n')}\nif (${t.guard}) {\n    ${t.lets.join('\n    ')}\n    g1 += ${w} * ${t.d1};\n    g3 += ${w} * ${t.d3};\n    gc += ${w} * ${t.dc};\n}`;
    });
    return `
fn ${name}(base: u32, a: u32, d1: vec4<f32>, k_start: u32, k_end: u32) -> vec3<f32> {
    let r1 = d1.w;
    var grad = vec3<f32>(0.0, 0.0, 0.0);
    for (var b = k_start; b < k_end; b++) {
        if (b == a) { continue; }
        var g1 = 0.0;
        var g3 = 0.0;
        var gc = 0.0;
        ${indent(code, 8)}
        ${indent(body.join('\n'), 8)}
        grad += g1 / r1 * d1.xyz + gc * (d2.xyz / (r1 * r2) - cos_t / (r1 * r1) * d1.xyz);
        if (r3 > 0.0) { grad -= g3 / r3 * v3; }
    }
    return grad;
}
`;
}

function indent(text: string, spaces: number): string {
    const pad = ' '.repeat(spaces);
    return text.split('\n').map((line, i) => (i === 0 ? line : pad + line)).join('\n');
}
