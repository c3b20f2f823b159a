// WGSL code for symmetry-function groups: values G (for the descriptor kernel) and, per neighbour,
// Σ_s dE/dG_s ∂G_s/∂r_j (for the force kernel). Formulas (N2P2-FORMAT.md §5.3), r in Å, η in Å⁻²:
//   type 2:  G = Σ_j exp(−η (r_ij − r_s)²) f_c(r_ij)                         (12: × Z_j)
//   type 3:  G = 2^{1−ζ} Σ_{j<k} (1+λ cos θ)^ζ exp(−η Σ_{ij,ik,jk} (r − r_s)²) f_c f_c f_c   (13: × Z_j Z_k)
//   type 9:  as 3 without the r_jk terms
//   types 20–25: compact polynomial windows C(r) (and C_a(θ) for the angular ones), no f_c
// Terms with 1 + λ cos θ ≤ 0 are exactly zero (n2p2). All parameters are baked as literals.
//
// Layout: one workgroup of LANES invocations (one subgroup) per atom. The lanes split the atom's
// neighbour slots: lane l takes the slots start + l, start + l + LANES, … of each species range, for
// radial terms, as slot a of angular pairs, and as the owner of the slot's force entry. For angular
// pairs the partner slots b come in chunks of LANES: each lane loads one, and an inner loop hands
// slot b = chunk + j to every lane with subgroupShuffle. On a CPU driver such as lavapipe a lane is a
// SIMD element: a load at a per-lane index costs a scalar load per lane (and private arrays at any
// index cost more), while a shuffle at a loop-uniform j is a register permute. The per-atom
// layout (one lane per atom, partner data from memory) was ~2× slower for water (measured).
// Every sum runs in a fixed order, so results stay bit-identical run to run.
import type { CutoffIR, SymmetryFunctionIR } from '../../ir/model-ir.js';
import { f32Literal as lit } from '../wgsl-builder.js';
import type { AngularGroup, PlannedFunction, RadialGroup } from './descriptor-plan.js';
import type { LaneExchange, Published } from './lane-exchange.js';
import { LANES } from './lanes.js';
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

/**
 * Gaussian factors exp(−x) whose exponent x exceeds this are flushed to 0 (radial terms, per-slot
 * factors, joint narrow exponentials): such a term is below e^−44 ≈ 2^−63.5 (×2 for an angular factor),
 * ~11 orders of magnitude under float32's resolution of any symmetry function it adds to, while the
 * products it would enter (cutoffs, angular factors, weights) reach float32's subnormal range, whose
 * arithmetic costs ~100× on a CPU (lavapipe runs with subnormals on; WGSL cannot ask to flush them).
 * Water potential, 1080 atoms: the joint exponential with the cap and the flushes made the descriptor kernel
 * 10% and the force kernel 15% faster.
 */
const FLUSH_EXPONENT = 44;

