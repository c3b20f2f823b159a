// The numbers one training split is made of, in the form the loss needs: per atom the scaled
// symmetry functions G̃ (network inputs) and D̃_isa = s_s ∂G_is/∂d_ia (s_s the scaling factor, so
// that ∂E/∂r follows from ∂E/∂G̃), per structure the energy target and the reference forces.
//
// Energy model (evaluate.ts): E = σ Σ_i NN_i + Σ_i o(el_i), σ = 1/conv_energy (1 without
// normalisation), o = element offset (spec + fitted) + mean_energy. The networks are fitted to the
// target T = E_ref − Σ_i o(el_i), so float32 kernels never see large total energies.
import type { Scaler } from '../reference/scaling.js';
import type { LabelledStructure } from './dataset.js';
import type { StructureDescriptors } from './descriptor-data.js';

export interface TrainingAtom {
    readonly element: number;
    /** (functions) G̃, the network input. */
    readonly input: Float64Array;
    /** (neighbours) atom index within the structure. */
    readonly neighbors: Int32Array;
    /** (functions, neighbours, 3) D̃ = s ∂G/∂d, Å⁻¹ */
    readonly D: Float64Array;
}

export interface TrainingStructure {
    readonly label: LabelledStructure;
    readonly atoms: readonly TrainingAtom[];
    /** E_ref − Σ_i o(el_i), eV. */
    readonly target: number;
    /** (atoms, 3) reference forces, eV/Å (zeros when the data has none and the loss needs none). */
    readonly forces: Float64Array;
}

export interface EnergyModel {
    /** eV per network output unit. */
    readonly sigma: number;
    /** Per element: offset + mean energy, eV. */
    readonly atomOffset: readonly number[];
}

/** Builds the split's training form; `descriptors` are consumed (their D is scaled in place). */
export function prepareTrainingSet(structures: readonly LabelledStructure[], descriptors: readonly StructureDescriptors[], scalers: readonly Scaler[], energy: EnergyModel): TrainingStructure[] {
    return structures.map((label, n) => {
        const desc = descriptors[n]!;
        const atoms = desc.atoms.map((a) => {
            const scaler = scalers[a.element]!;
            const input = Float64Array.from(a.G, (g, k) => scaler.scale(k, g));
            const count = a.neighbors.length;
            for (let k = 0; k < a.G.length; k++) {
                const f = scaler.factor[k]!;
                for (let q = 3 * k * count; q < 3 * (k + 1) * count; q++) a.D[q]! *= f;
            }
            return { element: a.element, input, neighbors: a.neighbors, D: a.D };
        });
        let offset = 0;
        for (const a of atoms) offset += energy.atomOffset[a.element]!;
        const s = label.structure;
        return { label, atoms, target: s.energy! - offset, forces: s.forces ? Float64Array.from(s.forces) : new Float64Array(3 * atoms.length) };
    });
}

export function atomCount(set: readonly TrainingStructure[], indices?: readonly number[]): number {
    let n = 0;
    for (const i of indices ?? set.keys()) n += set[i]!.atoms.length;
    return n;
}
