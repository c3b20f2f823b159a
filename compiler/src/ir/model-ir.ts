// The Model IR: plain, serialisable data lowered from a spec. Units are internal
// (energy eV, length Å, time fs, mass amu, temperature K, angle rad, pressure eV/Å³).
// Everything later (kernels, the float64 reference evaluator, training, protocols) reads this.
import type { CutoffKind } from '../../../language/src/generated/ast.js';
import type { DescriptorKind } from '../../../language/src/descriptor-expansion.js';

export const IR_VERSION = 1;

export interface SpecIR {
    readonly format: 'nnp-ir';
    readonly version: typeof IR_VERSION;
    readonly models: readonly ModelIR[];
    readonly potentials: readonly PotentialIR[];
    readonly datasets: readonly DatasetIR[];
    readonly trainings: readonly TrainingIR[];
    readonly runs: readonly RunIR[];
    /** Continuum reference materials (`material`); absent when the spec has none. */
    readonly materials?: readonly MaterialIR[];
    /** Network constitutive models (`constitutive`); absent when the spec has none. */
    readonly constitutive?: readonly ConstitutiveIR[];
    /** Two-state (excited-state) surfaces, models, fits and scans; absent when the spec has none. */
    readonly twoState?: TwoStateIR;
}

/** A grid of (x, y) points, Å. */
export interface TwoStateGridIR {
    readonly x: readonly [number, number];
    readonly y: readonly [number, number];
    readonly nx: number;
    readonly ny: number;
}

export interface TwoStateIR {
    /** `surface name = two_state { … }`: parameters in internal units (eV, Å). */
    readonly surfaces: readonly { readonly name: string; readonly kind: 'two_state'; readonly params: Readonly<Record<string, number>> }[];
    readonly models: readonly { readonly name: string; readonly representation: 'diabatic' | 'adiabatic'; readonly hidden: readonly number[]; readonly activation: string }[];
    readonly fits: readonly {
        readonly model: string; readonly surface: string; readonly grid: TwoStateGridIR;
        readonly optimizer: { readonly kind: string; readonly options: Readonly<Record<string, number>> };
        readonly epochs: number; readonly batch: number; readonly seed: number; readonly save?: string;
    }[];
    readonly scans: readonly { readonly name: string; readonly models: readonly string[]; readonly surface: string; readonly grid: TwoStateGridIR; readonly output?: string }[];
}

export interface ElementIR {
    readonly symbol: string;
    /** Atomic number; elements are ordered by it (n2p2's element order). */
    readonly z: number;
    /** amu */
    readonly mass: number;
    /** Per-atom energy offset (n2p2 atom_energy), eV. */
    readonly energyOffset: number;
}

export interface CutoffIR {
    readonly kind: CutoffKind;
    /** n2p2 cutoff_type number. */
    readonly n2p2Type: number;
    /** Å */
    readonly radius: number;
    /** Inner-cutoff fraction α. */
    readonly inner: number;
}

/** One symmetry function; its index in `functions` is the network input index. */
export interface SymmetryFunctionIR {
    readonly kind: DescriptorKind;
    readonly n2p2Type: number;
    /** Neighbour elements; angular pairs ordered by atomic number. Empty when element-weighted. */
    readonly neighbors: readonly string[];
    readonly eta?: number;
    readonly rshift?: number;
    readonly lambda?: number;
    readonly zeta?: number;
    readonly cutoff?: CutoffIR;
    readonly low?: number;
    readonly high?: number;
    readonly angleLow?: number;
    readonly angleHigh?: number;
    /** n2p2 compact subtype: p1..p4 or e, with suffix a when asymmetric. */
    readonly subtype?: string;
}

export interface DescriptorsIR {
    readonly element: string;
    readonly functions: readonly SymmetryFunctionIR[];
}

export interface LayerIR {
    readonly size: number;
    readonly activation: string;
}

export interface NetworkIR {
    readonly element: string;
    readonly inputs: number;
    /** Hidden layers, then the output layer (size 1). */
    readonly layers: readonly LayerIR[];
    /** n2p2 normalize_nodes: pre-activations divided by the previous layer's width. */
    readonly normalizeNodes: boolean;
    /** Σ_l (n_{l−1} + 1) n_l */
    readonly parameters: number;
}

