// Hessians of an objective by central differences of its gradient (for atoms: of the forces):
//   H[:, k] = (g(x + h e_k) − g(x − h e_k)) / 2h,   then symmetrised, ½(H + Hᵀ)   (eV/Å²)
// 2 × size evaluations; the error is O(h²) (h = 0.01 Å, phonopy's default, suits float32 forces; float64
// calculators can use smaller).
import type { Objective } from './objective.js';

export async function finiteDifferenceHessian(objective: Objective, x: Float64Array, h: number, onColumn?: (k: number, size: number) => void): Promise<Float64Array> {
    const n = objective.size;
    const H = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
        const plus = Float64Array.from(x);
        const minus = Float64Array.from(x);
        plus[k]! += h;
        minus[k]! -= h;
        const gp = (await objective.evaluate(plus)).gradient;
        const gm = (await objective.evaluate(minus)).gradient;
        for (let i = 0; i < n; i++) H[i * n + k] = (gp[i]! - gm[i]!) / (2 * h);
        onColumn?.(k + 1, n);
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
        const s = 0.5 * (H[i * n + j]! + H[j * n + i]!);
        H[i * n + j] = s;
        H[j * n + i] = s;
    }
    return H;
}
