// Plans how a model's symmetry functions are evaluated on the GPU: functions of one central
// element are grouped by the neighbour species they visit, so each neighbour (or neighbour pair)
// is visited once per group and shared quantities (distances, cutoffs, exponentials) are computed
// once (cf. n2p2's symmetry-function groups, torchani's AEV). Neighbour lists are sorted by
// species, so a group loops over contiguous ranges.
import type { ModelIR, SymmetryFunctionIR } from '../../ir/model-ir.js';
import { elementBySymbol } from '../../../../language/src/elements.js';

export interface PlannedFunction {
    /** Index in the element's function list (= network input index). */
    readonly index: number;
    readonly f: SymmetryFunctionIR;
    /** Multiplier of this group's terms: 1, Z_j (weighted radial) or Z_j Z_k (weighted angular). */
    readonly weight: number;
}

export interface RadialGroup {
    readonly species: number;
    readonly functions: readonly PlannedFunction[];
}

export interface AngularGroup {
    /** Species of the two neighbours, p ≤ q. */
    readonly p: number;
    readonly q: number;
    readonly functions: readonly PlannedFunction[];
}

export interface ElementPlan {
    readonly species: number;
    readonly element: string;
    readonly functionCount: number;
    readonly radial: readonly RadialGroup[];
    readonly angular: readonly AngularGroup[];
}

export interface DescriptorPlan {
    readonly elements: readonly ElementPlan[];
    /** Largest function count over elements: the row stride of G and dE/dG buffers. */
    readonly maxFunctions: number;
}

const RADIAL_TYPES = new Set([2, 12, 20, 23]);
const WEIGHTED_TYPES = new Set([12, 13, 23, 24, 25]);

export function planDescriptors(model: ModelIR): DescriptorPlan {
    const species = new Map(model.elements.map((e, i) => [e.symbol, i]));
    const z = model.elements.map((e) => elementBySymbol(e.symbol)?.z ?? e.z);
    const elements = model.descriptors.map((d): ElementPlan => {
        const radial = new Map<number, PlannedFunction[]>();
        const angular = new Map<string, { p: number; q: number; functions: PlannedFunction[] }>();
        d.functions.forEach((f, index) => {
            const weighted = WEIGHTED_TYPES.has(f.n2p2Type);
            if (RADIAL_TYPES.has(f.n2p2Type)) {
                const targets = weighted ? z.map((_, s) => s) : [species.get(f.neighbors[0]!)!];
                for (const s of targets) push(radial, s, { index, f, weight: weighted ? z[s]! : 1 });
            } else {
                const pairs: Array<[number, number]> = [];
                if (weighted) {
                    for (let p = 0; p < z.length; p++) for (let q = p; q < z.length; q++) pairs.push([p, q]);
                } else {
                    const a = species.get(f.neighbors[0]!)!;
                    const b = species.get(f.neighbors[1]!)!;
                    pairs.push([Math.min(a, b), Math.max(a, b)]);
                }
                for (const [p, q] of pairs) {
                    const key = `${p},${q}`;
                    if (!angular.has(key)) angular.set(key, { p, q, functions: [] });
                    angular.get(key)!.functions.push({ index, f, weight: weighted ? z[p]! * z[q]! : 1 });
                }
            }
        });
        return {
            species: species.get(d.element)!,
            element: d.element,
            functionCount: d.functions.length,
            radial: [...radial.entries()].sort((a, b) => a[0] - b[0]).map(([s, functions]) => ({ species: s, functions })),
            angular: [...angular.values()].sort((a, b) => a.p - b.p || a.q - b.q),
        };
    });
    return { elements, maxFunctions: Math.max(1, ...elements.map((e) => e.functionCount)) };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}