export type ScalingMode = 'none' | 'scale' | 'center' | 'scale_center' | 'sigma';

export interface ScalingIR {
    readonly mode: ScalingMode;
    readonly min: number;
    readonly max: number;
    /** n2p2 scaling.data with the statistics, relative to the spec; else from the training split. */
    readonly statistics?: string;
}

export type NormalizationIR =
    | { readonly kind: 'none' }
    | { readonly kind: 'auto' }
    | { readonly kind: 'fixed'; readonly meanEnergy: number; readonly convEnergy: number; readonly convLength: number };

export interface ModelIR {
    readonly name: string;
    readonly elements: readonly ElementIR[];
    readonly descriptors: readonly DescriptorsIR[];
    readonly networks: readonly NetworkIR[];
    readonly scaling: ScalingIR;
    readonly normalization: NormalizationIR;
    /** Fitted parameters (weights, scaling statistics), relative to the spec; none before training. */
    readonly weights?: string;
    /** Largest descriptor radius (Å): the neighbour-list cutoff. */
    readonly maxCutoff: number;
}

export interface AnalyticTermIR {
    readonly kind: 'lennard_jones' | 'morse' | 'stillinger_weber' | 'axilrod_teller' | 'muller_brown';
    readonly elements: readonly string[];
    /** Parameters in internal units, defaults filled in. */
    readonly params: Readonly<Record<string, number>>;
    readonly shift: boolean;
}

export interface PotentialIR {
    readonly name: string;
    /** The sum, flattened: references to other potentials are inlined. */
    readonly terms: readonly AnalyticTermIR[];
}

/** A lowered statement: its type and properties, quantities in internal units, references by name. */
export type PlainIR = { readonly type: string; readonly [key: string]: unknown };

export interface DatasetIR {
    readonly name: string;
    readonly sources: readonly PlainIR[];
    readonly split: { readonly train: number; readonly validation: number; readonly test: number; readonly seed: number };
    readonly skipInvalid: boolean;
}

export interface TrainingIR {
    readonly model: string;
    readonly datasets: readonly string[];
    readonly loss: { readonly energy: number; readonly forces: number };
    readonly optimizer: { readonly kind: string; readonly options: Readonly<Record<string, number>> };
    readonly schedule: PlainIR;
    readonly epochs: number;
    readonly batch: number;
    readonly seed: number;
    readonly init: string;
    /** `init zero perturb p`: U(−p, p) added to every weight of the zero start. */
    readonly initPerturb?: number;
    /** `log gradient`: record |∇L| (full-batch training loss, float64) per epoch in the log. */
    readonly logGradient?: boolean;
    readonly earlyStop?: number;
    readonly checkpoint?: { readonly path: string; readonly every: number };
    readonly save?: string;
    readonly committee?: { readonly size: number; readonly bootstrap: boolean };
}

export interface RunIR {
    readonly name: string;
    readonly protocol: string;
    readonly calculator: { readonly kind: 'model' | 'potential' | 'material' | 'constitutive'; readonly name: string };
    readonly items: readonly PlainIR[];
}

/** `material m = neo_hookean { shear μ bulk κ }`; moduli in GPa (the constitutive runtime's unit). */
export interface MaterialIR {
    readonly name: string;
    readonly kind: 'neo_hookean';
    /** μ, GPa */
    readonly shear: number;
    /** κ, GPa */
    readonly bulk: number;
}

/** A network constitutive model and how it is fitted (runtime/src/constitutive/). */
export interface ConstitutiveIR {
    readonly name: string;
    readonly kind: 'energy' | 'direct';
    readonly hidden: readonly number[];
    readonly activation: string;
    readonly data: {
        readonly material: string;
        /** Largest stretch / shear amplitude (dimensionless). */
        readonly strain: number;
        readonly states: number;
        /** Held-out fraction. */
        readonly test: number;
        readonly seed: number;
    };
    readonly optimizer: { readonly kind: string; readonly options: Readonly<Record<string, number>> };
    readonly epochs: number;
    readonly batch: number;
    readonly seed: number;
    /** Weights file relative to the spec (default out/<name>.constitutive.json). */
    readonly save: string;
}
