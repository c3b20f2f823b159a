// The float64 reference evaluator of a Model IR: energy, atomic energies, forces, virial and
// stress of one structure, plus the symmetry functions and ∂E/∂G̃ of every atom. It is the oracle
// the GPU kernels are tested against. It reproduces n2p2 (nnp-predict): energies to ≤ 1e-15 and
// forces to ≤ 1e-13 relative on the shipped and on synthetic potentials (test/unit/reference-n2p2.test.ts).
//
// Units: positions Å, energies eV, forces eV/Å, virial eV, stress eV/Å³.
//
// Energy (N2P2-FORMAT.md §5.9), with NN_i the output of the network of atom i's element:
//   normalisation fixed (or auto, fitted):  E = (Σ_i NN_i)/conv_energy + N·mean_energy + Σ_i offset(el_i)
//   none:                                   E = Σ_i NN_i + Σ_i offset(el_i)
// Atomic energies follow n2p2's nnatoms.out: E_i = NN_i/conv_energy (no mean energy, no offset).
// G values are unit-invariant, so they are computed directly in Å; only the energy scale differs.
//
// Forces: F_k = −∂E/∂r_k = −Σ_i Σ_s (∂E_i/∂G̃_is) s_s (∂G_is/∂r_k), s_s the scaling factor.
// Each G_i depends on the displacements d_ij = r_j − r_i + n·cell of i's neighbours, so with
// g_ij = ∂E_i/∂d_ij (eV/Å):  ∂E/∂r_j += g_ij,  ∂E/∂r_i −= g_ij.
//
// Virial and stress: under a homogeneous deformation r → (1 + ε) r, cell → cell (1 + ε)ᵀ every
// d_ij → (1 + ε) d_ij, hence
//   W_ab = ∂E/∂ε_ab = Σ_pairs (g_ij)_a (d_ij)_b                      (eV)
//   σ_ab = W_ab / V                                                (eV/Å³)
// This is ASE's sign convention (σ = (1/V) ∂E/∂ε): σ > 0 (tensile) when the energy drops as the cell
// shrinks, i.e. the cell "wants to shrink"; pressure P = −tr σ / 3. The tests check σ against
// finite differences of E under strain. W is symmetric (rotation invariance). Stress is given for
// fully periodic structures only; the virial always (without images it equals −Σ_k F_k ⊗ r_k).
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';
import { elementOffsets, resolvedNormalization, type ModelParameters } from '../model/parameters.js';
import { det3 } from '../math/mat3.js';
import { buildReferenceNeighbors, type ReferenceNeighbors } from '../neighbors/reference-neighbors.js';
import type { Structure } from '../structure.js';
import { AtomEnvironment } from './environment.js';
import { prepareNetwork, runNetwork, type PreparedNetwork } from './network.js';
import { scalerFor, type Scaler } from './scaling.js';
import { CutoffCache, evaluateFunction, prepareFunction, type PreparedFunction } from './symmetry-functions.js';

export interface ReferenceResult {
    /** Total energy, eV. */
    readonly energy: number;
    /** (atoms) n2p2 atomic energies NN_i/conv_energy, eV (no mean energy, no offsets). */
    readonly atomEnergies: Float64Array;
    /** (atoms, 3) eV/Å. */
    readonly forces: Float64Array;
    /** (3, 3) row-major W_ab = ∂E/∂ε_ab = Σ_pairs (∂E/∂d)_a d_b, eV. */
    readonly virial: Float64Array;
    /** (3, 3) row-major σ = W/V, eV/Å³ (ASE convention); only for fully periodic structures. */
    readonly stress?: Float64Array;
    /** Per atom (functions of its element, network input order): raw G. */
    readonly G: Float64Array[];
    /** Per atom: scaled G̃ (the network input). */
    readonly Gscaled: Float64Array[];
    /** Per atom: ∂E_i/∂G̃ of the scaled functions, eV (n2p2's dEdG, in physical units: ∂NN_i/∂G̃ / conv_energy). */
    readonly dEdG: Float64Array[];
    /** Per atom: ∂E_i/∂G of the raw functions, eV (= dEdG · s, s the scaling factor). */
    readonly dEdGraw: Float64Array[];
}

