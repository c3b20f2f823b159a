// Float64 evaluation of the analytic reference potentials (sums of Lennard-Jones, Morse,
// Stillinger–Weber, Axilrod–Teller–Muto terms, and the one-body Müller–Brown landscape): energy,
// forces and virial, and the Hessian (second derivatives in the positions). This is the oracle for
// their future GPU kernels, labels the structures that `sample` datasets generate, and gives
// `hessian analytic` (Newton steps, phonons) its second derivatives.
// Units: eV, Å. Pair terms use the full neighbour list (each ordered pair carries half the energy);
// three-body terms are evaluated per central atom and neighbour pair. Every energy expression is
// written once, generic over the number type (math/jet.ts), and differentiated by forward mode:
// pair energies in the bond length r (`Taylor`: φ, φ', φ''; then the chain rule to the bond vector),
// three-body energies in the six components of their two bond vectors and the one-body field in
// x, y (first order, `Dual`, for forces and the virial; second order, `Jet`, for the Hessian). One
// traversal of the neighbour list (`visitTerms`) serves both evaluatePotential and potentialHessian.
// Exact to rounding, no hand-derived derivatives to get wrong.
import type { AnalyticTermIR, PotentialIR } from '../../../compiler/src/ir/model-ir.js';
import { Dual, Jet, Taylor, type Real } from '../math/jet.js';
import { det3 } from '../math/mat3.js';
import { buildNeighborList } from '../neighbors/cell-list.js';
import type { Structure } from '../structure.js';

export interface PotentialResult {
    readonly energy: number;
    readonly atomEnergies: Float64Array;
    readonly forces: Float64Array;
    /** W_ab = ∂E/∂ε_ab (eV). */
    readonly virial: Float64Array;
    /** W / V (eV/Å³, ASE sign) for fully periodic structures. */
    readonly stress?: Float64Array;
}

/** The radius within which a term acts (Å); 0 for one-body terms, which need no neighbours. */
export function termCutoff(t: AnalyticTermIR): number {
    if (t.kind === 'muller_brown') return 0;
    return t.kind === 'stillinger_weber' ? t.params['a']! * t.params['sigma']! : t.params['cutoff']!;
}

/**
 * The Müller–Brown surface (K. Müller, L. D. Brown, Theor. Chim. Acta 53, 75 (1979)) in eV for
 * x, y in Å, times `scale`:
 *   V(x, y) = Σ_{k=1..4} A_k exp(a_k (x − x⁰_k)² + b_k (x − x⁰_k)(y − y⁰_k) + c_k (y − y⁰_k)²)
 * with the paper's constants. Minima: (−0.558, 1.442) −146.70, (0.623, 0.028) −108.17,
 * (−0.050, 0.467) −80.77; saddles: (−0.822, 0.624) −40.66, (0.212, 0.293) −72.25.
 */
const MULLER_BROWN = {
    A: [-200, -100, -170, 15], a: [-1, -1, -6.5, 0.7], b: [0, 0, 11, 0.6], c: [-10, -10, -6.5, 0.7],
    x0: [1, 0, -0.5, -1], y0: [0, 0.5, 1.5, 1],
} as const;

/** The Müller–Brown surface V(x, y) (scale 1), in any number type. */
function mullerBrownEnergy<T extends Real<T>>(x: T, y: T): T {
    const { A, a, b, c, x0, y0 } = MULLER_BROWN;
    let v = x.mul(0);
    for (let k = 0; k < 4; k++) {
        const u = x.sub(x0[k]!);
        const w = y.sub(y0[k]!);
        v = v.add(u.mul(u).mul(a[k]!).add(u.mul(w).mul(b[k]!)).add(w.mul(w).mul(c[k]!)).exp().mul(A[k]!));
    }
    return v;
}

/** [V, ∂V/∂x, ∂V/∂y] of the Müller–Brown surface (scale 1). */
export function mullerBrown(x: number, y: number): [number, number, number] {
    const [u, w] = Dual.variables([x, y]);
    const v = mullerBrownEnergy(u!, w!);
    return [v.v, v.g[0]!, v.g[1]!];
}

