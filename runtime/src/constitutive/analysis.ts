// What a constitutive model is judged by: its tangent stiffness and the symmetry of it, the work
// around closed strain loops, and its stress errors against a reference material.
import { strainFromVoigt, strainToVoigt, toVoigt } from './tensor.js';

/** Voigt stress (GPa) at a Green–Lagrange strain (3×3). */
export type StressFunction = (E: Float64Array) => Float64Array;

/**
 * Tangent stiffness C_IJ = ∂S_I/∂e_J (GPa, 6×6 row-major, engineering-strain Voigt) by central
 * differences with step h; error O(h²) + rounding O(ε_mach |S| / h).
 */
export function tangentStiffness(stress: StressFunction, E: ArrayLike<number>, h = 1e-5): Float64Array {
    const e = strainToVoigt(E);
    const C = new Float64Array(36);
    for (let J = 0; J < 6; J++) {
        const ep = Float64Array.from(e);
        const em = Float64Array.from(e);
        ep[J]! += h;
        em[J]! -= h;
        const sp = stress(strainFromVoigt(ep));
        const sm = stress(strainFromVoigt(em));
        for (let I = 0; I < 6; I++) C[6 * I + J] = (sp[I]! - sm[I]!) / (2 * h);
    }
    return C;
}

/** Major-symmetry defect ‖C − Cᵀ‖_F / ‖C‖_F (0 for a hyperelastic material). */
export function asymmetry(C: ArrayLike<number>): number {
    let num = 0;
    let den = 0;
    for (let I = 0; I < 6; I++) {
        for (let J = 0; J < 6; J++) {
            const d = C[6 * I + J]! - C[6 * J + I]!;
            num += d * d;
            den += C[6 * I + J]! ** 2;
        }
    }
    return Math.sqrt(num / den);
}

/** Cubic-averaged small-strain constants from a 6×6 tangent: C11 (normal), C12, C44 (shear), GPa. */
export function elasticConstants(C: ArrayLike<number>): { c11: number; c12: number; c44: number } {
    const at = (i: number, j: number) => C[6 * i + j]!;
    return {
        c11: (at(0, 0) + at(1, 1) + at(2, 2)) / 3,
        c12: (at(0, 1) + at(1, 0) + at(0, 2) + at(2, 0) + at(1, 2) + at(2, 1)) / 6,
        c44: (at(3, 3) + at(4, 4) + at(5, 5)) / 3,
    };
}

export interface LoopWork {
    /** ∮ S:dE (GPa = GJ/m³): 0 for any potential. */
    readonly work: number;
    /** ∮ |S:dE| (GPa): the scale the work is compared with. */
    readonly absolute: number;
    /** Cumulative ∫ S:dE along the loop at the sample angles θ_i = 2π i/n (GPa). */
    readonly cumulative: Float64Array;
}

/**
 * Work around the closed strain loop E(θ) = a (cos θ A + sin θ B), θ ∈ [0, 2π), with the periodic
 * trapezoid rule on n points (spectrally accurate for a smooth periodic integrand):
 *   ∮ S:dE = Σ_i S(θ_i) : E′(θ_i) 2π/n,   E′ = a (−sin θ A + cos θ B).
 */
export function loopWork(stress: StressFunction, A: ArrayLike<number>, B: ArrayLike<number>, amplitude: number, n = 256): LoopWork {
    const dth = (2 * Math.PI) / n;
    let work = 0;
    let absolute = 0;
    const cumulative = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
        const th = i * dth;
        const E = Float64Array.from(A, (a, q) => amplitude * (Math.cos(th) * a + Math.sin(th) * B[q]!));
        const dE = Float64Array.from(A, (a, q) => amplitude * (-Math.sin(th) * a + Math.cos(th) * B[q]!));
        const S = stress(E);
        const p = S.reduce((acc, s, k) => acc + s * strainToVoigt(dE)[k]!, 0) * dth; // S:dE = S_v·de_v
        work += p;
        absolute += Math.abs(p);
        cumulative[i + 1] = work;
    }
    return { work, absolute, cumulative };
}

/** Stress errors on held-out states: RMSE and MAE over all Voigt components (GPa), relative RMSE. */
export function stressErrors(stress: StressFunction, states: readonly { strain: Float64Array; stress: Float64Array }[]): { rmse: number; mae: number; relative: number; count: number } {
    let se = 0;
    let ae = 0;
    let ref = 0;
    let n = 0;
    for (const s of states) {
        const got = stress(s.strain);
        const want = toVoigt(s.stress);
        for (let c = 0; c < 6; c++) {
            const d = got[c]! - want[c]!;
            se += d * d;
            ae += Math.abs(d);
            ref += want[c]! ** 2;
            n++;
        }
    }
    return { rmse: Math.sqrt(se / n), mae: ae / n, relative: Math.sqrt(se / ref), count: states.length };
}
