// Float64 evaluation of the analytic reference potentials (sums of Lennard-Jones, Morse,
// Stillinger–Weber, Axilrod–Teller–Muto terms, and the one-body Müller–Brown landscape): energy,
// forces and virial. This is the oracle for their future GPU kernels and labels the structures
// that `sample` datasets generate.
// Units: eV, Å. Pair terms use the full neighbour list (each ordered pair carries half the energy);
// three-body terms are evaluated per central atom and neighbour pair, with gradients by forward-mode
// differentiation in the two bond vectors (exact to rounding, no hand-derived formulas to get wrong).
import type { AnalyticTermIR, PotentialIR } from '../../../compiler/src/ir/model-ir.js';
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

/** [V, ∂V/∂x, ∂V/∂y] of the Müller–Brown surface (scale 1). */
export function mullerBrown(x: number, y: number): [number, number, number] {
    const { A, a, b, c, x0, y0 } = MULLER_BROWN;
    let v = 0;
    let dx = 0;
    let dy = 0;
    for (let k = 0; k < 4; k++) {
        const u = x - x0[k]!;
        const w = y - y0[k]!;
        const e = A[k]! * Math.exp(a[k]! * u * u + b[k]! * u * w + c[k]! * w * w);
        v += e;
        dx += e * (2 * a[k]! * u + b[k]! * w);
        dy += e * (b[k]! * u + 2 * c[k]! * w);
    }
    return [v, dx, dy];
}

/** Pair energy φ(r) and dφ/dr of a two-body term (without the cutoff shift). */
function pair(t: AnalyticTermIR, r: number): [number, number] {
    const p = t.params;
    switch (t.kind) {
        case 'lennard_jones': {
            // φ = 4ε[(σ/r)¹² − (σ/r)⁶]
            const s6 = (p['sigma']! / r) ** 6;
            return [4 * p['epsilon']! * (s6 * s6 - s6), (4 * p['epsilon']! * (-12 * s6 * s6 + 6 * s6)) / r];
        }
        case 'morse': {
            // φ = D[e^{−2α(r−r₀)} − 2e^{−α(r−r₀)}]
            const e = Math.exp(-p['alpha']! * (r - p['r0']!));
            return [p['depth']! * (e * e - 2 * e), p['depth']! * (-2 * p['alpha']! * e * e + 2 * p['alpha']! * e)];
        }
        case 'stillinger_weber': {
            // φ = A ε [B (σ/r)^p − (σ/r)^q] exp(σ/(r − aσ)), r < aσ
            const { epsilon: eps, sigma: sig, a, A_pair: A, B_pair: B, p: pp, q } = p as Record<string, number>;
            const rc = a! * sig!;
            if (r >= rc) return [0, 0];
            const x = sig! / r;
            const poly = B! * x ** pp! - x ** q!;
            const dpoly = (-(B! * pp! * x ** pp!) + q! * x ** q!) / r;
            const ex = Math.exp(sig! / (r - rc));
            const dex = (-ex * sig!) / (r - rc) ** 2;
            return [A! * eps! * poly * ex, A! * eps! * (dpoly * ex + poly * dex)];
        }
        default:
            return [0, 0];
    }
}

/** Forward-mode dual number over the 6 components of two bond vectors. */
class Dual {
    constructor(readonly v: number, readonly d: Float64Array) {}
    static c(v: number) { return new Dual(v, new Float64Array(6)); }
    static seed(v: number, k: number) { const d = new Float64Array(6); d[k] = 1; return new Dual(v, d); }
    add(o: Dual | number) { return typeof o === 'number' ? new Dual(this.v + o, this.d) : new Dual(this.v + o.v, this.d.map((x, k) => x + o.d[k]!)); }
    sub(o: Dual | number) { return typeof o === 'number' ? new Dual(this.v - o, this.d) : new Dual(this.v - o.v, this.d.map((x, k) => x - o.d[k]!)); }
    mul(o: Dual | number) { return typeof o === 'number' ? new Dual(this.v * o, this.d.map((x) => x * o)) : new Dual(this.v * o.v, this.d.map((x, k) => x * o.v + this.v * o.d[k]!)); }
    div(o: Dual) { return new Dual(this.v / o.v, this.d.map((x, k) => (x * o.v - this.v * o.d[k]!) / (o.v * o.v))); }
    exp() { const e = Math.exp(this.v); return new Dual(e, this.d.map((x) => x * e)); }
    sqrt() { const r = Math.sqrt(this.v); return new Dual(r, this.d.map((x) => x / (2 * r))); }
}

type Vec = [Dual, Dual, Dual];
const dot = (u: Vec, w: Vec) => u[0].mul(w[0]).add(u[1].mul(w[1])).add(u[2].mul(w[2]));
const norm = (u: Vec) => dot(u, u).sqrt();
const minus = (u: Vec, w: Vec): Vec => [u[0].sub(w[0]), u[1].sub(w[1]), u[2].sub(w[2])];

