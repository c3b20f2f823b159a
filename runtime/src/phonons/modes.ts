// Harmonic vibrations from a Hessian: the mass-weighted dynamical matrix D = M^{-1/2} H M^{-1/2}
// (H in eV/Å², masses in amu) has eigenvalues ω² in eV/(Å² amu); its modes are those of the
// (super)cell, i.e. the phonons at the q-points commensurate with it (Γ for a molecule).
//   ω [rad/s] = √(λ · eV/(Å² amu)),  f [THz] = ω / 2π / 10¹²,  ν̃ [cm⁻¹] = f / c
// Imaginary frequencies (λ < 0: an unstable direction) are reported as negative numbers, as phonopy does.
import { symmetricEigen } from '../math/symmetric-eigen.js';

const EV_J = 1.602176634e-19;
const AMU_KG = 1.66053906660e-27;
/** f [THz] = THZ_PER_ROOT_LAMBDA · √λ for λ in eV/(Å² amu). */
export const THZ_PER_ROOT_LAMBDA = Math.sqrt(EV_J / (1e-20 * AMU_KG)) / (2 * Math.PI) / 1e12;
/** 1 THz in cm⁻¹ (10¹² Hz / c). */
export const CM1_PER_THZ = 1e12 / 2.99792458e10;

export interface NormalModes {
    /** Ascending, THz; negative = imaginary. */
    readonly frequenciesThz: Float64Array;
    /** 3N × 3N row-major; column k is mode k's mass-weighted unit eigenvector. */
    readonly vectors: Float64Array;
}

export function normalModes(hessian: Float64Array, masses: ArrayLike<number>): NormalModes {
    const n = 3 * masses.length;
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        D[i * n + j] = hessian[i * n + j]! / Math.sqrt(masses[Math.floor(i / 3)]! * masses[Math.floor(j / 3)]!);
    }
    const { values, vectors } = symmetricEigen(D, n);
    return { frequenciesThz: values.map((l) => Math.sign(l) * THZ_PER_ROOT_LAMBDA * Math.sqrt(Math.abs(l))), vectors };
}
