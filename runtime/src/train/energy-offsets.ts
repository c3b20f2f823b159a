// Per-element energy offsets by least squares on the training split, and the `normalization auto`
// energy unit. Offsets o_e minimise Σ_s (E_s − Σ_e n_se o_e)² (n_se = atoms of element e in
// structure s), solved for the deviations δ_e = o_e − ē from the mean energy per atom ē through the
// normal equations with a tiny ridge term (10⁻¹⁰ of the mean diagonal): data with a fixed
// stoichiometry (every water frame has n_H = 2 n_O) determines only one combination, and then gets
// the split closest to equal offsets instead of a singular matrix.
import { solveSymmetric } from '../math/linear-solve.js';
import type { Structure } from '../structure.js';

export function fitElementOffsets(structures: readonly Structure[], elements: readonly string[], fixed: ReadonlyMap<string, number>): Map<string, number> {
    const E = elements.length;
    const ata = new Float64Array(E * E);
    const aty = new Float64Array(E);
    const residual = (s: Structure) => s.energy! - s.symbols.reduce((a, sym) => a + (fixed.get(sym) ?? 0), 0);
    let total = 0;
    let atoms = 0;
    for (const s of structures) {
        total += residual(s);
        atoms += s.symbols.length;
    }
    const mean = atoms > 0 ? total / atoms : 0;
    for (const s of structures) {
        const n = new Float64Array(E);
        const y = residual(s) - mean * s.symbols.length;
        for (const sym of s.symbols) n[elements.indexOf(sym)]!++;
        for (let a = 0; a < E; a++) {
            aty[a]! += n[a]! * y;
            for (let b = 0; b < E; b++) ata[a * E + b]! += n[a]! * n[b]!;
        }
    }
    let trace = 0;
    for (let a = 0; a < E; a++) trace += ata[a * E + a]!;
    for (let a = 0; a < E; a++) ata[a * E + a]! += 1e-10 * (trace / E || 1);
    const delta = solveSymmetric(ata, aty, E);
    return new Map(elements.map((e, i) => [e, mean + delta[i]!]));
}

/**
 * `normalization auto`: the network's energy unit is the RMS reference force component times 1 Å
 * (so network outputs and their gradients are of order one), conv_energy = 1/that; the mean energy
 * is carried by the fitted offsets (mean_energy 0) and lengths are not rescaled (conv_length 1).
 */
export function autoNormalization(structures: readonly Structure[]): { meanEnergy: number; convEnergy: number; convLength: number } {
    let sum = 0;
    let count = 0;
    for (const s of structures) {
        if (!s.forces) continue;
        for (const f of s.forces) sum += f * f;
        count += s.forces.length;
    }
    const rms = count > 0 ? Math.sqrt(sum / count) : 1;
    return { meanEnergy: 0, convEnergy: 1 / (rms > 0 ? rms : 1), convLength: 1 };
}