/** Three-body energy of the triangle (i; j = i + d1, k = i + d2), or undefined outside its range. */
function triple(t: AnalyticTermIR, d1: Vec, d2: Vec): Dual | undefined {
    const p = t.params;
    const r1 = norm(d1);
    const r2 = norm(d2);
    if (t.kind === 'stillinger_weber') {
        // h = λ ε (cos θ_jik − cos θ₀)² exp(γσ/(r_ij − aσ)) exp(γσ/(r_ik − aσ)), r_ij, r_ik < aσ
        const rc = p['a']! * p['sigma']!;
        if (r1.v >= rc || r2.v >= rc) return undefined;
        const cos = dot(d1, d2).div(r1.mul(r2)).sub(p['costheta0']!);
        const gs = p['gamma']! * p['sigma']!;
        const e1 = Dual.c(gs).div(r1.sub(rc)).exp();
        const e2 = Dual.c(gs).div(r2.sub(rc)).exp();
        return cos.mul(cos).mul(p['lambda']! * p['epsilon']!).mul(e1).mul(e2);
    }
    if (t.kind === 'axilrod_teller') {
        // E = C₉ (1 + 3 cos γ_i cos γ_j cos γ_k) / (r_ij r_jk r_ki)³, each triangle seen from each vertex: × 1/3
        const rc = p['cutoff']!;
        const d3 = minus(d2, d1);
        const r3 = norm(d3);
        if (r1.v >= rc || r2.v >= rc || r3.v >= rc) return undefined;
        const ci = dot(d1, d2).div(r1.mul(r2));
        const cj = dot(d1, d3).mul(-1).div(r1.mul(r3));
        const ck = dot(d2, d3).div(r2.mul(r3));
        const rrr = r1.mul(r2).mul(r3);
        return ci.mul(cj).mul(ck).mul(3).add(1).div(rrr.mul(rrr).mul(rrr)).mul(p['c9']! / 3);
    }
    return undefined;
}

export function evaluatePotential(potential: PotentialIR, s: Structure): PotentialResult {
    const n = s.symbols.length;
    const cutoff = Math.max(0, ...potential.terms.map(termCutoff));
    // one-body terms alone need no neighbour list (and a zero radius would not make one)
    const list = cutoff > 0 ? buildNeighborList(s, cutoff) : undefined;
    const atomEnergies = new Float64Array(n);
    const forces = new Float64Array(3 * n);
    const virial = new Float64Array(9);
    /** Adds ∂E/∂d for the bond i → j (d = r_j − r_i). */
    const bond = (i: number, j: number, d: ArrayLike<number>, g: ArrayLike<number>) => {
        for (let c = 0; c < 3; c++) {
            forces[3 * j + c]! -= g[c]!;
            forces[3 * i + c]! += g[c]!;
            for (let b = 0; b < 3; b++) virial[3 * c + b]! += g[c]! * d[b]!;
        }
    };
    for (const t of potential.terms) {
        const acts = new Set(t.elements);
        if (t.kind === 'muller_brown') {
            // one-body: E_i = scale·V(x_i, y_i), F_i = −scale·∇V; virial W_ab = Σ_i ∂E/∂r_ia r_ib
            const scale = t.params['scale'] ?? 1;
            for (let i = 0; i < n; i++) {
                if (!acts.has(s.symbols[i]!)) continue;
                const x = s.positions[3 * i]!;
                const y = s.positions[3 * i + 1]!;
                const z = s.positions[3 * i + 2]!;
                const [v, dx, dy] = mullerBrown(x, y);
                atomEnergies[i]! += scale * v;
                forces[3 * i]! -= scale * dx;
                forces[3 * i + 1]! -= scale * dy;
                for (const [c, g] of [[0, scale * dx], [1, scale * dy]] as const) {
                    virial[3 * c]! += g * x;
                    virial[3 * c + 1]! += g * y;
                    virial[3 * c + 2]! += g * z;
                }
            }
            continue;
        }
        if (!list) continue;
        const rc = termCutoff(t);
        const shift = t.shift ? pair(t, rc)[0] : 0;
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
                if (t.kind === 'axilrod_teller') continue;
                const [phi, dphi] = pair(t, r);
                atomEnergies[i]! += 0.5 * (phi - shift);
                bond(i, j, d, [0, 1, 2].map((c) => (0.5 * dphi * d[c]!) / r));
            }
            if (t.kind !== 'stillinger_weber' && t.kind !== 'axilrod_teller') continue;
            for (let x = 0; x < near.length; x++) {
                for (let y = x + 1; y < near.length; y++) {
                    const e1 = near[x]!;
                    const e2 = near[y]!;
                    const d1 = list.displacements.subarray(3 * e1, 3 * e1 + 3);
                    const d2 = list.displacements.subarray(3 * e2, 3 * e2 + 3);
                    const v = (k: number, off: number, src: ArrayLike<number>) => Dual.seed(src[k]!, off + k);
                    const h = triple(t, [v(0, 0, d1), v(1, 0, d1), v(2, 0, d1)], [v(0, 3, d2), v(1, 3, d2), v(2, 3, d2)]);
                    if (!h) continue;
                    atomEnergies[i]! += h.v;
                    bond(i, list.neighbors[e1]!, d1, h.d.subarray(0, 3));
                    bond(i, list.neighbors[e2]!, d2, h.d.subarray(3, 6));
                }
            }
        }
    }
    const energy = atomEnergies.reduce((a, b) => a + b, 0);
    const periodic = s.cell && s.pbc.every(Boolean);
    return periodic
        ? { energy, atomEnergies, forces, virial, stress: virial.map((w) => w / Math.abs(det3(s.cell!))) }
        : { energy, atomEnergies, forces, virial };
}
