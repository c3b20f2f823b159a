// The domain of applicability of a model: where in descriptor space its training data lie, and how
// far the atoms of a new structure are from there (Behler, Int. J. Quantum Chem. 115, 1032 (2015)
// §6; n2p2's extrapolation warnings). Everything is measured on the *scaled* descriptors G̃, the
// vectors the networks see, scaled with the statistics saved in the weights (reference/scaling.ts),
// per element, in float64 on the CPU (G̃ is computed by the reference symmetry functions).
//
// Measures (per atom; a structure scores the largest over its atoms):
//   minimum       distance to the nearest training vector of the same element (descriptor-distance.ts)
//   mahalanobis   distance from the training distribution (mean, Ledoit–Wolf shrinkage covariance)
//   range         n2p2's check: raw G outside [G_min, G_max] of the training split (the scaling
//                 statistics in the weights); the excess of the worst function, in units of its
//                 training range G_max − G_min (+∞ for a function without spread that moved)
//
// Thresholds (minimum, mahalanobis): the training set's own distances — each training vector's
// distance to its nearest *other* training vector (leave-one-out) for the minimum distance, its
// Mahalanobis distance for the other. A structure is judged by its largest atom distance, so the
// threshold is a percentile of that same statistic over the training structures: threshold(P) =
// the P-th percentile over training structures of their largest atom distance (per element). P % of
// the training structures lie entirely within it, and a new structure like them passes with about
// that probability (a per-atom percentile would flag most in-domain structures of many atoms: with
// 64 atoms, 1 − 0.99⁶⁴ ≈ 47 % of them at P = 99). The statistic grows slowly with the number of atoms,
// so structures much larger than the training structures trip it somewhat more often. An atom is
// "over the threshold" when its distance exceeds it; a structure is out of domain when any atom is.
// The ratio distance/threshold compares elements (and is what selection ranks by).
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';
import type { ModelParameters, ScalingStatistics } from '../model/parameters.js';
import { buildReferenceNeighbors } from '../neighbors/reference-neighbors.js';
import { emptyList, environment, prepareDescriptors, type PreparedDescriptors } from '../reference/evaluate.js';
import { scalerFor, type Scaler } from '../reference/scaling.js';
import { evaluateFunction } from '../reference/symmetry-functions.js';
import type { Structure } from '../structure.js';
import {
    mahalanobisDistances, minimumDistances, percentile, shrinkageCovariance, vectorSet,
    type NearestResult, type ShrinkageCovariance, type ShrinkageOptions, type VectorSet,
} from './descriptor-distance.js';

export type DistanceKind = 'mahalanobis' | 'minimum';

/** Raw and scaled descriptors of every atom of a structure. */
export interface StructureVectors {
    /** (atoms) model element index (ascending Z). */
    readonly element: Int32Array;
    /** Per atom: raw G (network input order). */
    readonly raw: readonly Float64Array[];
    /** Per atom: scaled G̃. */
    readonly scaled: readonly Float64Array[];
}

/** G and G̃ of structures, for one model and its parameters (float64). */
export class DescriptorVectors {
    private readonly pd: PreparedDescriptors;
    private readonly scalers: readonly Scaler[];
    private readonly zOf: readonly number[];

    constructor(readonly model: ModelIR, params: ModelParameters) {
        this.pd = prepareDescriptors(model);
        this.scalers = model.elements.map((e, i) => scalerFor(model.scaling, params.scaling.find((s) => s.element === e.symbol), this.pd.functions[i]!.length, e.symbol));
        this.zOf = model.elements.map((e) => e.z);
    }

    /** Functions per element. */
    get dims(): number[] {
        return this.pd.functions.map((f) => f.length);
    }

    of(s: Structure): StructureVectors {
        const n = s.symbols.length;
        const element = Int32Array.from(s.symbols, (sym, i) => {
            const e = this.pd.elementIndex.get(sym);
            if (e === undefined) throw new Error(`atom ${i + 1} is ${sym}, which is not an element of model '${this.model.name}' (${[...this.pd.elementIndex.keys()].join(', ')})`);
            return e;
        });
        const species = Array.from(element);
        const list = this.pd.cutoff > 0 ? buildReferenceNeighbors(s, this.pd.cutoff) : emptyList(n);
        const raw: Float64Array[] = [];
        const scaled: Float64Array[] = [];
        for (let i = 0; i < n; i++) {
            const e = element[i]!;
            const fs = this.pd.functions[e]!;
            const env = environment(list, i, this.pd.elementCutoff[e]!, species, this.zOf);
            const g = new Float64Array(fs.length);
            const gs = new Float64Array(fs.length);
            for (let k = 0; k < fs.length; k++) {
                g[k] = evaluateFunction(fs[k]!, env);
                gs[k] = this.scalers[e]!.scale(k, g[k]!);
            }
            raw.push(g);
            scaled.push(gs);
        }
        return { element, raw, scaled };
    }
}

/**
 * n2p2's range check per atom: max over functions of the distance of G outside [G_min, G_max], in
 * units of G_max − G_min (0 inside; +∞ when a function without spread took another value).
 */
