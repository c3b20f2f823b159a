// Two electronic states in two nuclear coordinates (x, y), Å: the analytic reference surface and the
// algebra of a real symmetric 2×2 diabatic Hamiltonian
//     H_d(R) = [[H11, H12], [H12, H22]]  (eV).
//
// Reference (`surface name = two_state { k … a … offset … c … }`), a linear-vibronic-coupling model:
//     H11 = ½ k [(x + a)² + y²]                 diabat 1, minimum at (−a, 0)
//     H22 = ½ k [(x − a)² + y²] + offset        diabat 2, minimum at (+a, 0), raised by `offset`
//     H12 = c y                                 coupling, antisymmetric in y (vanishes on y = 0)
// with k in eV/Å², a in Å, offset in eV, c in eV/Å. The diabats cross where H11 = H22, i.e. on the
// seam x_c = offset / (2 k a) (every y); the coupling lifts the crossing everywhere on the seam except at
// y = 0, so (x_c, 0) is a conical intersection (gap ∝ distance from it, in every direction) and each
// other point of the seam an avoided crossing with gap 2|c y|.
//
// Adiabatic energies (eigenvalues), with D = H11 − H22 and W = H12:
//     E∓ = (H11 + H22)/2 ∓ R,   R = √((D/2)² + W²),   gap E+ − E− = 2R
// Mixing angle θ = ½ atan2(2W, D): the eigenvectors are ψ+ = (cos θ, sin θ), ψ− = (−sin θ, cos θ)
// and the non-adiabatic coupling vector ⟨ψ−|∇ψ+⟩ = ∇θ (1/Å; its sign is a phase convention):
//     ∇θ = (D ∇W − W ∇D) / (D² + 4 W²)
// which diverges like 1/(2 ρ) at the conical intersection (ρ: distance from it, for a cone of circular
// section). ∇θ is unchanged by a constant rotation of the diabatic basis, not by a varying one: the
// diabatic states (hence the NAC) are not fixed by the adiabatic energies alone.

export interface TwoStateParams {
    /** Diabatic force constant, eV/Å². */
    readonly k: number;
    /** Half the separation of the diabatic minima, Å. */
    readonly a: number;
    /** Energy offset of diabat 2, eV. */
    readonly offset: number;
    /** Coupling slope dH12/dy, eV/Å. */
    readonly c: number;
}

/** Diabatic elements and their gradients at one point: h = [H11, H22, H12] (eV), g = ∂h/∂(x, y) (eV/Å). */
export interface Diabatic {
    readonly h: readonly [number, number, number];
    readonly grad: readonly [readonly [number, number], readonly [number, number], readonly [number, number]];
}

export function referenceDiabatic(p: TwoStateParams, x: number, y: number): Diabatic {
    const h11 = 0.5 * p.k * ((x + p.a) ** 2 + y * y);
    const h22 = 0.5 * p.k * ((x - p.a) ** 2 + y * y) + p.offset;
    return {
        h: [h11, h22, p.c * y],
        grad: [[p.k * (x + p.a), p.k * y], [p.k * (x - p.a), p.k * y], [0, p.c]],
    };
}

/** The conical intersection (x_c, 0), Å, and its energy, eV. */
export function conicalIntersection(p: TwoStateParams): { x: number; y: number; energy: number } {
    const x = p.offset / (2 * p.k * p.a);
    return { x, y: 0, energy: 0.5 * p.k * (x + p.a) ** 2 };
}

/** [E−, E+] (eV): the eigenvalues of [[h11, h12], [h12, h22]]. */
export function eigenvalues(h11: number, h22: number, h12: number): [number, number] {
    const s = 0.5 * (h11 + h22);
    const r = Math.hypot(0.5 * (h11 - h22), h12);
    return [s - r, s + r];
}

/** The NAC vector ∇θ (1/Å) of a diabatic Hamiltonian from its elements and their gradients. */
export function nacVector(d: Diabatic): [number, number] {
    const D = d.h[0] - d.h[1];
    const W = d.h[2];
    const den = D * D + 4 * W * W;
    return [0, 1].map((i) => (D * d.grad[2][i]! - W * (d.grad[0][i]! - d.grad[1][i]!)) / den) as [number, number];
}