/** Pair energy φ(r) of a two-body term (without the cutoff shift), in any number type. */
function pairEnergy<T extends Real<T>>(t: AnalyticTermIR, r: T): T {
    const p = t.params;
    switch (t.kind) {
        case 'lennard_jones': {
            // φ = 4ε[(σ/r)¹² − (σ/r)⁶]
            const s6 = r.recip().mul(p['sigma']!).pow(6);
            return s6.mul(s6).sub(s6).mul(4 * p['epsilon']!);
        }
        case 'morse': {
            // φ = D[e^{−2α(r−r₀)} − 2e^{−α(r−r₀)}]
            const e = r.sub(p['r0']!).mul(-p['alpha']!).exp();
            return e.mul(e).sub(e.mul(2)).mul(p['depth']!);
        }
        case 'stillinger_weber': {
            // φ = A ε [B (σ/r)^p − (σ/r)^q] exp(σ/(r − aσ)), r < aσ (0 beyond)
            const { epsilon: eps, sigma: sig, a, A_pair: A, B_pair: B, p: pp, q } = p as Record<string, number>;
            const rc = a! * sig!;
            if (r.v >= rc) return r.mul(0);
            const x = r.recip().mul(sig!);
            const poly = x.pow(pp!).mul(B!).sub(x.pow(q!));
            return poly.mul(r.sub(rc).recip().mul(sig!).exp()).mul(A! * eps!);
        }
        default:
            return r.mul(0);
    }
}

type Vec<T> = readonly [T, T, T];
const dot = <T extends Real<T>>(u: Vec<T>, w: Vec<T>): T => u[0].mul(w[0]).add(u[1].mul(w[1])).add(u[2].mul(w[2]));
const norm = <T extends Real<T>>(u: Vec<T>): T => dot(u, u).sqrt();
const minus = <T extends Real<T>>(u: Vec<T>, w: Vec<T>): Vec<T> => [u[0].sub(w[0]), u[1].sub(w[1]), u[2].sub(w[2])];

/** Three-body energy of the triangle (i; j = i + d1, k = i + d2), or undefined outside its range. */
function tripleEnergy<T extends Real<T>>(t: AnalyticTermIR, d1: Vec<T>, d2: Vec<T>): T | undefined {
    const p = t.params;
    const r1 = norm(d1);
    const r2 = norm(d2);
    if (t.kind === 'stillinger_weber') {
        // h = λ ε (cos θ_jik − cos θ₀)² exp(γσ/(r_ij − aσ)) exp(γσ/(r_ik − aσ)), r_ij, r_ik < aσ
        const rc = p['a']! * p['sigma']!;
        if (r1.v >= rc || r2.v >= rc) return undefined;
        const cos = dot(d1, d2).div(r1.mul(r2)).sub(p['costheta0']!);
        const gs = p['gamma']! * p['sigma']!;
        const e1 = r1.sub(rc).recip().mul(gs).exp();
        const e2 = r2.sub(rc).recip().mul(gs).exp();
        return cos.mul(cos).mul(p['lambda']! * p['epsilon']!).mul(e1).mul(e2);
    }
    if (t.kind === 'axilrod_teller') {
        // E = C₉ (1 + 3 cos γ_i cos γ_j cos γ_k) / (r_ij r_jk r_ki)³, each triangle seen from each vertex: × 1/3
        const rc = p['cutoff']!;
        const d3 = minus(d2, d1);
        const r3 = norm(d3);
        if (r1.v >= rc || r2.v >= rc || r3.v >= rc) return undefined;
        const ci = dot(d1, d2).div(r1.mul(r2));
        const cj = dot(d1, d3).neg().div(r1.mul(r3));
        const ck = dot(d2, d3).div(r2.mul(r3));
        const rrr = r1.mul(r2).mul(r3);
        return ci.mul(cj).mul(ck).mul(3).add(1).div(rrr.mul(rrr).mul(rrr)).mul(p['c9']! / 3);
    }
    return undefined;
}

/**
 * What a traversal of the terms does with each energy contribution. Every contribution comes as a
 * function generic over the number type (written once, above), with the values of its variables:
 * the sink picks the number type (Dual for forces, Jet for Hessians) and accumulates.
 */
interface Sink {
    /** A one-body energy of atom i in its first `k` Cartesian coordinates. */
    site(i: number, k: number, f: <T extends Real<T>>(x: readonly T[]) => T): void;
    /** Atom i's share of a pair energy, in the bond length r = |d|, d = r_j − r_i (Å). */
    pair(i: number, j: number, d: Float64Array, r: number, f: <T extends Real<T>>(r: T) => T): void;
    /** Atom i's three-body energy in the bonds d1 = r_j − r_i and d2 = r_k − r_i (undefined: out of range). */
    triple(i: number, j: number, k: number, d1: Float64Array, d2: Float64Array, f: <T extends Real<T>>(d1: Vec<T>, d2: Vec<T>) => T | undefined): void;
}