export function rangeExcess(v: StructureVectors, scaling: readonly ScalingStatistics[]): Float64Array {
    return Float64Array.from(v.raw, (g, i) => {
        const st = scaling[v.element[i]!];
        if (!st) return 0;
        let worst = 0;
        for (let k = 0; k < g.length; k++) {
            const lo = st.min[k]!;
            const hi = st.max[k]!;
            const out = g[k]! < lo ? lo - g[k]! : g[k]! > hi ? g[k]! - hi : 0;
            if (out > 0) worst = Math.max(worst, hi > lo ? out / (hi - lo) : Infinity);
        }
        return worst;
    });
}

/** The functions of an atom outside the training range (0-based indices in network input order). */
export function functionsOutsideRange(raw: Float64Array, st: ScalingStatistics): number[] {
    const out: number[] = [];
    for (let k = 0; k < raw.length; k++) if (raw[k]! < st.min[k]! || raw[k]! > st.max[k]!) out.push(k);
    return out;
}

export interface ElementDomain {
    readonly element: string;
    /** (training atoms of the element, functions) scaled descriptors. */
    readonly vectors: VectorSet;
    /** (training atoms of the element) the training structure of each vector. */
    readonly structureOf: Int32Array;
    readonly covariance: ShrinkageCovariance;
}

export interface DomainOptions extends ShrinkageOptions {
    /** Reference vectors per tile of the minimum distance. */
    readonly tile?: number;
}

/** An exact nearest-neighbour search (e.g. gpu/min-distance.ts on a device), same contract as minimumDistances. */
export type NearestSearch = (queries: VectorSet, reference: VectorSet, options: { leaveOneOut?: boolean }) => Promise<NearestResult>;

export class DescriptorDomain {
    private readonly trainingCache = new Map<string, Float64Array>();
    /** Minimum distances computed ahead (precomputeMinimum), per structure's vectors. */
    private readonly minimumCache = new WeakMap<StructureVectors, Float64Array>();

    private constructor(
        readonly model: ModelIR,
        readonly vectorsOf: DescriptorVectors,
        readonly elements: readonly ElementDomain[],
        readonly trainingStructures: number,
        /** Why the weights' scaling statistics do not fit the training data, if they do not. */
        readonly mismatch: string | undefined,
        private readonly options: DomainOptions,
    ) {}

    /** The domain of the training split's structures, measured with the model's scaling. */
    static fromTraining(model: ModelIR, params: ModelParameters, training: readonly Structure[], options: DomainOptions = {}): DescriptorDomain {
        const vectorsOf = new DescriptorVectors(model, params);
        const dims = vectorsOf.dims;
        const rows = dims.map(() => [] as Float64Array[]);
        const owner = dims.map(() => [] as number[]);
        const lo = dims.map((p) => new Float64Array(p).fill(Infinity));
        const hi = dims.map((p) => new Float64Array(p).fill(-Infinity));
        training.forEach((s, k) => {
            const v = vectorsOf.of(s);
            v.element.forEach((e, i) => {
                rows[e]!.push(v.scaled[i]!);
                owner[e]!.push(k);
                const g = v.raw[i]!;
                for (let f = 0; f < g.length; f++) {
                    if (g[f]! < lo[e]![f]!) lo[e]![f] = g[f]!;
                    if (g[f]! > hi[e]![f]!) hi[e]![f] = g[f]!;
                }
            });
        });
        const elements = model.elements.map((el, e) => {
            const p = dims[e]!;
            const data = new Float64Array(rows[e]!.length * p);
            rows[e]!.forEach((r, j) => data.set(r, j * p));
            const vectors = vectorSet(data, p);
            const shrink = options.shrinkage !== undefined ? { shrinkage: options.shrinkage } : {};
            return { element: el.symbol, vectors, structureOf: Int32Array.from(owner[e]!), covariance: shrinkageCovariance(vectors, shrink) };
        });
        let mismatch: string | undefined;
        model.elements.forEach((el, e) => {
            const st = params.scaling.find((s) => s.element === el.symbol);
            if (!st || mismatch || rows[e]!.length === 0 || model.scaling.mode === 'none') return;
            const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
            const f = lo[e]!.findIndex((x, k) => !close(x, st.min[k]!) || !close(hi[e]![k]!, st.max[k]!));
            if (f >= 0) mismatch = `${el.symbol} function ${f + 1}: the training data range over [${lo[e]![f]}, ${hi[e]![f]}], the weights' scaling statistics over [${st.min[f]}, ${st.max[f]}]`;
        });
        return new DescriptorDomain(model, vectorsOf, elements, training.length, mismatch, options);
    }

    /** (training atoms of element e) the training set's own distances: leave-one-out for the minimum distance. */
    trainingDistances(kind: DistanceKind, e: number): Float64Array {
        const key = `${kind}:${e}`;
        let d = this.trainingCache.get(key);
        if (!d) {
            const el = this.elements[e]!;
            d = kind === 'minimum'
                ? minimumDistances(el.vectors, el.vectors, { leaveOneOut: true, ...(this.options.tile ? { tile: this.options.tile } : {}) }).distance
                : mahalanobisDistances(el.vectors, el.covariance);
            this.trainingCache.set(key, d);
        }
        return d;
    }

