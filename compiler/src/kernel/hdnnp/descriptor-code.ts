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
            return `acc[${index}] += ${w}${c}(r).x * select(0.0, 1.0, r > ${lit(f.low!)} && r < ${lit(f.high!)});`;
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

/** Adds Σ_s w_s dG_s/dr · d/r to fgrad[a] for every slot of the group's species. */
export function radialGradients(group: RadialGroup, table: FunctionTable): string {
    const { lets, names } = cutoffLets(group.functions, table, ['r']);
    const terms = group.functions.map(({ index, f, weight }) => {
        const w = `w[${index}]${weight === 1 ? '' : ` * ${lit(weight)}`}`;
        if (isCompact(f)) {
            const c = table.compact(f.low!, f.high!, f.subtype!, f.subtype!.endsWith('a'));
            return `dgdr += ${w} * ${c}(r).y * select(0.0, 1.0, r > ${lit(f.low!)} && r < ${lit(f.high!)});`;
        }
        // d/dr [exp(−η (r−r_s)²) f_c] = (f_c' − 2η (r − r_s) f_c) exp(−η (r−r_s)²)
        const fc = `${names.get(f)}_1`;
        const dr = `(r - ${lit(f.rshift ?? 0)})`;
        return `dgdr += ${w} * (${fc}.y - ${lit(2 * f.eta!)} * ${dr} * ${fc}.x) * exp(${lit(-f.eta!)} * ${dr} * ${dr});`;
    });
    return `
    for (var a = nb_range[rb + ${group.species}u]; a < nb_range[rb + ${group.species + 1}u]; a++) {
        let d = pv[base + a];
        let r = d.w;
        var dgdr = 0.0;
        ${indent(lets, 8)}
        ${indent(terms.join('\n'), 8)}
        fgrad[a] += dgdr / r * d.xyz;
    }`;
}

// ---------------------------------------------------------------- angular

/**
 * Per-neighbour tables an element's angular functions share, filled once per atom before the pair
 * loops: cutoff values (f_c, f_c') per distinct cutoff, and exp(−η (r − r_s)²) per distinct (η, r_s).
 * Then exp(−η Σ (r − r_s)²) = e(r_ij) e(r_ik) e(r_jk) costs one exp per pair instead of one per term.
 */
export class NeighborTables {
    private readonly cutoffs = new Map<string, { index: number; fn: string }>();
    private readonly exps = new Map<string, { index: number; eta: number; rshift: number }>();

    constructor(functions: readonly PlannedFunction[], private readonly table: FunctionTable) {
        for (const { f } of functions) {
            if (isCompact(f) || !f.cutoff) continue;
            const fn = table.cutoff(f.cutoff);
            if (!this.cutoffs.has(fn)) this.cutoffs.set(fn, { index: this.cutoffs.size, fn });
            const key = `${f.eta}:${f.rshift ?? 0}`;
            if (!this.exps.has(key)) this.exps.set(key, { index: this.exps.size, eta: f.eta!, rshift: f.rshift ?? 0 });
        }
    }

    get counts(): { cutoffs: number; exps: number } {
        return { cutoffs: this.cutoffs.size, exps: this.exps.size };
    }

    cutoffOf(f: SymmetryFunctionIR): { array: string; fn: string } {
        const e = this.cutoffs.get(this.table.cutoff(f.cutoff!))!;
        return { array: `nfc_${e.index}`, fn: e.fn };
    }

    expOf(f: SymmetryFunctionIR): string {
        return `nex_${this.exps.get(`${f.eta}:${f.rshift ?? 0}`)!.index}`;
    }

    /** Loop filling the tables for slots 0..n. */
    fill(): string {
        if (this.cutoffs.size === 0) return '';
        const lines = [...this.cutoffs.values()].map((c) => `nfc_${c.index}[a] = ${c.fn}(r);`);
        for (const e of this.exps.values()) lines.push(`nex_${e.index}[a] = exp(${lit(-e.eta)} * (r - ${lit(e.rshift)}) * (r - ${lit(e.rshift)}));`);
        return `
    for (var a = 0u; a < n; a++) {
        let r = pv[base + a].w;
        ${lines.join('\n        ')}
    }`;
    }
}