/** The one traversal of the potential's terms over the structure's atoms and neighbour list. */
function visitTerms(potential: PotentialIR, s: Structure, sink: Sink): void {
    const n = s.symbols.length;
    const cutoff = Math.max(0, ...potential.terms.map(termCutoff));
    // one-body terms alone need no neighbour list (and a zero radius would not make one)
    const list = cutoff > 0 ? buildNeighborList(s, cutoff) : undefined;
    for (const t of potential.terms) {
        const acts = new Set(t.elements);
        if (t.kind === 'muller_brown') {
            // one-body: E_i = scale·V(x_i, y_i) (z free)
            const scale = t.params['scale'] ?? 1;
            const field = <T extends Real<T>>(x: readonly T[]) => mullerBrownEnergy(x[0]!, x[1]!).mul(scale);
            for (let i = 0; i < n; i++) if (acts.has(s.symbols[i]!)) sink.site(i, 2, field);
            continue;
        }
        if (!list) continue;
        const rc = termCutoff(t);
        const shift = t.shift ? pairEnergy(t, Dual.constant(rc, 0)).v : 0;
        // the full neighbour list visits each pair twice: each ordered pair carries half its energy
        const half = <T extends Real<T>>(r: T) => pairEnergy(t, r).sub(shift).mul(0.5);
        const three = <T extends Real<T>>(d1: Vec<T>, d2: Vec<T>) => tripleEnergy(t, d1, d2);
        for (let i = 0; i < n; i++) {
            if (!acts.has(s.symbols[i]!)) continue;
            const near: number[] = [];
            for (let e = list.offsets[i]!; e < list.offsets[i + 1]!; e++) {
                const j = list.neighbors[e]!;
                if (!acts.has(s.symbols[j]!)) continue;
                const d = list.displacements.subarray(3 * e, 3 * e + 3);
                const r = Math.hypot(d[0]!, d[1]!, d[2]!);
                if (r >= rc) continue;
                near.push(e);
                if (t.kind !== 'axilrod_teller') sink.pair(i, j, d, r, half);
            }
            if (t.kind !== 'stillinger_weber' && t.kind !== 'axilrod_teller') continue;
            for (let x = 0; x < near.length; x++) {
                for (let y = x + 1; y < near.length; y++) {
                    const e1 = near[x]!;
                    const e2 = near[y]!;
                    const d1 = list.displacements.subarray(3 * e1, 3 * e1 + 3);
                    const d2 = list.displacements.subarray(3 * e2, 3 * e2 + 3);
                    sink.triple(i, list.neighbors[e1]!, list.neighbors[e2]!, d1, d2, three);
                }
            }
        }
    }
}

/** Energies, forces and the virial, to first order (Dual). */
class ForceSink implements Sink {
    readonly atomEnergies: Float64Array;
    readonly forces: Float64Array;
    readonly virial = new Float64Array(9);

    constructor(private readonly positions: Float64Array) {
        this.atomEnergies = new Float64Array(positions.length / 3);
        this.forces = new Float64Array(positions.length);
    }

    site(i: number, k: number, f: <T extends Real<T>>(x: readonly T[]) => T): void {
        // F_i = −∇E_i; virial W_ab = Σ_i ∂E/∂r_ia r_ib
        const e = f(Dual.variables(this.positions.subarray(3 * i, 3 * i + k)));
        this.atomEnergies[i]! += e.v;
        for (let a = 0; a < k; a++) {
            this.forces[3 * i + a]! -= e.g[a]!;
            for (let b = 0; b < 3; b++) this.virial[3 * a + b]! += e.g[a]! * this.positions[3 * i + b]!;
        }
    }

    pair(i: number, j: number, d: Float64Array, r: number, f: <T extends Real<T>>(r: T) => T): void {
        // ∂φ/∂d = φ'(r) d / r
        const e = f(Taylor.variable(r));
        this.atomEnergies[i]! += e.v;
        const s = e.d / r;
        this.bond(i, j, d, s * d[0]!, s * d[1]!, s * d[2]!);
    }

    triple(i: number, j: number, k: number, d1: Float64Array, d2: Float64Array, f: <T extends Real<T>>(d1: Vec<T>, d2: Vec<T>) => T | undefined): void {
        const x = Dual.variables([d1[0]!, d1[1]!, d1[2]!, d2[0]!, d2[1]!, d2[2]!]);
        const e = f([x[0]!, x[1]!, x[2]!], [x[3]!, x[4]!, x[5]!]);
        if (!e) return;
        this.atomEnergies[i]! += e.v;
        this.bond(i, j, d1, e.g[0]!, e.g[1]!, e.g[2]!);
        this.bond(i, k, d2, e.g[3]!, e.g[4]!, e.g[5]!);
    }

    /** Adds g = ∂E/∂d for the bond i → j (d = r_j − r_i): F_j −= g, F_i += g, W_ab += g_a d_b. */
    private bond(i: number, j: number, d: Float64Array, g0: number, g1: number, g2: number): void {
        for (let c = 0; c < 3; c++) {
            const g = c === 0 ? g0 : c === 1 ? g1 : g2;
            this.forces[3 * j + c]! -= g;
            this.forces[3 * i + c]! += g;
            for (let b = 0; b < 3; b++) this.virial[3 * c + b]! += g * d[b]!;
        }
    }
}

