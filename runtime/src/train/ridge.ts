// Closed-form fit of `linear` models (networks without hidden layers and a linear output):
// E_s = σ Σ_{i∈s} c (w_e·G̃_i + b_e) is linear in the weights, so is every force, and the loss of
// reference-loss.ts is quadratic. Its minimum with a ridge term λ|w|² solves
//   (AᵀA + λI) w = Aᵀy,
// rows of A: one per structure (energy, weight √(w_E/S)/N_s) and one per force component
// (weight √(w_F/3N)), over all training structures at once.
import { TrainingError } from './dataset.js';
import { solveSymmetric } from '../math/linear-solve.js';
import type { TrainProblem } from './trainer.js';

export function fitRidge(problem: TrainProblem, lambda: number): Float64Array {
    const { layout, sigma, training } = problem;
    for (const net of layout.networks) {
        if (net.layers.length !== 1 || net.layers[0]!.activation !== 'linear') {
            throw new TrainingError(`optimizer ridge needs linear networks (no hidden layers, linear output); the network of ${net.element} has ${net.layers.length - 1} hidden layer(s)`);
        }
    }
    const P = layout.total;
    const set = problem.sets[0];
    const S = set.length;
    let N = 0;
    for (const s of set) N += s.atoms.length;
    const ata = new Float64Array(P * P);
    const aty = new Float64Array(P);
    const addRow = (row: Float64Array, y: number, weight: number) => {
        const w2 = weight * weight;
        for (let p = 0; p < P; p++) {
            const rp = row[p]!;
            if (rp === 0) continue;
            aty[p]! += w2 * rp * y;
            for (let q = 0; q < P; q++) ata[p * P + q]! += w2 * rp * row[q]!;
        }
    };
    for (const s of set) {
        const n = s.atoms.length;
        const energy = new Float64Array(P);
        const forces = Array.from({ length: 3 * n }, () => new Float64Array(P));
        s.atoms.forEach((a, i) => {
            const net = layout.networks[a.element]!;
            const c = net.normalizeNodes ? 1 / net.inputs : 1;
            const w0 = net.offset + net.layers[0]!.w;
            for (let k = 0; k < net.inputs; k++) energy[w0 + k]! += sigma * c * a.input[k]!;
            energy[net.offset + net.layers[0]!.b]! += sigma * c;
            const count = a.neighbors.length;
            for (let k = 0; k < net.inputs; k++) {
                for (let q = 0; q < count; q++) {
                    const j = a.neighbors[q]!;
                    for (let x = 0; x < 3; x++) {
                        const g = sigma * c * a.D[3 * (k * count + q) + x]!;
                        forces[3 * i + x]![w0 + k]! += g;
                        forces[3 * j + x]![w0 + k]! -= g;
                    }
                }
            }
        });
        if (training.loss.energy > 0) addRow(energy, s.target, Math.sqrt(training.loss.energy / S) / n);
        if (training.loss.forces > 0) forces.forEach((row, k) => addRow(row, s.forces[k]!, Math.sqrt(training.loss.forces / (3 * N))));
    }
    let trace = 0;
    for (let p = 0; p < P; p++) trace += ata[p * P + p]!;
    for (let p = 0; p < P; p++) ata[p * P + p]! += lambda * (trace / P || 1) + 1e-14 * (trace / P || 1);
    return solveSymmetric(ata, aty, P);
}
