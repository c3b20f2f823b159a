// Compressible Neo-Hookean material, the reference the constitutive networks are fitted to:
//   W(C) = μ/2 (Ī1 − 3) + κ/2 (J − 1)²,   Ī1 = J^(−2/3) tr C,   J = √det C
// (μ shear modulus, κ bulk modulus, both GPa; W in GPa = GJ/m³ per reference volume). Its second
// Piola–Kirchhoff stress S = 2 ∂W/∂C = ∂W/∂E (E = (C − I)/2):
//   S = μ J^(−2/3) (I − (tr C / 3) C⁻¹) + κ J (J − 1) C⁻¹
// At small strain this is linear elasticity with λ = κ − 2μ/3: C11 = λ + 2μ, C12 = λ, C44 = μ (Voigt).
import { cofactor, det, greenLagrange, matmul, rightCauchyGreen, type Mat3 } from './tensor.js';
import { normals, uniforms } from '../math/random.js';

export interface NeoHookean {
    /** μ, GPa */
    readonly shear: number;
    /** κ, GPa */
    readonly bulk: number;
}

/** W (GPa) at Green–Lagrange strain E. */
export function neoHookeanEnergy(m: NeoHookean, E: ArrayLike<number>): number {
    const C = rightCauchyGreen(E);
    const J = Math.sqrt(det(C));
    const I1 = C[0]! + C[4]! + C[8]!;
    return (m.shear / 2) * (J ** (-2 / 3) * I1 - 3) + (m.bulk / 2) * (J - 1) ** 2;
}

/** S (GPa, 3×3) at Green–Lagrange strain E. */
export function neoHookeanStress(m: NeoHookean, E: ArrayLike<number>): Mat3 {
    const C = rightCauchyGreen(E);
    const I3 = det(C);
    const J = Math.sqrt(I3);
    const Cinv = cofactor(C).map((v) => v / I3); // C symmetric: cof(C)/det C = C⁻¹
    const I1 = C[0]! + C[4]! + C[8]!;
    const a = m.shear * J ** (-2 / 3);
    const b = m.bulk * J * (J - 1);
    return Float64Array.from(Cinv, (ci, q) => a * ((q % 4 === 0 ? 1 : 0) - (I1 / 3) * ci) + b * ci);
}

/** Lamé constants of the small-strain limit: λ = κ − 2μ/3, μ (GPa). */
export function linearElastic(m: NeoHookean): { c11: number; c12: number; c44: number } {
    const lambda = m.bulk - (2 * m.shear) / 3;
    return { c11: lambda + 2 * m.shear, c12: lambda, c44: m.shear };
}

export interface StrainState {
    /** Green–Lagrange strain (3×3). */
    readonly strain: Mat3;
    /** Second Piola–Kirchhoff stress, GPa (3×3). */
    readonly stress: Mat3;
    readonly kind: 'uniaxial' | 'biaxial' | 'shear' | 'random';
}

/** A random rotation (unit quaternion from 4 normals). */
function rotation(n: () => number): Mat3 {
    let [w, x, y, z] = [n(), n(), n(), n()];
    const s = Math.hypot(w, x, y, z);
    [w, x, y, z] = [w / s, x / s, y / s, z / s];
    return Float64Array.of(
        1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
    );
}

/**
 * `count` deformation states, cycling uniaxial stretch F = diag(1+t, 1, 1), equibiaxial
 * diag(1+t, 1+t, 1), simple shear F = I + γ e₁⊗e₂ (each in a random orientation, F → Q F Qᵀ) and a
 * random symmetric stretch F = I + ε (six Gaussian components, σ = amount/2); t, γ ~ U(−amount, amount).
 * Labelled with the material's exact stress.
 */
export function sampleStrainStates(m: NeoHookean, amount: number, count: number, seed: number): StrainState[] {
    const u = uniforms(seed);
    const n = normals(seed ^ 0x2545f491);
    const kinds = ['uniaxial', 'biaxial', 'shear', 'random'] as const;
    const out: StrainState[] = [];
    for (let s = 0; s < count; s++) {
        const kind = kinds[s % 4]!;
        const t = amount * (2 * u() - 1);
        let F: Mat3;
        if (kind === 'random') {
            F = new Float64Array(9);
            for (let i = 0; i < 3; i++) {
                for (let j = i; j < 3; j++) {
                    const e = (amount / 2) * n();
                    F[3 * i + j] = e;
                    F[3 * j + i] = e;
                }
            }
            F[0]! += 1;
            F[4]! += 1;
            F[8]! += 1;
        } else {
            const base = kind === 'uniaxial' ? Float64Array.of(1 + t, 0, 0, 0, 1, 0, 0, 0, 1)
                : kind === 'biaxial' ? Float64Array.of(1 + t, 0, 0, 0, 1 + t, 0, 0, 0, 1)
                : Float64Array.of(1, t, 0, 0, 1, 0, 0, 0, 1);
            const Q = rotation(n);
            const Qt = Float64Array.from({ length: 9 }, (_, q) => Q[3 * (q % 3) + Math.floor(q / 3)]!);
            F = matmul(matmul(Q, base), Qt);
        }
        const E = greenLagrange(F);
        out.push({ strain: E, stress: neoHookeanStress(m, E), kind });
    }
    return out;
}

/** A seeded train/test split of strain states: `test` fraction held out. */
export function splitStates<T>(states: readonly T[], test: number, seed: number): { train: T[]; test: T[] } {
    const u = uniforms(seed ^ 0x1b873593);
    const order = states.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(u() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const nTest = Math.round(test * states.length);
    return { test: order.slice(0, nTest).map((i) => states[i]!), train: order.slice(nTest).map((i) => states[i]!) };
}