/** The Hessian ∂²E/∂r_ia ∂r_jb (3N × 3N), to second order (Jet). */
class HessianSink implements Sink {
    readonly hessian: Float64Array;
    private readonly size: number;

    constructor(private readonly positions: Float64Array) {
        this.size = positions.length;
        this.hessian = new Float64Array(this.size * this.size);
    }

    site(i: number, k: number, f: <T extends Real<T>>(x: readonly T[]) => T): void {
        // a k × k block on the diagonal
        const e = f(Jet.variables(this.positions.subarray(3 * i, 3 * i + k)));
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) this.hessian[(3 * i + a) * this.size + 3 * i + b]! += e.h[a * k + b]!;
    }

    pair(i: number, j: number, d: Float64Array, r: number, f: <T extends Real<T>>(r: T) => T): void {
        // r = |d|: ∂r/∂d = u = d/r, ∂²r/∂d∂dᵀ = (I − u uᵀ)/r, so ∂²φ/∂d∂dᵀ = φ'' u uᵀ + (φ'/r)(I − u uᵀ)
        const e = f(Taylor.variable(r));
        const d1 = e.d;
        const d2 = e.dd;
        const K = new Float64Array(9);
        for (let a = 0; a < 3; a++) {
            for (let b = 0; b < 3; b++) {
                const uu = (d[a]! * d[b]!) / (r * r);
                K[3 * a + b] = d2 * uu + (d1 / r) * ((a === b ? 1 : 0) - uu);
            }
        }
        this.bonds(i, [j], K);
    }

    triple(i: number, j: number, k: number, d1: Float64Array, d2: Float64Array, f: <T extends Real<T>>(d1: Vec<T>, d2: Vec<T>) => T | undefined): void {
        const x = Jet.variables([d1[0]!, d1[1]!, d1[2]!, d2[0]!, d2[1]!, d2[2]!]);
        const e = f([x[0]!, x[1]!, x[2]!], [x[3]!, x[4]!, x[5]!]);
        if (e) this.bonds(i, [j, k], e.h);
    }

    /**
     * Adds the second derivatives K (3m × 3m) of an energy of the m bonds d_p = r_{j_p} − r_i. With
     * ∂d_p/∂r_a = (δ_{a j_p} − δ_{a i}) I, block (p, q) of K goes to the atom pairs (j_p, j_q) and
     * (i, i) with +, (i, j_q) and (j_p, i) with −. An image of i itself (j_p = i) thus adds
     * +K −K −K +K = 0 where it meets i: the chain rule over atom indices, not over images.
     */
    private bonds(i: number, js: readonly number[], K: Float64Array): void {
        const m = js.length;
        const w = 3 * m;
        for (let p = 0; p < m; p++) {
            for (let q = 0; q < m; q++) {
                const jp = js[p]!;
                const jq = js[q]!;
                for (let a = 0; a < 3; a++) {
                    for (let b = 0; b < 3; b++) {
                        const kab = K[(3 * p + a) * w + 3 * q + b]!;
                        this.add(jp, a, jq, b, kab);
                        this.add(i, a, i, b, kab);
                        this.add(i, a, jq, b, -kab);
                        this.add(jp, a, i, b, -kab);
                    }
                }
            }
        }
    }

    private add(i: number, a: number, j: number, b: number, v: number): void {
        this.hessian[(3 * i + a) * this.size + 3 * j + b]! += v;
    }
}

export function evaluatePotential(potential: PotentialIR, s: Structure): PotentialResult {
    const sink = new ForceSink(s.positions);
    visitTerms(potential, s, sink);
    const { atomEnergies, forces, virial } = sink;
    const energy = atomEnergies.reduce((a, b) => a + b, 0);
    const periodic = s.cell && s.pbc.every(Boolean);
    return periodic
        ? { energy, atomEnergies, forces, virial, stress: virial.map((w) => w / Math.abs(det3(s.cell!))) }
        : { energy, atomEnergies, forces, virial };
}

/**
 * The Hessian ∂²E/∂r_ia ∂r_jb of the potential at the structure's positions (fixed cell): 3N × 3N,
 * row-major (row 3i + a, column 3j + b), eV/Å², symmetric. Its rows sum to zero over translations
 * (Σ_j H_{ia,jb} = 0) except for one-body terms (the Müller–Brown field).
 */
export function potentialHessian(potential: PotentialIR, s: Structure): Float64Array {
    const sink = new HessianSink(s.positions);
    visitTerms(potential, s, sink);
    return sink.hessian;
}