/** Module-scope declarations of the tables, sized for the largest element. */
export function neighborTableDecls(counts: ReadonlyArray<{ cutoffs: number; exps: number }>, maxNeighbors: number): string {
    const c = Math.max(0, ...counts.map((x) => x.cutoffs));
    const e = Math.max(0, ...counts.map((x) => x.exps));
    const out: string[] = [];
    for (let k = 0; k < c; k++) out.push(`var<private> nfc_${k}: array<vec2<f32>, ${maxNeighbors}>;`);
    for (let k = 0; k < e; k++) out.push(`var<private> nex_${k}: array<f32, ${maxNeighbors}>;`);
    return out.join('\n');
}

/**
 * One function's term for the current pair, written branch-free: on the CPU driver each SIMD lane
 * is an atom at a different pair, so an `if` per term runs both ways under a mask anyway; a 0/1
 * factor instead made the water kernels 1.4–1.6× faster (measured).
 */
interface AngularTerm {
    /** Lets computing the term's factors (zero outside its window, or where 1 + λ cos θ ≤ 0). */
    readonly lets: string[];
    /** Value T and its partial derivatives ∂T/∂r1, ∂T/∂r2, ∂T/∂r3, ∂T/∂cos θ. */
    readonly value: string;
    readonly d1: string;
    readonly d2: string;
    readonly d3: string;
    readonly dc: string;
}

/**
 * Per-pair quantities (slots a, b; d1 = r_j − r_i, d2 = r_k − r_i, v3 = r_k − r_j), and, per distinct
 * cutoff and (η, r_s) of the group's narrow functions, f_c(r_jk) and exp(−η (r_jk − r_s)²).
 */
function pairPrelude(group: AngularGroup, tables: NeighborTables): string {
    const lines = [
        'let d2 = pv[base + b];',
        'let r2 = d2.w;',
        'let v3 = d2.xyz - d1.xyz;',
        'let r3 = length(v3);',
        'let cos_t = dot(d1.xyz, d2.xyz) / (r1 * r2);',
    ];
    const seen = new Set<string>();
    for (const { f } of group.functions) {
        if (!isNarrow(f) || isCompact(f)) continue;
        const fc = tables.cutoffOf(f);
        if (!seen.has(fc.array)) {
            seen.add(fc.array);
            lines.push(`let ${fc.array}_3 = ${fc.fn}(r3);`);
        }
        const ex = tables.expOf(f);
        if (!seen.has(ex)) {
            seen.add(ex);
            lines.push(`let ${ex}_3 = exp(${lit(-f.eta!)} * (r3 - ${lit(f.rshift ?? 0)}) * (r3 - ${lit(f.rshift ?? 0)}));`);
        }
    }
    return lines.join('\n');
}