export interface PreparedModel {
    readonly model: ModelIR;
    /** Element symbol → index (ascending Z). */
    readonly elementIndex: ReadonlyMap<string, number>;
    /** Per element. */
    readonly functions: readonly (readonly PreparedFunction[])[];
    readonly networks: readonly PreparedNetwork[];
    readonly scalers: readonly Scaler[];
    /** Largest radius any function of the element sees, Å. */
    readonly elementCutoff: readonly number[];
    /** Neighbour-list cutoff, Å (max over elements). */
    readonly cutoff: number;
    /** eV per network output unit (1/conv_energy or 1). */
    readonly energyScale: number;
    /** eV per atom added to the energy: mean energy (normalised models) + per-element offset. */
    readonly atomOffset: readonly number[];
    readonly meanEnergy: number;
}

export interface ReferenceOptions {
    /** A neighbour list to use instead of building one (must cover the model's cutoff). */
    readonly neighbors?: ReferenceNeighbors;
}

/** The symmetry functions of a model, per element (ascending Z), and their cutoffs. */
export interface PreparedDescriptors {
    readonly elementIndex: ReadonlyMap<string, number>;
    readonly functions: readonly (readonly PreparedFunction[])[];
    readonly elementCutoff: readonly number[];
    readonly cutoff: number;
}

export function prepareDescriptors(model: ModelIR): PreparedDescriptors {
    const elementIndex = new Map(model.elements.map((e, i) => [e.symbol, i]));
    const cutoffs = new CutoffCache();
    const functions = model.elements.map((e) => {
        const d = model.descriptors.find((x) => x.element === e.symbol);
        return (d?.functions ?? []).map((f) => prepareFunction(f, elementIndex, cutoffs));
    });
    const elementCutoff = functions.map((fs) => fs.reduce((m, f) => Math.max(m, f.rc), 0));
    return { elementIndex, functions, elementCutoff, cutoff: elementCutoff.reduce((a, b) => Math.max(a, b), 0) };
}

export function prepareModel(model: ModelIR, params: ModelParameters): PreparedModel {
    const { elementIndex, functions, elementCutoff, cutoff } = prepareDescriptors(model);
    const networks = model.elements.map((e, i) => {
        const ir = model.networks.find((n) => n.element === e.symbol);
        const p = params.networks.find((n) => n.element === e.symbol);
        if (!ir) throw new Error(`model '${model.name}' has no network for element ${e.symbol}`);
        if (!p) throw new Error(`the parameters of model '${model.name}' have no network for element ${e.symbol}`);
        if (ir.inputs !== functions[i]!.length) throw new Error(`network ${e.symbol} has ${ir.inputs} inputs, the element has ${functions[i]!.length} symmetry functions`);
        return prepareNetwork(ir, p);
    });
    const scalers = model.elements.map((e, i) => scalerFor(model.scaling, params.scaling.find((s) => s.element === e.symbol), functions[i]!.length, e.symbol));
    const norm = resolvedNormalization(model, params);
    const offsets = elementOffsets(model, params);
    const energyScale = norm ? 1 / norm.convEnergy : 1;
    const meanEnergy = norm ? norm.meanEnergy : 0;
    return {
        model, elementIndex, functions, networks, scalers, elementCutoff, cutoff,
        energyScale, meanEnergy,
        atomOffset: model.elements.map((e) => offsets.get(e.symbol)!),
    };
}

export function evaluateReference(model: ModelIR, params: ModelParameters, s: Structure, options: ReferenceOptions = {}): ReferenceResult {
    return evaluatePrepared(prepareModel(model, params), s, options);
}

