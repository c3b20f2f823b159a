// The neighbourhood of one central atom i, and values shared by all its symmetry functions:
// per-neighbour cutoff values, and per-pair geometry (r_jk, cos θ_ijk) for angular functions.
//
// Convention: d_j = r_j − r_i (+ lattice image), Å, for neighbour j in neighbour-list order.
// n2p2 writes r_ij = r_i − r_j; cos θ_ijk = d_j·d_k/(r_ij r_ik) is the same either way.
import type { ValueAndDerivative } from './core-functions.js';
import type { CutoffFunction } from './cutoff.js';

export interface CutoffValues {
    /** (count) f_c(r_ij) */
    readonly f: Float64Array;
    /** (count) df_c/dr at r_ij, Å⁻¹ */
    readonly df: Float64Array;
}

export class AtomEnvironment {
    /** Neighbours j: model element index, atomic number, d_j (count, 3) in Å, r_ij in Å. */
    readonly count: number;
    readonly element: Int32Array;
    readonly z: Float64Array;
    readonly d: Float64Array;
    readonly r: Float64Array;
    /** Which atom each neighbour is (for the force gather), and its neighbour-list entry. */
    readonly atom: Int32Array;
    readonly entry: Int32Array;

    private readonly radialCache = new Map<CutoffFunction, CutoffValues>();
    private readonly pairCutoffCache = new Map<CutoffFunction, CutoffValues>();
    private pairGeometry: { rjk2: Float64Array; rjk: Float64Array; cos: Float64Array } | undefined;

    constructor(fields: { element: Int32Array; z: Float64Array; d: Float64Array; r: Float64Array; atom: Int32Array; entry: Int32Array }) {
        this.count = fields.element.length;
        this.element = fields.element;
        this.z = fields.z;
        this.d = fields.d;
        this.r = fields.r;
        this.atom = fields.atom;
        this.entry = fields.entry;
    }

    /** f_c(r_ij), f_c'(r_ij) for every neighbour (computed once per cutoff function). */
    radialCutoff(fc: CutoffFunction): CutoffValues {
        let v = this.radialCache.get(fc);
        if (!v) {
            const f = new Float64Array(this.count);
            const df = new Float64Array(this.count);
            const out: ValueAndDerivative = { f: 0, df: 0 };
            for (let j = 0; j < this.count; j++) {
                fc(this.r[j]!, out);
                f[j] = out.f;
                df[j] = out.df;
            }
            v = { f, df };
            this.radialCache.set(fc, v);
        }
        return v;
    }

    /**
     * Pair geometry for j < k, stored at index j·count + k:
     *   r_jk² = |d_k − d_j|²,  r_jk,  cos θ_ijk = (d_j·d_k)/(r_ij r_ik).
     */
    pairs(): { readonly rjk2: Float64Array; readonly rjk: Float64Array; readonly cos: Float64Array } {
        if (!this.pairGeometry) {
            const n = this.count;
            const rjk2 = new Float64Array(n * n);
            const rjk = new Float64Array(n * n);
            const cos = new Float64Array(n * n);
            const d = this.d;
            for (let j = 0; j < n; j++) {
                const xj = d[3 * j]!;
                const yj = d[3 * j + 1]!;
                const zj = d[3 * j + 2]!;
                const rj = this.r[j]!;
                for (let k = j + 1; k < n; k++) {
                    const xk = d[3 * k]!;
                    const yk = d[3 * k + 1]!;
                    const zk = d[3 * k + 2]!;
                    const dx = xk - xj;
                    const dy = yk - yj;
                    const dz = zk - zj;
                    const s = dx * dx + dy * dy + dz * dz;
                    const t = j * n + k;
                    rjk2[t] = s;
                    rjk[t] = Math.sqrt(s);
                    cos[t] = (xj * xk + yj * yk + zj * zk) / rj / this.r[k]!;
                }
            }
            this.pairGeometry = { rjk2, rjk, cos };
        }
        return this.pairGeometry;
    }

    /** f_c(r_jk), f_c'(r_jk) for every pair j < k (index j·count + k). */
    pairCutoff(fc: CutoffFunction): CutoffValues {
        let v = this.pairCutoffCache.get(fc);
        if (!v) {
            const n = this.count;
            const { rjk } = this.pairs();
            const f = new Float64Array(n * n);
            const df = new Float64Array(n * n);
            const out: ValueAndDerivative = { f: 0, df: 0 };
            for (let j = 0; j < n; j++) {
                for (let k = j + 1; k < n; k++) {
                    fc(rjk[j * n + k]!, out);
                    f[j * n + k] = out.f;
                    df[j * n + k] = out.df;
                }
            }
            v = { f, df };
            this.pairCutoffCache.set(fc, v);
        }
        return v;
    }
}