/** The term of one function for the current pair, as WGSL expressions (k = unique suffix). */
function angularTerm(f: SymmetryFunctionIR, k: number, tables: NeighborTables, table: FunctionTable): AngularTerm {
    const narrow = isNarrow(f);
    if (isCompact(f)) {
        const c = table.compact(f.low!, f.high!, f.subtype!, f.subtype!.endsWith('a'));
        // Angular part: plain polynomial core (no asymmetric variant), θ in rad.
        const ca = table.compact(f.angleLow!, f.angleHigh!, f.subtype!.replace(/a$/, ''), false);
        const low = lit(f.low!);
        const high = lit(f.high!);
        // θ from atan2(|d1 × d2|, d1 · d2): acos loses half the float32 digits near 0° and 180°;
        // exactly collinear triples (sin θ = 0) lie on the excluded edge cos θ = ±1
        const inside = [`r1 > ${low}`, `r1 < ${high}`, `r2 > ${low}`, `r2 < ${high}`, 'cos_t > -1.0', 'cos_t < 1.0', `cr_${k} > 0.0`,
            `th_${k} >= ${lit(f.angleLow!)}`, `th_${k} <= ${lit(f.angleHigh!)}`];
        if (narrow) inside.push(`r3 * r3 > ${lit(Math.max(f.low!, 0) ** 2)}`, `r3 * r3 < ${lit(f.high! ** 2)}`);
        const lets = [
            `let cr_${k} = length(cross(d1.xyz, d2.xyz));`,
            `let th_${k} = atan2(cr_${k}, dot(d1.xyz, d2.xyz));`,
            // the window mask rides on C_a, a factor of the value and of every derivative
            `let ca_${k} = ${ca}(th_${k}) * select(0.0, 1.0, ${inside.join(' && ')});`,
            `let c1_${k} = ${c}(r1);`,
            `let c2_${k} = ${c}(r2);`,
            narrow ? `let c3_${k} = ${c}(r3);` : `let c3_${k} = vec2<f32>(1.0, 0.0);`,
        ];
        const rad = `c1_${k}.x * c2_${k}.x * c3_${k}.x`;
        return {
            lets,
            value: `${rad} * ca_${k}.x`,
            d1: `c1_${k}.y * c2_${k}.x * c3_${k}.x * ca_${k}.x`,
            d2: `c1_${k}.x * c2_${k}.y * c3_${k}.x * ca_${k}.x`,
            d3: `c1_${k}.x * c2_${k}.x * c3_${k}.y * ca_${k}.x`,
            // dθ/dcos θ = −1/sin θ, sin θ = |d1 × d2| / (r1 r2)
            dc: `${rad} * ca_${k}.y * (-r1 * r2 / max(cr_${k}, 1e-30))`,
        };
    }
    const fc = tables.cutoffOf(f);
    const ex = tables.expOf(f);
    const rs = lit(f.rshift ?? 0);
    const eta2 = lit(2 * f.eta!);
    const zeta = f.zeta!;
    const pre = 2 ** (1 - zeta);
    const f1 = `${fc.array}[a]`;
    const f2 = `${fc.array}[b]`;
    const f3 = narrow ? `${fc.array}_3` : 'vec2<f32>(1.0, 0.0)';
    const lets = [
        // 1 + λ cos θ clamped at 0, and (1+λ cos θ)^(ζ−1) (0 where 1 + λ cos θ ≤ 0), shared by the
        // term and its derivative
        `let bl_${k} = max(1.0 + ${lit(f.lambda!)} * cos_t, 0.0);`,
        `let pm_${k} = select(0.0, ${power(`bl_${k}`, zeta - 1)}, bl_${k} > 0.0);`,
        // exp(−η Σ (r − r_s)²) from the per-neighbour tables
        `let x_${k} = ${ex}[a] * ${ex}[b]${narrow ? ` * ${ex}_3` : ''};`,
        `let ff_${k} = ${f1}.x * ${f2}.x * ${f3}.x;`,
        `let ax_${k} = ${lit(pre)} * pm_${k} * bl_${k} * x_${k};`,
    ];
    return {
        lets,
        value: `ax_${k} * ff_${k}`,
        // ∂/∂r1 [f1 f2 f3 e^{−ηS}] = (f1' f2 f3 − 2η (r1 − r_s) f1 f2 f3) e^{−ηS}; likewise r2, r3
        d1: `ax_${k} * (${f1}.y * ${f2}.x * ${f3}.x - ${eta2} * (r1 - ${rs}) * ff_${k})`,
        d2: `ax_${k} * (${f1}.x * ${f2}.y * ${f3}.x - ${eta2} * (r2 - ${rs}) * ff_${k})`,
        d3: narrow ? `ax_${k} * (${f1}.x * ${f2}.x * ${f3}.y - ${eta2} * (r3 - ${rs}) * ff_${k})` : '0.0',
        // ∂/∂cos θ [2^{1−ζ} (1+λc)^ζ] = 2^{1−ζ} ζ λ (1+λc)^{ζ−1}
        dc: `${lit(pre * zeta * f.lambda!)} * pm_${k} * x_${k} * ff_${k}`,
    };
}

