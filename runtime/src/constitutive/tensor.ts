// Symmetric 3×3 tensors for finite-strain constitutive models, and their Voigt forms.
// Convention: strain is the Green–Lagrange strain E = (C − I)/2, C = FᵀF (dimensionless); stress is
// the second Piola–Kirchhoff stress S = ∂W/∂E (GPa), W the strain-energy density per reference
// volume (GPa = GJ/m³). Voigt order 11, 22, 33, 23, 13, 12: stress S_v = (S11, S22, S33, S23, S13, S12),
// strain in engineering form e_v = (E11, E22, E33, 2E23, 2E13, 2E12), so that S:dE = S_v·de_v and the
// tangent C_IJ = ∂S_I/∂e_J is the 6×6 matrix whose major symmetry C = Cᵀ a potential W implies.

/** Row-major 3×3 (9 numbers). */
export type Mat3 = Float64Array;

export const VOIGT: readonly (readonly [number, number])[] = [[0, 0], [1, 1], [2, 2], [1, 2], [0, 2], [0, 1]];

/** Stress-like Voigt vector (tensor components) of a symmetric tensor. */
export function toVoigt(t: ArrayLike<number>): Float64Array {
    return Float64Array.from(VOIGT, ([i, j]) => t[3 * i + j]!);
}

/** Engineering-strain Voigt vector (off-diagonals doubled). */
export function strainToVoigt(E: ArrayLike<number>): Float64Array {
    return Float64Array.from(VOIGT, ([i, j], k) => (k < 3 ? 1 : 2) * E[3 * i + j]!);
}

/** Symmetric tensor from an engineering-strain Voigt vector. */
export function strainFromVoigt(e: ArrayLike<number>): Mat3 {
    const E = new Float64Array(9);
    VOIGT.forEach(([i, j], k) => {
        const v = k < 3 ? e[k]! : e[k]! / 2;
        E[3 * i + j] = v;
        E[3 * j + i] = v;
    });
    return E;
}

export function matmul(a: ArrayLike<number>, b: ArrayLike<number>): Mat3 {
    const c = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) c[3 * i + j]! += a[3 * i + k]! * b[3 * k + j]!;
    return c;
}

export function transpose(a: ArrayLike<number>): Mat3 {
    return Float64Array.from({ length: 9 }, (_, q) => a[3 * (q % 3) + Math.floor(q / 3)]!);
}

export function det(m: ArrayLike<number>): number {
    return m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
}

/** Cofactor matrix cof(m) = det(m) m⁻ᵀ (= ∂det/∂m), defined also for singular m. */
export function cofactor(m: ArrayLike<number>): Mat3 {
    const a = (i: number, j: number) => m[3 * i + j]!;
    const c = new Float64Array(9);
    for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
            const i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
            c[3 * i + j] = a(i1, j1) * a(i2, j2) - a(i1, j2) * a(i2, j1);
        }
    }
    return c;
}

/** C = I + 2E. */
export function rightCauchyGreen(E: ArrayLike<number>): Mat3 {
    const C = Float64Array.from(E, (v) => 2 * v);
    C[0]! += 1;
    C[4]! += 1;
    C[8]! += 1;
    return C;
}

/** E = (FᵀF − I)/2. */
export function greenLagrange(F: ArrayLike<number>): Mat3 {
    const C = matmul(transpose(F), F);
    return Float64Array.from(C, (v, q) => (v - (q % 4 === 0 ? 1 : 0)) / 2);
}