/** evaluateReference with the model prepared once (for many structures, finite differences…). */
export function evaluatePrepared(pm: PreparedModel, s: Structure, options: ReferenceOptions = {}): ReferenceResult {
    const n = s.symbols.length;
    const species = s.symbols.map((sym, i) => {
        const e = pm.elementIndex.get(sym);
        if (e === undefined) throw new Error(`atom ${i + 1} is ${sym}, which is not an element of model '${pm.model.name}' (${[...pm.elementIndex.keys()].join(', ')})`);
        return e;
    });
    const zOf = pm.model.elements.map((e) => e.z);
    const list = options.neighbors ?? (pm.cutoff > 0 ? buildReferenceNeighbors(s, pm.cutoff) : emptyList(n));

    const atomEnergies = new Float64Array(n);
    const forces = new Float64Array(3 * n);
    const virial = new Float64Array(9);
    const G: Float64Array[] = [];
    const Gscaled: Float64Array[] = [];
    const dEdG: Float64Array[] = [];
    const dEdGraw: Float64Array[] = [];
    let nnSum = 0;
    let offsetSum = 0;
    for (let i = 0; i < n; i++) {
        const e = species[i]!;
        const fs = pm.functions[e]!;
        const scaler = pm.scalers[e]!;
        const env = environment(list, i, pm.elementCutoff[e]!, species, zOf);

        // 1. G_i (raw and scaled), 2. NN_i and ∂NN_i/∂G̃
        const g = new Float64Array(fs.length);
        const gs = new Float64Array(fs.length);
        for (let k = 0; k < fs.length; k++) {
            g[k] = evaluateFunction(fs[k]!, env);
            gs[k] = scaler.scale(k, g[k]!);
        }
        const dnn = new Float64Array(fs.length);
        const nn = runNetwork(pm.networks[e]!, gs, dnn);
        atomEnergies[i] = nn * pm.energyScale;
        nnSum += nn;
        offsetSum += pm.atomOffset[e]!;

        // 3. g_ij = Σ_s (∂E_i/∂G_is) ∂G_is/∂d_ij with ∂E_i/∂G_is = (∂NN_i/∂G̃_is) energyScale s_s (eV)
        const dscaled = new Float64Array(fs.length);
        const draw = new Float64Array(fs.length);
        const grad = new Float64Array(3 * env.count);
        for (let k = 0; k < fs.length; k++) {
            dscaled[k] = dnn[k]! * pm.energyScale;
            draw[k] = dscaled[k]! * scaler.factor[k]!;
            if (draw[k] !== 0) evaluateFunction(fs[k]!, env, grad, draw[k]!);
        }
        // 4. gather: F_j −= g_ij, F_i += g_ij;  W_ab += (g_ij)_a (d_ij)_b
        for (let a = 0; a < env.count; a++) {
            const j = env.atom[a]!;
            for (let c = 0; c < 3; c++) {
                const gc = grad[3 * a + c]!;
                forces[3 * j + c]! -= gc;
                forces[3 * i + c]! += gc;
                for (let b = 0; b < 3; b++) virial[3 * c + b]! += gc * env.d[3 * a + b]!;
            }
        }
        G.push(g);
        Gscaled.push(gs);
        dEdG.push(dscaled);
        dEdGraw.push(draw);
    }
    // n2p2's order: E* = Σ NN_i; E = E*/conv_energy + N·mean_energy + Σ offsets
    const energy = nnSum * pm.energyScale + n * pm.meanEnergy + offsetSum;
    const periodic = s.cell !== undefined && s.pbc.every(Boolean);
    const result: ReferenceResult = { energy, atomEnergies, forces, virial, G, Gscaled, dEdG, dEdGraw };
    if (!periodic) return result;
    const volume = Math.abs(det3(s.cell!));
    return { ...result, stress: virial.map((w) => w / volume) };
}

/** Atom i's neighbours within r_c (strict) from the list, in list order. */
export function environment(list: ReferenceNeighbors, i: number, rc: number, species: readonly number[], zOf: readonly number[]): AtomEnvironment {
    const start = list.offsets[i]!;
    const end = list.offsets[i + 1]!;
    let count = 0;
    for (let e = start; e < end; e++) if (list.distances[e]! < rc) count++;
    const element = new Int32Array(count);
    const z = new Float64Array(count);
    const d = new Float64Array(3 * count);
    const r = new Float64Array(count);
    const atom = new Int32Array(count);
    const entry = new Int32Array(count);
    let a = 0;
    for (let e = start; e < end; e++) {
        if (!(list.distances[e]! < rc)) continue;
        const j = list.neighbors[e]!;
        atom[a] = j;
        entry[a] = e;
        element[a] = species[j]!;
        z[a] = zOf[species[j]!]!;
        d[3 * a] = list.displacements[3 * e]!;
        d[3 * a + 1] = list.displacements[3 * e + 1]!;
        d[3 * a + 2] = list.displacements[3 * e + 2]!;
        r[a] = list.distances[e]!;
        a++;
    }
    return new AtomEnvironment({ element, z, d, r, atom, entry });
}

export function emptyList(n: number): ReferenceNeighbors {
    return { offsets: new Uint32Array(n + 1), neighbors: new Uint32Array(0), displacements: new Float64Array(0), shifts: new Int32Array(0), distances: new Float64Array(0) };
}