/** Pair loops over unordered pairs {j, k} of the group's species: slot a < b when p = q. */
function pairLoops(group: AngularGroup, body: string, tables: NeighborTables, outer: { before: string; after: string } = { before: '', after: '' }): string {
    const kStart = group.p === group.q ? 'a + 1u' : `nb_range[rb + ${group.q}u]`;
    return `
    for (var a = nb_range[rb + ${group.p}u]; a < nb_range[rb + ${group.p + 1}u]; a++) {
        let d1 = pv[base + a];
        let r1 = d1.w;
        ${outer.before}
        for (var b = ${kStart}; b < nb_range[rb + ${group.q + 1}u]; b++) {
            ${indent(pairPrelude(group, tables), 12)}
            ${indent(body, 12)}
        }
        ${outer.after}
    }`;
}

/** Accumulates G over the group's pairs into acc[]. */
export function angularValues(group: AngularGroup, tables: NeighborTables, table: FunctionTable): string {
    const body = group.functions.map(({ f, weight }, n) => {
        const t = angularTerm(f, n, tables, table);
        const w = weight === 1 ? '' : `${lit(weight)} * `;
        return `${t.lets.join('\n')}\npart_${n} += ${w}${t.value};`;
    });
    // Blocked summation: each slot a sums its partners into a partial first, so a G that is a
    // sum of thousands of pair terms accumulates rounding over ~100 + ~100 additions, not thousands
    // (its error is amplified by G/σ under sigma scaling). (Kahan compensation would be optimised
    // away: the driver compiles with fast-math.)
    const parts = group.functions.map((_, n) => `var part_${n} = 0.0;`).join(' ');
    const flush = group.functions.map(({ index }, n) => `acc[${index}] += part_${n};`).join(' ');
    return pairLoops(group, body.join('\n'), tables, { before: parts, after: flush });
}

/**
 * Adds Σ_s w_s ∂T_s/∂r_j to fgrad[a] and Σ_s w_s ∂T_s/∂r_k to fgrad[b] for each pair (one visit):
 *   ∂T/∂r_j = T_1 d1/r1 − T_3 v3/r3 + T_c (d2/(r1 r2) − cos θ d1/r1²)
 *   ∂T/∂r_k = T_2 d2/r2 + T_3 v3/r3 + T_c (d1/(r1 r2) − cos θ d2/r2²)
 */
export function angularGradients(group: AngularGroup, tables: NeighborTables, table: FunctionTable): string {
    const terms = group.functions.map(({ index, f, weight }, n) => {
        const t = angularTerm(f, n, tables, table);
        const w = `w[${index}]${weight === 1 ? '' : ` * ${lit(weight)}`}`;
        return `${t.lets.join('\n')}\ng1 += ${w} * ${t.d1};\ng2 += ${w} * ${t.d2};\ng3 += ${w} * ${t.d3};\ngc += ${w} * ${t.dc};`;
    });
    const body = `var g1 = 0.0;
var g2 = 0.0;
var g3 = 0.0;
var gc = 0.0;
${terms.join('\n')}
let inv12 = 1.0 / (r1 * r2);
let v3g = select(vec3<f32>(0.0, 0.0, 0.0), g3 / max(r3, 1e-30) * v3, r3 > 0.0);
ga += g1 / r1 * d1.xyz + gc * (d2.xyz * inv12 - cos_t / (r1 * r1) * d1.xyz) - v3g;
fgrad[b] += g2 / r2 * d2.xyz + gc * (d1.xyz * inv12 - cos_t / (r2 * r2) * d2.xyz) + v3g;`;
    // slot a's gradient stays in a register over the inner loop
    return pairLoops(group, body, tables, { before: 'var ga = vec3<f32>(0.0, 0.0, 0.0);', after: 'fgrad[a] += ga;' });
}

function indent(text: string, spaces: number): string {
    const pad = ' '.repeat(spaces);
    return text.split('\n').map((line, i) => (i === 0 ? line : pad + line)).join('\n');
}