/** (r − r_s)² as WGSL. */
function square(r: string, rshift: number): string {
    return rshift === 0 ? `${r} * ${r}` : `(${r} - ${lit(rshift)}) * (${r} - ${lit(rshift)})`;
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

/** exp(−η (r − r_s)²) of a radial term, flushed to 0 where it can fall below e^−FLUSH_EXPONENT. */
function radialGaussian(f: SymmetryFunctionIR): string {
    return gaussian(f.eta!, 'r', f.rshift ?? 0, f.cutoff!.radius);
}

/** exp(−η (r − r_s)²) for r < `radius`, flushed to 0 where it can fall below e^−FLUSH_EXPONENT. */
function gaussian(eta: number, r: string, rshift: number, radius: number): string {
    const arg = `${lit(eta)} * ${square(r, rshift)}`;
    return flushedWhere(`exp(-(${arg}))`, arg, FLUSH_EXPONENT, eta * (radius + Math.abs(rshift)) ** 2);
}

/**
 * `value`, a factor exp(−x) (or a power of it) whose exponent is `exponent`, flushed to 0 beyond `limit`
 * where its largest exponent `reach` can exceed FLUSH_EXPONENT (elsewhere as it is: no compare, no select).
 */
function flushedWhere(value: string, exponent: string, limit: number, reach: number): string {
    return reach > FLUSH_EXPONENT ? `select(0.0, ${value}, ${exponent} < ${lit(limit)})` : value;
}

/** Loop over this lane's slots of the group's species (slots lane, lane + LANES, …). */
function laneSlots(species: number, body: string): string {
    return `
    for (var a0 = nb_range[rb + ${species}u]; a0 < nb_range[rb + ${species + 1}u]; a0 += ${LANES}u) {
        let a = a0 + lane;
        if (a < nb_range[rb + ${species + 1}u]) {
            ${indent(body, 12)}
        }
    }`;
}

/** This lane's share of the group's radial terms, accumulated into acc[index]. */
export function radialValues(group: RadialGroup, table: FunctionTable): string {
    const { lets, names } = cutoffLets(group.functions, table, ['r']);
    const terms = group.functions.map(({ index, f, weight }) => {
        const w = weight === 1 ? '' : `${lit(weight)} * `;
        if (isCompact(f)) {
            const c = table.compact(f.low!, f.high!, f.subtype!, f.subtype!.endsWith('a'));
            return `acc[${index}] += ${w}${c}(r).x * select(0.0, 1.0, r > ${lit(f.low!)} && r < ${lit(f.high!)});`;
        }
        return `acc[${index}] += ${w}${radialGaussian(f)} * ${names.get(f)}_1.x;`;
    });
    return laneSlots(group.species, `let r = pv[base + a].w;
${lets}
${terms.join('\n')}`);
}

/**
 * Writes Σ_s w_s dG_s/dr · d/r to pf[a] for this lane's slots of the group's species: the first part
 * of those slots' p (a store, no read; the group is the only radial one of its species).
 */
export function radialGradients(group: RadialGroup, table: FunctionTable): string {
    const { lets, names } = cutoffLets(group.functions, table, ['r']);
    const terms = group.functions.map(({ index, f, weight }) => {
        const w = `w_${index}${weight === 1 ? '' : ` * ${lit(weight)}`}`;
        if (isCompact(f)) {
            const c = table.compact(f.low!, f.high!, f.subtype!, f.subtype!.endsWith('a'));
            return `dgdr += ${w} * ${c}(r).y * select(0.0, 1.0, r > ${lit(f.low!)} && r < ${lit(f.high!)});`;
        }
        // d/dr [exp(−η (r−r_s)²) f_c] = (f_c' − 2η (r − r_s) f_c) exp(−η (r−r_s)²)
        const fc = `${names.get(f)}_1`;
        const dr = `(r - ${lit(f.rshift ?? 0)})`;
        return `dgdr += ${w} * (${fc}.y - ${lit(2 * f.eta!)} * ${dr} * ${fc}.x) * ${radialGaussian(f)};`;
    });
    return laneSlots(group.species, `let d = pv[base + a];
let r = d.w;
var dgdr = 0.0;
${lets}
${terms.join('\n')}
pf[base + a] = vec4<f32>(dgdr / r * d.xyz, 0.0);`);
}

// ---------------------------------------------------------------- angular

/**
 * Per-neighbour quantities an element's angular functions share, computed once per slot and chunk
 * (not per pair), per distinct cutoff f_c and (η, r_s):
 *   nfc = (f_c, f_c')(r), nfx = f_c,  nex = exp(−η (r − r_s)²),  npx = nex f_c  (a slot's whole factor
 *   in a wide term),  nsq = (r − r_s)² (per r_s of the narrow terms),
 *   nrho = f_c'/f_c (0 where f_c = 0), so that ∂(npx)/∂r = npx (nrho − 2η (r − r_s)), and nkap = nrho/r.
 * A wide term then needs npx(r_ij) npx(r_ik); a narrow one f_c(r_ij) f_c(r_ik) f_c(r_jk) and the joint
 * exp(−η Σ (r − r_s)²) over the three distances (njx, pairPrelude): one exp per pair (per r_s) either way,
 * and a lane hands its partners f_c alone instead of one product per η.
 */
export class NeighborTables {
    private readonly cutoffs = new Map<string, { index: number; fn: string }>();
    private readonly exps = new Map<string, { index: number; eta: number; rshift: number }>();
    private readonly products = new Map<string, { cutoff: number; exp: number }>();
    /** Distinct r_s of the narrow Gaussian terms: nsq_k = (r − r_s)². */
    private readonly shifts = new Map<number, number>();

    /** The largest cutoff radius of the functions (bounds r). */
    private radius = 0;

    constructor(functions: readonly PlannedFunction[], private readonly table: FunctionTable) {
        for (const { f } of functions) {
            if (isCompact(f) || !f.cutoff) continue;
            this.radius = Math.max(this.radius, f.cutoff.radius);
            const fn = table.cutoff(f.cutoff);
            if (!this.cutoffs.has(fn)) this.cutoffs.set(fn, { index: this.cutoffs.size, fn });
            const key = `${f.eta}:${f.rshift ?? 0}`;
            if (!this.exps.has(key)) this.exps.set(key, { index: this.exps.size, eta: f.eta!, rshift: f.rshift ?? 0 });
            const cutoff = this.cutoffs.get(fn)!.index;
            const exp = this.exps.get(key)!.index;
            if (isNarrow(f)) {
                const rshift = f.rshift ?? 0;
                if (!this.shifts.has(rshift)) this.shifts.set(rshift, this.shifts.size);
            } else {
                this.products.set(`${cutoff}_${exp}`, { cutoff, exp });
            }
        }
    }

    /** The name of a narrow term's joint exp(−η Σ_{ij,ik,jk} (r − r_s)²) (a pair's let, pairPrelude). */
    jointOf(f: SymmetryFunctionIR): string {
        return `njx_${this.exps.get(`${f.eta}:${f.rshift ?? 0}`)!.index}`;
    }

    /** The name (without suffix) of (r − r_s)² for a narrow term's r_s. */
    squareOf(rshift: number): string {
        return `nsq_${this.shifts.get(rshift)!}`;
    }

    /** The name (without suffix) of f_c(r) of f's cutoff. */
    cutoffValueOf(f: SymmetryFunctionIR): string {
        return `nfx_${this.cutoffs.get(this.table.cutoff(f.cutoff!))!.index}`;
    }

    cutoffOf(f: SymmetryFunctionIR): { array: string; fn: string; kappa: string } {
        const e = this.cutoffs.get(this.table.cutoff(f.cutoff!))!;
        return { array: `nfc_${e.index}`, fn: e.fn, kappa: `nkap_${e.index}` };
    }

    /** The name of exp(−η (r − r_s)²) f_c(r) of f's (η, r_s) and cutoff. */
    productOf(f: SymmetryFunctionIR): string {
        const cutoff = this.cutoffs.get(this.table.cutoff(f.cutoff!))!.index;
        return `npx_${cutoff}_${this.exps.get(`${f.eta}:${f.rshift ?? 0}`)!.index}`;
    }

    /** Lets of every table at distance `r` (1/r = `inv`), named `<table>_<suffix>` (unused ones are dropped by the compiler). */
    values(r: string, inv: string, suffix: string): string {
        const lines = [...this.cutoffs.values()].flatMap((c) => [
            `let nfc_${c.index}_${suffix} = ${c.fn}(${r});`,
            `let nrho_${c.index}_${suffix} = select(0.0, nfc_${c.index}_${suffix}.y / nfc_${c.index}_${suffix}.x, nfc_${c.index}_${suffix}.x > 0.0);`,
            `let nkap_${c.index}_${suffix} = nrho_${c.index}_${suffix} * ${inv};`,
            `let nfx_${c.index}_${suffix} = nfc_${c.index}_${suffix}.x;`,
        ]);
        for (const [rshift, k] of this.shifts) lines.push(`let nsq_${k}_${suffix} = ${square(r, rshift)};`);
        const used = new Set([...this.products.values()].map(({ exp }) => exp));
        for (const e of this.exps.values()) if (used.has(e.index)) lines.push(`let nex_${e.index}_${suffix} = ${gaussian(e.eta, r, e.rshift, this.radius)};`);
        for (const { cutoff, exp } of this.products.values()) lines.push(`let npx_${cutoff}_${exp}_${suffix} = nex_${exp}_${suffix} * nfc_${cutoff}_${suffix}.x;`);
        return lines.join('\n');
    }

    /** The table values at suffix `suffix` a lane publishes to the others: the products, f_c and f_c'/(f_c r). */
    published(suffix: string): Published[] {
        return [
            ...[...this.products.values()].map(({ cutoff, exp }) => ({ name: `npx_${cutoff}_${exp}_${suffix}`, type: 'f32' })),
            ...[...this.cutoffs.values()].flatMap((c) => [{ name: `nfx_${c.index}_${suffix}`, type: 'f32' }, { name: `nkap_${c.index}_${suffix}`, type: 'f32' }]),
        ];
    }

    /** Lets of the tables a receiver computes from the partner's distance `r` itself (cheaper than a shuffle): nsq. */
    local(r: string, suffix: string): string {
        return [...this.shifts].map(([rshift, k]) => `let nsq_${k}_${suffix} = ${square(r, rshift)};`).join('\n');
    }

    /** Lets `<name>_<to>` = lane `src`'s `<name>_<from>`, for every published table. */
    received(from: string, to: string, src: string, exchange: LaneExchange): string {
        return this.published(from).map(({ name }) => `let ${name.slice(0, -from.length)}${to} = ${exchange.read(name, src)};`).join('\n');
    }
}

/**
 * One function's term for the current pair, written branch-free: on the CPU driver each SIMD lane
 * holds a different pair, so an `if` per term runs both ways under a mask anyway; a 0/1 factor
 * instead made the water kernels 1.4–1.6× faster (measured). `lets` compute the term's factors
 * (zero outside its window, or where 1 + λ cos θ ≤ 0).
 */
type AngularTerm = CompactTerm | GaussianTerm;

/** Compact types (21, 22, 24, 25): the value T and ∂T/∂r1, ∂T/∂r2, ∂T/∂r3, ∂T/∂cos θ. */
interface CompactTerm {
    readonly kind: 'compact';
    readonly lets: string[];
    readonly value: string;
    readonly d1: string;
    readonly d2: string;
    readonly d3: string;
    readonly dc: string;
}

/**
 * Gaussian types (3, 9, 13): T = P(cos θ) y f_c(r_jk) with the angular factor P = 2^{1−ζ} (1 + λ cos θ)^ζ
 * and y = npx(r_ij) npx(r_ik) for wide functions (NeighborTables: npx = exp × f_c), y = f_c(r_ij) f_c(r_ik)
 * exp(−η Σ (r − r_s)²) over the three distances for narrow ones (f_c(r_jk) apart). Functions that share
 * y and the cutoff (a class) are summed through their angular factors
 * first, so a function costs a multiply-add or two per pair instead of a full term and four derivatives.
 */
interface GaussianTerm {
    readonly kind: 'gaussian';
    readonly lets: string[];
    /** Key of the cutoff: functions with equal keys share f_c(r_jk) and f_c'/f_c per slot. */
    readonly ffKey: string;
    /** (f_c, f_c')(r_jk) for narrow functions. */
    readonly f3: string;
    /** f_c'/(f_c r) of slots a and b. */
    readonly kappa: readonly [string, string];
    readonly narrow: boolean;
    /** Key of y: equal within a class (with equal ffKey). */
    readonly xKey: string;
    /** y's let and name. */
    readonly y: string;
    /** Narrow terms: y = cutoffs × joint, f_c(r_ij) f_c(r_ik) and exp(−η Σ (r − r_s)²) apart. */
    readonly split?: { readonly cutoffs: string; readonly joint: string };
    readonly eta: number;
    readonly rshift: number;
    /** P and dP/dcos θ. */
    readonly angular: string;
    readonly dAngular: string;
    /** Integer ζ ≥ 1 and |λ| ≤ 1: P is a polynomial in cos θ (the force kernel may sum it as one). */
    readonly polynomial: { readonly lambda: number; readonly zeta: number } | undefined;
}

/**
 * Per-pair quantities (slots a, b; d1 = r_j − r_i, d2 = r_k − r_i, v3 = r_k − r_j): slot b's vector
 * and tables from lane j, and, per distinct cutoff and (η, r_s) of the group's narrow functions,
 * f_c(r_jk) and exp(−η (r_jk − r_s)²).
 */
function pairPrelude(group: AngularGroup, tables: NeighborTables, exchange: LaneExchange): string {
    const lines = [
        `let d2 = ${exchange.read('od', 'src')};`,
        'let r2 = d2.w;',
        `let inv_r2 = ${exchange.read('inv_ro', 'src')};`,
        tables.received('o', 'b', 'src', exchange),
        tables.local('r2', 'b'),
        'let v3 = d2.xyz - d1.xyz;',
        // exp(−η r3²) from s3 = r3² directly: not behind the square root on the pair's critical path
        'let s3 = dot(v3, v3);',
        'let r3 = sqrt(s3);',
        'let cos_t = dot(d1.xyz, d2.xyz) * (inv_r1 * inv_r2);',
        // cos θ within [−1, 1] (rounding can leave it just outside): then 1 + λ cos θ ≥ 0 for |λ| ≤ 1
        'let cos_c = clamp(cos_t, -1.0, 1.0);',
    ];
    const seen = new Set<string>();
    const exps = new Map<string, { eta: number; rshift: number }>();
    // per r_s, the largest cutoff radius of its narrow terms: beyond it every f_c(r_jk) is 0
    const reach = new Map<number, number>();
    for (const { f } of group.functions) {
        if (!isNarrow(f) || isCompact(f)) continue;
        const fc = tables.cutoffOf(f);
        if (!seen.has(fc.array)) {
            seen.add(fc.array);
            lines.push(`let ${fc.array}_3 = ${fc.fn}(r3);`);
        }
        const rshift = f.rshift ?? 0;
        exps.set(tables.jointOf(f), { eta: f.eta!, rshift });
        reach.set(rshift, Math.max(reach.get(rshift) ?? 0, f.cutoff!.radius));
    }
    // S = Σ (r − r_s)² over r_ij, r_ik and r_jk (r_jk² = s3 directly: not behind the square root), with
    // r_jk capped at the cutoff radius: the terms vanish beyond it (f_c(r_jk) = 0), and the cap keeps
    // exp(−η S) and its powers out of float32's subnormal range (FLUSH_EXPONENT) for the half of the
    // pairs with r_jk > r_c, whose exponent would otherwise reach η (2 r_c)²
    const sum = (rshift: number) => {
        const sq = tables.squareOf(rshift);
        const rc = reach.get(rshift)!;
        return `(${sq}_a + ${sq}_b + ${rshift === 0 ? `min(s3, ${lit(rc * rc)})` : square(`min(r3, ${lit(rc)})`, rshift)})`;
    };
    // S's largest value, r_ij, r_ik and (capped) r_jk ≤ r_c: where a flush is needed (a list with a longer
    // cutoff than these terms' gives larger S, which only costs speed: terms vanish beyond r_c)
    const largest = (rshift: number) => 3 * (reach.get(rshift)! + Math.abs(rshift)) ** 2;
    lines.push(...exponentials(exps, sum, largest));
    return lines.join('\n');
}

/**
 * Lets `<name> = exp(−η S(r_s))` for each (η, r_s) (S: `sum`, at most `largest` of r_s). Where η is a
 * small integer multiple n of the smallest η of its r_s, the value is the base exponential to the n-th
 * power by repeated squaring: a few multiplications instead of an exp per η. Its float32 error, ~n ulp
 * of the base, is of the size of the rounding of the argument η S that a direct exp inherits anyway.
 * Values that can fall below e^−FLUSH_EXPONENT are flushed to 0 there (a compare and a select).
 */
function exponentials(exps: ReadonlyMap<string, { eta: number; rshift: number }>, sum: (rshift: number) => string, largest: (rshift: number) => number): string[] {
    const lines: string[] = [];
    const byShift = new Map<number, Array<[string, number]>>();
    for (const [name, { eta, rshift }] of exps) {
        if (!byShift.has(rshift)) byShift.set(rshift, []);
        byShift.get(rshift)!.push([name, eta]);
    }
    let k = 0;
    for (const [rshift, list] of byShift) {
        const base = Math.min(...list.map(([, eta]) => eta));
        const sq = sum(rshift);
        const smax = largest(rshift);
        const baseName = `eb_${k}`;
        const baseArg = `xb_${k++}`;
        const powers: string[] = [];
        for (const [name, eta] of list) {
            const n = Math.round(eta / base);
            if (base > 0 && n <= 32 && Math.abs(eta / base - n) < 1e-9 * n) {
                powers.push(`let ${name} = ${flushedWhere(n === 1 ? baseName : power(baseName, n), baseArg, FLUSH_EXPONENT / n, n * base * smax)};`);
            } else {
                lines.push(`let x_${name} = ${lit(eta)} * ${sq};`, `let ${name} = ${flushedWhere(`exp(-x_${name})`, `x_${name}`, FLUSH_EXPONENT, eta * smax)};`);
            }
        }
        if (powers.length) lines.unshift(`let ${baseArg} = ${lit(base)} * ${sq};`, `let ${baseName} = exp(-${baseArg});`, ...powers);
    }
    return lines;
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
            kind: 'compact',
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
    const px = tables.productOf(f);
    const fx = tables.cutoffValueOf(f);
    const zeta = f.zeta!;
    const pre = 2 ** (1 - zeta);
    // With integer ζ ≥ 1 and |λ| ≤ 1, 1 + λ cos θ ≥ 0 already (cos θ clamped): no clamp or mask per
    // function; (1+λc)^(ζ−1) is 0 where 1 + λc = 0 except for ζ = 1, whose derivative n2p2 zeroes there.
    const plain = Number.isInteger(zeta) && zeta >= 1 && zeta <= 64 && Math.abs(f.lambda!) <= 1;
    const lets = plain
        ? [
            `let bl_${k} = 1.0 + ${lit(f.lambda!)} * cos_c;`,
            `let pm_${k} = ${zeta === 1 ? `select(0.0, 1.0, bl_${k} > 0.0)` : power(`bl_${k}`, zeta - 1)};`,
        ]
        : [
            // 1 + λ cos θ clamped at 0, and (1+λ cos θ)^(ζ−1) (0 where 1 + λ cos θ ≤ 0), shared by
            // the angular factor and its derivative
            `let bl_${k} = max(1.0 + ${lit(f.lambda!)} * cos_t, 0.0);`,
            `let pm_${k} = select(0.0, ${power(`bl_${k}`, zeta - 1)}, bl_${k} > 0.0);`,
        ];
    // narrow: f_c(r_ij) f_c(r_ik) exp(−η Σ (r − r_s)²), the product of f_c shared by the group's terms
    const split = narrow ? { cutoffs: `(${fx}_a * ${fx}_b)`, joint: tables.jointOf(f) } : undefined;
    return {
        kind: 'gaussian',
        lets: [...lets, `let y_${k} = ${split ? `${split.cutoffs} * ${split.joint}` : `${px}_a * ${px}_b`};`],
        ffKey: `${fc.array}:${narrow}`,
        f3: `${fc.array}_3`,
        kappa: [`${fc.kappa}_a`, `${fc.kappa}_b`],
        narrow,
        xKey: `${px}:${narrow}`,
        y: `y_${k}`,
        ...(split ? { split } : {}),
        eta: f.eta!,
        rshift: f.rshift ?? 0,
        angular: `${lit(pre)} * pm_${k} * bl_${k}`,
        // ∂/∂cos θ [2^{1−ζ} (1+λc)^ζ] = 2^{1−ζ} ζ λ (1+λc)^{ζ−1}
        dAngular: `${lit(pre * zeta * f.lambda!)} * pm_${k}`,
        polynomial: plain ? { lambda: f.lambda!, zeta } : undefined,
    };
}

/**
 * Gaussian-type functions of a group by cutoff product (ffKey) and, within it, by exponential
 * (xKey): the classes whose angular factors are summed before x and ff are applied.
 */
type Planned<T> = { t: T; n: number; index: number; weight: number };

function gaussianClasses(terms: ReadonlyArray<Planned<AngularTerm>>): Array<{ g: GaussianTerm; byX: Map<string, Array<Planned<GaussianTerm>>> }> {
    const byFf = new Map<string, { g: GaussianTerm; byX: Map<string, Array<Planned<GaussianTerm>>> }>();
    for (const term of terms) {
        const g = term.t;
        if (g.kind !== 'gaussian') continue;
        if (!byFf.has(g.ffKey)) byFf.set(g.ffKey, { g, byX: new Map() });
        const byX = byFf.get(g.ffKey)!.byX;
        if (!byX.has(g.xKey)) byX.set(g.xKey, []);
        byX.get(g.xKey)!.push({ ...term, t: g });
    }
    return [...byFf.values()];
}

interface LoopHooks {
    /** Per slot a (lanes), before and after its partners. */
    readonly before: string;
    readonly after: string;
    /** Per chunk of partners, before and after its steps j = from … to − 1. */
    readonly chunkBefore: string;
    readonly chunkAfter: (from: string, to: string) => string;
}

/** What a lane publishes of its chunk slot: the vector, 1/r and the per-neighbour tables. */
export function chunkValues(tables: NeighborTables): Published[] {
    return [{ name: 'od', type: 'vec4<f32>' }, { name: 'inv_ro', type: 'f32' }, ...tables.published('o')];
}

/**
 * Pair loops over unordered pairs {j, k} of the group's species, each visited once. The lanes take
 * slots a = a0 + lane; partners come in chunks c (lane l loads slot c + l, clamped to the range)
 * and each step j hands slot b = c + src to every lane, src = j (columns) or (lane + j) mod LANES
 * (diagonals). A pair's terms count only where `valid`; masked terms are selected away, never
 * multiplied by 0 (a clamped duplicate slot may give NaN). For p = q the chunks start at a0, so a
 * chunk shares the lanes' alignment and slot s is always owned by lane (s − start) mod LANES, as
 * slot a and as slot c + lane alike.
 */
function pairLoops(group: AngularGroup, body: string, tables: NeighborTables, exchange: LaneExchange, hooks: LoopHooks, diagonal = false): string {
    const same = group.p === group.q;
    const aEnd = `nb_range[rb + ${group.p + 1}u]`;
    const bEnd = `nb_range[rb + ${group.q + 1}u]`;
    const half = LANES / 2;
    // the partner's lane in the chunk: j for all lanes, or lane + j along diagonals
    const src = (first: boolean) => (diagonal || first ? `(lane + j) & ${LANES - 1}u` : 'j');
    // A chunk: load the partner slots c … c + LANES − 1, then its steps j: from 0 to LANES − 1, or
    // for the first chunk of p = q from 1 to LANES/2 (`first`, below). With shuffles the steps are
    // written out one after another (a loop of two steps per iteration measured 5% slower on
    // forces); with workgroup memory they loop, and the first chunk is not split off (code with
    // barriers compiles slowly on lavapipe).
    // `first`: whether this is the first chunk of p = q, known (a boolean) or a runtime flag (its name)
    const chunk = (first: boolean | string) => {
        const known = typeof first === 'boolean';
        const from = first === true ? '1u' : first === false ? '0u' : `select(0u, 1u, ${first})`;
        const to = first === true ? `${half + 1}u` : first === false ? `${LANES}u` : `select(${LANES}u, ${half + 1}u, ${first})`;
        // on the first chunk's last diagonal only the lower half of the lanes take their pair
        const lowerHalf = first === false ? '' : ` && (${known ? '' : `!${first} || `}j < ${half}u || lane < ${half}u)`;
        const step = (j: string) => `{
                let j = ${j};
                let src = ${src(first !== false)};
                let b = c + src;
                let valid = on && b < b_end${lowerHalf};
                ${indent(pairPrelude(group, tables, exchange), 16)}
                ${indent(body, 16)}
            }`;
        const steps = known
            ? Array.from({ length: first ? half : LANES }, (_, k) => step(`${k + (first ? 1 : 0)}u`)).join('\n            ')
            : `for (var jj = ${from}; jj < ${to}; jj++) ${step('jj')}`;
        return `
            let od = pv[base + min(c + lane, b_end - 1u)];
            let inv_ro = 1.0 / od.w;
            ${indent(tables.values('od.w', 'inv_ro', 'o'), 12)}
            ${indent(exchange.publish(chunkValues(tables)), 12)}
            ${indent(hooks.chunkBefore, 12)}
            ${steps}
            ${indent(hooks.chunkAfter(from, to), 12)}`;
    };
    // For p = q the first chunk is the lanes' own slots a0 … a0 + LANES − 1: its unordered pairs
    // {l, l + j mod LANES} lie on the diagonals j = 1 … LANES/2, where at j = LANES/2 lanes l and
    // l + LANES/2 meet the same pair and the lower one takes it: half the steps of a full chunk.
    const start = same ? 'a0' : `nb_range[rb + ${group.q}u]`;
    const chunks = !exchange.writeStepsOut
        ? `for (var c = ${start}; c < b_end; c += ${LANES}u) {
            let first = ${same ? 'c == a0' : 'false'};${chunk('first')}
        }`
        : same
            ? `{
            let c = a0;${indent(chunk(true), 4)}
        }
        for (var c = a0 + ${LANES}u; c < b_end; c += ${LANES}u) {${chunk(false)}
        }`
            : `for (var c = ${start}; c < b_end; c += ${LANES}u) {${chunk(false)}
        }`;
    return `
    for (var a0 = nb_range[rb + ${group.p}u]; a0 < ${aEnd}; a0 += ${LANES}u) {
        let on = a0 + lane < ${aEnd};
        let a = min(a0 + lane, ${aEnd} - 1u);
        let d1 = pv[base + a];
        let r1 = d1.w;
        let inv_r1 = 1.0 / r1;
        ${indent(tables.values('r1', 'inv_r1', 'a'), 8)}
        ${indent(hooks.before, 8)}
        let b_end = ${bEnd};
        ${chunks}
        ${indent(hooks.after, 8)}
    }`;
}

/** This lane's share of G over the group's pairs, accumulated into acc[]. */
export function angularValues(group: AngularGroup, tables: NeighborTables, table: FunctionTable, exchange: LaneExchange): string {
    const terms = group.functions.map(({ f, weight, index }, n) => ({ t: angularTerm(f, n, tables, table), n, index, weight }));
    const lines: string[] = terms.flatMap(({ t }) => t.lets);
    // Gaussian types: T = P y f_c(r_jk), with y f_c(r_jk) (masked to the valid pairs) shared by a class;
    // for narrow terms f_c(r_ij) f_c(r_ik) f_c(r_jk) (masked) is shared by the cutoff's classes
    gaussianClasses(terms).forEach(({ g, byX }, c) => {
        if (g.split) lines.push(`let xc_${c} = select(0.0, ${g.split.cutoffs} * ${g.f3}.x, valid);`);
        [...byX.values()].forEach((members, e) => {
            const { y, split } = members[0]!.t;
            lines.push(`let xf_${c}_${e} = ${split ? `${split.joint} * xc_${c}` : `select(0.0, ${y}, valid)`};`);
            for (const { t, n, weight } of members) {
                // integer ζ: (1 + λ cos θ)^ζ by squaring times (weight 2^{1−ζ} xf), that factor shared by the
                // class's functions of equal ζ (the λ = ±1 pairs)
                const factor = (k: number) => (k === 1 ? `xf_${c}_${e}` : `(${lit(k)} * xf_${c}_${e})`);
                const term = t.polynomial
                    ? `${power(`bl_${n}`, t.polynomial.zeta)} * ${factor(weight * 2 ** (1 - t.polynomial.zeta))}`
                    : `${weight === 1 ? '' : `${lit(weight)} * `}${t.angular} * xf_${c}_${e}`;
                lines.push(`part_${n} += ${term};`);
            }
        });
    });
    for (const { t, n, weight } of terms) {
        if (t.kind === 'compact') lines.push(`part_${n} += select(0.0, ${weight === 1 ? '' : `${lit(weight)} * `}${t.value}, valid);`);
    }
    // Blocked summation: each slot a sums its partners into a partial first, so a G that is a
    // sum of thousands of pair terms accumulates rounding over ~100 + ~100 additions, not thousands
    // (its error is amplified by G/σ under sigma scaling). (Kahan compensation would be optimised
    // away: the driver compiles with fast-math.)
    const parts = group.functions.map((_, n) => `var part_${n} = 0.0;`).join(' ');
    const flush = group.functions.map(({ index }, n) => `acc[${index}] += part_${n};`).join(' ');
    return pairLoops(group, lines.join('\n'), tables, exchange, { before: parts, after: flush, chunkBefore: '', chunkAfter: () => '' });
}

/** Multiplications `power(x, n)` spends once the compiler shares its repeated squares. */
function powerCost(n: number): number {
    return n <= 1 ? 0 : Math.floor(Math.log2(n)) + n.toString(2).split('1').length - 2;
}

/**
 * Q(c) = Σ_s w_s 2^{1−ζ_s} (1 + λ_s c)^{ζ_s} of a class as one polynomial in c = cos θ (clamped), by
 * Horner, with per-atom coefficients a_m = Σ_s w_s 2^{1−ζ_s} C(ζ_s, m) λ_s^m (lets `name`d, computed once
 * per atom), and Q'(c) = Σ m a_m c^{m−1}; where every member is a polynomial and this takes fewer
 * operations per pair than the members one by one (a multiply-add per degree, against a clamp, a
 * power and two multiply-adds per member). The coefficients mix the λ = ±1 pairs: their values near
 * c = ±1 then come from sums of terms up to 2^{1−ζ} C(ζ, m) |w| in size, the same scale the direct
 * form rounds (1 + c)^ζ at. At 1 + λ c = 0 exactly, n2p2 zeroes dP/dcos θ for ζ = 1; there (θ = 0
 * or π) ∂cos θ/∂r vanishes, so the forces agree.
 */
function classPolynomial(members: ReadonlyArray<{ t: GaussianTerm; w: string }>, name: string): { lets: string[]; q: string; dq: string } | undefined {
    if (members.some(({ t }) => !t.polynomial)) return undefined;
    const degree = Math.max(...members.map(({ t }) => t.polynomial!.zeta));
    const direct = members.reduce((n, { t }) => n + 5 + powerCost(t.polynomial!.zeta - 1), 0);
    if (2 * degree - 1 > direct) return undefined;
    const binomial = (n: number, k: number) => {
        let b = 1;
        for (let i = 1; i <= k; i++) b = (b * (n - k + i)) / i;
        return b;
    };
    const lets: string[] = [];
    for (let m = 0; m <= degree; m++) {
        const parts = members.flatMap(({ t, w }) => {
            const { lambda, zeta } = t.polynomial!;
            if (m > zeta) return [];
            const k = 2 ** (1 - zeta) * binomial(zeta, m) * lambda ** m;
            return k === 0 ? [] : [`${lit(k)} * ${w}`];
        });
        lets.push(`let qa_${name}_${m} = ${parts.length ? parts.join(' + ') : '0.0'};`);
    }
    // Horner: a_n c^n + … + a_0 and n a_n c^{n−1} + … + a_1
    let q = `qa_${name}_${degree}`;
    for (let m = degree - 1; m >= 0; m--) q = `(${q} * cos_c + qa_${name}_${m})`;
    let dq = `${lit(degree)} * qa_${name}_${degree}`;
    for (let m = degree - 1; m >= 1; m--) dq = `(${dq} * cos_c + ${lit(m)} * qa_${name}_${m})`;
    return { lets, q, dq };
}

/**
 * Adds Σ_s w_s ∂T_s/∂r_j to slot a's force entry and Σ_s w_s ∂T_s/∂r_k to slot b's for each pair (one visit):
 *   ∂T/∂r_j = T_1 d1/r1 − T_3 v3/r3 + T_c (d2/(r1 r2) − cos θ d1/r1²)
 *           = (T_1/r1 − T_c cos θ/r1² + T_3/r3) d1 + (T_c/(r1 r2) − T_3/r3) d2
 *   ∂T/∂r_k = T_2 d2/r2 + T_3 v3/r3 + T_c (d1/(r1 r2) − cos θ d2/r2²)
 *           = (T_2/r2 − T_c cos θ/r2² + T_3/r3) d2 + (T_c/(r1 r2) − T_3/r3) d1
 * Slot a's sum stays in a register over all its partners. The chunk's partners are visited along
 * diagonals (lane l meets slot c + (l + j) mod LANES at step j), so at every step each chunk slot is
 * met by exactly one lane, which hands its part to the slot's owner (one shuffle, lane-exchange.ts): no
 * per-slot accumulators, no cross-lane sums (both cost more than the pair itself on lavapipe; measured).
 */
export function angularGradients(group: AngularGroup, tables: NeighborTables, table: FunctionTable, exchange: LaneExchange): string {
    const terms = group.functions.map(({ f, weight, index }, n) => ({ t: angularTerm(f, n, tables, table), n, index, weight }));
    const lines: string[] = terms.flatMap(({ t }) => t.lets);
    const w = (index: number, weight: number) => `w_${index}${weight === 1 ? '' : ` * ${lit(weight)}`}`;
    for (const { t, index, weight } of terms) {
        if (t.kind !== 'compact') continue;
        const wt = w(index, weight);
        lines.push(`g1 += ${wt} * ${t.d1};`, `g2 += ${wt} * ${t.d2};`, `g3 += ${wt} * ${t.d3};`, `gc += ${wt} * ${t.dc};`);
    }
    // Gaussian types, T_s = P_s y f3 (f3 = f_c(r_jk) for narrow functions, else 1): per class (shared
    // y), Q = Σ w_s P_s and Q' = Σ w_s dP_s/dcos θ; per cutoff, A = Σ y Q, B = Σ η y Q, R = Σ η r_s y Q,
    // C = Σ y Q'. As ∂y/∂r1 = y (ρ1 − 2η (r1 − r_s)) with ρ = f_c'/f_c per slot (NeighborTables):
    //   Σ_s w_s ∂T_s/∂r1 = f3 (ρ1 A − 2 (r1 B − R))          (likewise r2; computed divided by r1, below)
    //   Σ_s w_s ∂T_s/∂r3 = f3' A − 2 f3 (r3 B − R)           (narrow functions)
    //   Σ_s w_s ∂T_s/∂cos θ = f3 C
    const coefficients: string[] = [];
    gaussianClasses(terms).forEach(({ g, byX }, c) => {
        const sums = { a: [] as string[], b: [] as string[], r: [] as string[], c: [] as string[] };
        [...byX.values()].forEach((members, e) => {
            const { y, eta, rshift } = members[0]!.t;
            const name = `${group.p}_${group.q}_${c}_${e}`;
            const poly = classPolynomial(members.map(({ t, index, weight }) => ({ t, w: w(index, weight) })), name);
            if (poly) {
                coefficients.push(...poly.lets);
                lines.push(`let xq_${c}_${e} = ${y} * (${poly.q});`, `let xd_${c}_${e} = ${y} * (${poly.dq});`);
            } else {
                const q = members.map(({ t, index, weight }) => `${w(index, weight)} * ${t.angular}`).join(' + ');
                const dq = members.map(({ t, index, weight }) => `${w(index, weight)} * ${t.dAngular}`).join(' + ');
                lines.push(`let xq_${c}_${e} = ${y} * (${q});`, `let xd_${c}_${e} = ${y} * (${dq});`);
            }
            sums.a.push(`xq_${c}_${e}`);
            sums.b.push(`${lit(2 * eta)} * xq_${c}_${e}`);
            if (rshift !== 0) sums.r.push(`${lit(2 * eta * rshift)} * xq_${c}_${e}`);
            sums.c.push(`xd_${c}_${e}`);
        });
        const sum = (xs: string[]) => (xs.length ? xs.join(' + ') : '0.0');
        const [kapA, kapB] = g.kappa;
        // with B2 = 2B, R2 = 2R: ∂T/∂r1 / r1 = f3 (κ1 A − (B2 − R2/r1)), κ = ρ/r per slot
        const shifted = (inv: string) => (sums.r.length ? `(sb_${c} - sr_${c} * ${inv})` : `sb_${c}`);
        const scaled = (x: string) => (g.narrow ? `${g.f3}.x * (${x})` : x);
        lines.push(
            `let sa_${c} = ${sum(sums.a)};`, `let sb_${c} = ${sum(sums.b)};`, `let sr_${c} = ${sum(sums.r)};`, `let sc_${c} = ${sum(sums.c)};`,
            `h1 += ${scaled(`${kapA} * sa_${c} - ${shifted('inv_r1')}`)};`,
            `h2 += ${scaled(`${kapB} * sa_${c} - ${shifted('inv_r2')}`)};`,
            ...(g.narrow ? [`g3 += ${g.f3}.y * sa_${c} - (r3 * sb_${c}${sums.r.length ? ` - sr_${c}` : ''}) * ${g.f3}.x;`] : []),
            `gc += ${scaled(`sc_${c}`)};`,
        );
    });
    // ∂T/∂r1 and ∂T/∂r2 divided by r1, r2 (h1, h2: Gaussian types) or not yet (g1, g2: compact types)
    const compact = terms.some(({ t }) => t.kind === 'compact');
    const own = (g: string, h: string, inv: string) => `${compact ? `${g} * ${inv} + ` : ''}${h} - gcc * (${inv} * ${inv}) + u3`;
    const zero = 'vec3<f32>(0.0, 0.0, 0.0)';
    const body = `var g1 = 0.0;
var g2 = 0.0;
var h1 = 0.0;
var h2 = 0.0;
var g3 = 0.0;
var gc = 0.0;
${lines.join('\n')}
// in the basis (d1, d2), v3 = d2 − d1: scalar coefficients first, then two vector multiply-adds each
// r3 > 0 for every valid pair (two slots are two atoms, or two images); a masked pair's 0/0 is selected away below
let u3 = g3 / r3;
let gcc = gc * cos_t;
let mixed = select(0.0, gc * (inv_r1 * inv_r2) - u3, valid);
let own1 = select(0.0, ${own('g1', 'h1', 'inv_r1')}, valid);
let own2 = select(0.0, ${own('g2', 'h2', 'inv_r2')}, valid);
ga += own1 * d1.xyz + mixed * d2.xyz;
let gb = own2 * d2.xyz + mixed * d1.xyz;
${exchange.deliver('gb', 'gb_mine')}`;
    return coefficients.join('\n    ') + pairLoops(group, body, tables, exchange, {
        before: `var ga = ${zero};`,
        after: `if (on) { pf[base + a] += vec4<f32>(ga, 0.0); }`,
        chunkBefore: `var gb_mine = ${zero};`,
        chunkAfter: (from, to) => `${exchange.collect('gb_mine', from, to)}
if (c + lane < b_end) { pf[base + c + lane] += vec4<f32>(gb_mine, 0.0); }`,
    }, true);
}

function indent(text: string, spaces: number): string {
    const pad = ' '.repeat(spaces);
    return text.split('\n').map((line, i) => (i === 0 ? line : pad + line)).join('\n');
}
