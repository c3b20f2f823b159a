// The training loss and its weight gradient in float64: the oracle the generated GPU kernels are
// tested against, and the CPU path of `nnp train --backend reference`.
//
// For a batch of S structures with N_s atoms (N = Σ N_s), energy and force weights w_E, w_F:
//   L = (w_E/S) Σ_s (ΔE_s/N_s)²  +  (w_F/(3N)) Σ_k |ΔF_k|²          (eV² per atom², eV²/Å²)
//   ΔE_s = σ Σ_{i∈s} NN_i − T_s,  ΔF_k = F_k − F_k^ref,  F_k = −∂E/∂r_k.
// Gradient, per atom i of structure s (network-gradient.ts), with the force residual projected on
// the descriptors u_is = Σ_a (ΔF_{j(a)} − ΔF_i)·D̃_isa = Σ_k ΔF_k·∂G̃_is/∂r_k:
//   ∂L/∂w = Σ_i ∂/∂w [ σ α_s NN_i − σ β Σ_s u_is ∂NN_i/∂G̃_is ],  α_s = 2 w_E ΔE_s/(S N_s²),  β = 2 w_F/(3N)
import { runNetwork } from '../reference/network.js';
import { accumulateNetworkGradient } from './network-gradient.js';
import { networkView, type ParameterLayout } from './parameter-layout.js';
import type { TrainingStructure } from './training-set.js';

export interface LossWeights {
    readonly energy: number;
    readonly forces: number;
}

export interface BatchLoss {
    readonly loss: number;
    /** Σ_s (ΔE_s/N_s)², eV²/atom² */
    readonly energySq: number;
    /** Σ_k |ΔF_k|², eV²/Å² */
    readonly forceSq: number;
    readonly structures: number;
    readonly atoms: number;
}

export interface Predictions {
    /** Per structure: predicted total energy minus offsets (compare with target), eV. */
    readonly energies: Float64Array;
    /** Per structure: (atoms, 3) predicted forces, eV/Å. */
    readonly forces: Float64Array[];
}

/**
 * L and, when `grad` is given (length = layout.total), ∂L/∂w added into it. `stats` (2 per structure
 * of the set) receives ΔE_s/N_s and Σ|ΔF|² of the batch's structures; `predictions` the batch's
 * predicted energies (minus offsets) and forces, in batch order.
 */
export function referenceLoss(layout: ParameterLayout, w: Float64Array, set: readonly TrainingStructure[], indices: readonly number[], weights: LossWeights, sigma: number, grad?: Float64Array, predictions?: Predictions, stats?: Float64Array): BatchLoss {
    const nets = layout.networks.map((n) => networkView(n, w));
    const grads = grad ? layout.networks.map((n) => networkView(n, grad)) : undefined;
    let totalAtoms = 0;
    for (const s of indices) totalAtoms += set[s]!.atoms.length;
    const S = indices.length;
    const beta = (2 * weights.forces) / (3 * totalAtoms);
    let energySq = 0;
    let forceSq = 0;
    indices.forEach((si, b) => {
        const s = set[si]!;
        const n = s.atoms.length;
        const dnn = s.atoms.map((a) => new Float64Array(a.input.length));
        let nnSum = 0;
        s.atoms.forEach((a, i) => {
            nnSum += runNetwork(nets[a.element]!, a.input, dnn[i]);
        });
        // F_i += σ g_ia, F_j −= σ g_ia with g_ia = Σ_s ∂NN_i/∂G̃_s D̃_isa
        const F = new Float64Array(3 * n);
        s.atoms.forEach((a, i) => {
            const count = a.neighbors.length;
            for (let k = 0; k < a.input.length; k++) {
                const d = sigma * dnn[i]![k]!;
                if (d === 0) continue;
                for (let q = 0; q < count; q++) {
                    const j = a.neighbors[q]!;
                    for (let c = 0; c < 3; c++) {
                        const g = d * a.D[3 * (k * count + q) + c]!;
                        F[3 * i + c]! += g;
                        F[3 * j + c]! -= g;
                    }
                }
            }
        });
        const dE = sigma * nnSum - s.target;
        energySq += (dE / n) ** 2;
        const dF = F.map((f, k) => f - s.forces[k]!);
        let f2 = 0;
        for (const x of dF) f2 += x * x;
        forceSq += f2;
        if (stats) {
            stats[2 * si] = dE / n;
            stats[2 * si + 1] = f2;
        }
        if (predictions) {
            predictions.energies[b] = sigma * nnSum;
            predictions.forces[b] = F;
        }
        if (!grads) return;
        const alpha = (2 * weights.energy * dE) / (S * n * n);
        s.atoms.forEach((a, i) => {
            const count = a.neighbors.length;
            const u = new Float64Array(a.input.length);
            if (weights.forces !== 0) {
                for (let k = 0; k < a.input.length; k++) {
                    let acc = 0;
                    for (let q = 0; q < count; q++) {
                        const j = a.neighbors[q]!;
                        for (let c = 0; c < 3; c++) acc += (dF[3 * j + c]! - dF[3 * i + c]!) * a.D[3 * (k * count + q) + c]!;
                    }
                    u[k] = acc;
                }
            }
            accumulateNetworkGradient(nets[a.element]!, a.input, u, sigma * alpha, -sigma * beta, grads[a.element]!);
        });
    });
    const loss = (weights.energy / S) * energySq + (weights.forces / (3 * totalAtoms)) * forceSq;
    return { loss, energySq, forceSq, structures: S, atoms: totalAtoms };
}