    /** (training structures with atoms of element e) the largest training distance of each. */
    structureMaxima(kind: DistanceKind, e: number): Float64Array {
        const d = this.trainingDistances(kind, e);
        const owner = this.elements[e]!.structureOf;
        const max = new Map<number, number>();
        owner.forEach((s, j) => max.set(s, Math.max(max.get(s) ?? -Infinity, d[j]!)));
        return Float64Array.from(max.values());
    }

    /** Per element: the P-th percentile of the training structures' largest atom distance (NaN without training atoms). */
    thresholds(kind: DistanceKind, p: number): Float64Array {
        return Float64Array.from(this.elements, (_, e) => percentile(this.structureMaxima(kind, e), p));
    }

    /**
     * The minimum distances of the training atoms (leave-one-out) and of every atom of `queries`, by an
     * outside search (the GPU's), each element's atoms of all structures in one search; `trainingDistances`
     * and `distances` then return these instead of computing them on the CPU.
     */
    async precomputeMinimum(search: NearestSearch, queries: readonly StructureVectors[]): Promise<void> {
        for (const [e, el] of this.elements.entries()) {
            if (el.vectors.count > 0 && !this.trainingCache.has(`minimum:${e}`)) {
                this.trainingCache.set(`minimum:${e}`, (await search(el.vectors, el.vectors, { leaveOneOut: true })).distance);
            }
        }
        const out = queries.map((v) => new Float64Array(v.element.length).fill(Infinity));
        for (const [e, el] of this.elements.entries()) {
            if (el.vectors.count === 0) continue;
            const owners: Array<[number, number]> = [];
            queries.forEach((v, k) => v.element.forEach((x, i) => x === e && owners.push([k, i])));
            if (owners.length === 0) continue;
            const p = el.vectors.dim;
            const data = new Float64Array(owners.length * p);
            owners.forEach(([k, i], j) => data.set(queries[k]!.scaled[i]!, j * p));
            const d = (await search(vectorSet(data, p), el.vectors, {})).distance;
            owners.forEach(([k, i], j) => {
                out[k]![i] = d[j]!;
            });
        }
        queries.forEach((v, k) => this.minimumCache.set(v, out[k]!));
    }

    /** Per atom of the structure: its distance from the training data of its element (+∞ for an element without training atoms). */
    distances(kind: DistanceKind, v: StructureVectors): Float64Array {
        const ahead = kind === 'minimum' ? this.minimumCache.get(v) : undefined;
        if (ahead) return Float64Array.from(ahead);
        const out = new Float64Array(v.element.length);
        this.elements.forEach((el, e) => {
            const atoms: number[] = [];
            v.element.forEach((x, i) => x === e && atoms.push(i));
            if (atoms.length === 0) return;
            if (el.vectors.count === 0) {
                for (const i of atoms) out[i] = Infinity;
                return;
            }
            const p = el.vectors.dim;
            const data = new Float64Array(atoms.length * p);
            atoms.forEach((i, j) => data.set(v.scaled[i]!, j * p));
            const q = vectorSet(data, p);
            const d = kind === 'minimum'
                ? minimumDistances(q, el.vectors, this.options.tile ? { tile: this.options.tile } : {}).distance
                : mahalanobisDistances(q, el.covariance);
            atoms.forEach((i, j) => {
                out[i] = d[j]!;
            });
        });
        return out;
    }
}

/** distance / threshold (+∞ over a threshold of 0 or NaN, unless the distance is 0). */
export function ratio(distance: number, threshold: number): number {
    if (threshold > 0) return distance / threshold;
    return distance > 0 || Number.isNaN(threshold) ? Infinity : 0;
}

export interface StructureVerdict {
    /** Largest atom distance. */
    readonly maxDistance: number;
    /** Largest distance/threshold of its element. */
    readonly maxRatio: number;
    /** Atom with the largest ratio (0-based). */
    readonly worstAtom: number;
    /** Atoms over the threshold of their element (0-based). */
    readonly over: readonly number[];
    readonly outOfDomain: boolean;
}

/** A structure's verdict from its atom distances and the per-element thresholds. */
export function judge(distances: Float64Array, element: Int32Array, thresholds: ArrayLike<number>): StructureVerdict {
    let maxDistance = 0;
    let maxRatio = 0;
    let worstAtom = -1;
    const over: number[] = [];
    distances.forEach((d, i) => {
        const r = ratio(d, thresholds[element[i]!]!);
        maxDistance = Math.max(maxDistance, d);
        if (worstAtom < 0 || r > maxRatio) {
            maxRatio = r;
            worstAtom = i;
        }
        if (r > 1) over.push(i);
    });
    return { maxDistance, maxRatio, worstAtom, over, outOfDomain: over.length > 0 };
}
