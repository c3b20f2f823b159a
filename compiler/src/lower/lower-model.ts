// lowerModel: a checked `model` block → ModelIR. Elements are ordered by atomic number and each
// element's symmetry functions in n2p2's sort order (N2P2-FORMAT.md §5.6), which is the network
// input order, so an imported n2p2 potential keeps its weights' meaning.
import type { CutoffKind, ElementDecl, Model, NetworkSpec, NormalizationSpec, ScalingSpec, WeightsSpec } from '../../../language/src/generated/ast.js';
import { expandModelDescriptors, N2P2_TYPE, type ExpandedFunction } from '../../../language/src/descriptor-expansion.js';
import { elementBySymbol } from '../../../language/src/elements.js';
import { toInternal } from '../../../language/src/quantities.js';
import type { CutoffIR, ElementIR, LayerIR, ModelIR, NetworkIR, NormalizationIR, ScalingIR, SymmetryFunctionIR } from '../ir/model-ir.js';

/** n2p2 cutoff_type numbers (CutoffFunction.h). */
export const N2P2_CUTOFF_TYPE: Readonly<Record<CutoffKind, number>> = {
    hard: 0, cosine: 1, tanhu: 2, tanh: 3, exp: 4, poly1: 5, poly2: 6, poly3: 7, poly4: 8,
};

export function lowerModel(model: Model): ModelIR {
    const decls = model.members.filter((m): m is ElementDecl => m.$type === 'ElementDecl');
    const elements = decls.map(lowerElement).sort((a, b) => a.z - b.z);
    const z = new Map(elements.map((e) => [e.symbol, e.z]));
    const descriptors = elements.map((e) => ({
        element: e.symbol,
        functions: sortFunctions(expandModelDescriptors(model, e.symbol).map((f) => lowerFunction(f, z)), z),
    }));
    const networks = elements.flatMap((e, i) => {
        const spec = model.members.find((m): m is NetworkSpec => m.$type === 'NetworkSpec' && m.elements.some((r) => r.$refText === e.symbol));
        return spec ? [lowerNetwork(spec, e.symbol, descriptors[i]!.functions.length)] : [];
    });
    const weights = model.members.find((m): m is WeightsSpec => m.$type === 'WeightsSpec');
    const radii = descriptors.flatMap((d) => d.functions.map((f) => f.cutoff?.radius ?? f.high ?? 0));
    return {
        name: model.name,
        elements,
        descriptors,
        networks,
        scaling: lowerScaling(model.members.find((m): m is ScalingSpec => m.$type === 'ScalingSpec')),
        normalization: lowerNormalization(model.members.find((m): m is NormalizationSpec => m.$type === 'NormalizationSpec')),
        ...(weights ? { weights: weights.path } : {}),
        maxCutoff: radii.length > 0 ? Math.max(...radii) : 0,
    };
}

function lowerElement(e: ElementDecl): ElementIR {
    const info = elementBySymbol(e.name);
    return {
        symbol: e.name,
        z: info?.z ?? 0,
        mass: e.mass ? toInternal(e.mass) : info?.mass ?? Number.NaN,
        energyOffset: e.energy ? toInternal(e.energy) : 0,
    };
}

function lowerFunction(f: ExpandedFunction, z: ReadonlyMap<string, number>): SymmetryFunctionIR {
    const angular = f.kind.includes('angular');
    const neighbors = angular ? [...f.neighbors].sort((a, b) => (z.get(a) ?? 0) - (z.get(b) ?? 0)) : [...f.neighbors];
    const cutoff: CutoffIR | undefined = f.cutoff
        ? { kind: f.cutoff.kind, n2p2Type: N2P2_CUTOFF_TYPE[f.cutoff.kind], radius: f.cutoff.radius, inner: f.cutoff.inner }
        : undefined;
    const subtype = f.core ? `${f.core === 'exp' ? 'e' : `p${f.core.slice(4)}`}${f.asymmetric ? 'a' : ''}` : undefined;
    return stripUndefined({
        kind: f.kind, n2p2Type: N2P2_TYPE[f.kind], neighbors,
        eta: f.eta, rshift: f.rshift, lambda: f.lambda, zeta: f.zeta, cutoff,
        low: f.low, high: f.high, angleLow: f.angleLow, angleHigh: f.angleHigh, subtype,
    });
}

/** n2p2's SymFnc*::operator< keys, compared lexicographically after the type number. */
function sortKey(f: SymmetryFunctionIR, z: ReadonlyMap<string, number>): Array<number | string> {
    const el = f.neighbors.map((s) => z.get(s) ?? 0);
    const c = f.cutoff;
    const exp = c ? [c.n2p2Type, c.inner, c.radius, f.eta ?? 0, f.rshift ?? 0] : [];
    switch (f.n2p2Type) {
        case 2: return [...exp, ...el];
        case 3: case 9: return [...exp, f.zeta ?? 0, f.lambda ?? 0, ...el];
        case 12: return exp;
        case 13: return [...exp, f.zeta ?? 0, f.lambda ?? 0];
        case 20: return [f.subtype ?? '', ...el, f.high ?? 0, f.low ?? 0];
        case 21: case 22: return [f.subtype ?? '', ...el, f.high ?? 0, f.low ?? 0, f.angleLow ?? 0, f.angleHigh ?? 0];
        case 23: return [f.subtype ?? '', f.high ?? 0, f.low ?? 0];
        default: return [f.subtype ?? '', f.high ?? 0, f.low ?? 0, f.angleLow ?? 0, f.angleHigh ?? 0];
    }
}

export function sortFunctions(functions: SymmetryFunctionIR[], z: ReadonlyMap<string, number>): SymmetryFunctionIR[] {
    const keyed = functions.map((f) => ({ f, key: [f.n2p2Type, ...sortKey(f, z)] }));
    keyed.sort((a, b) => compareKeys(a.key, b.key));
    return keyed.map((k) => k.f);
}

function compareKeys(a: ReadonlyArray<number | string>, b: ReadonlyArray<number | string>): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const x = a[i]!;
        const y = b[i]!;
        if (x < y) return -1;
        if (x > y) return 1;
    }
    return a.length - b.length;
}

function lowerNetwork(spec: NetworkSpec, element: string, inputs: number): NetworkIR {
    const hidden: LayerIR[] = spec.linear ? [] : spec.sizes.map((size, i) => ({
        size, activation: spec.activations.length === 1 ? spec.activations[0]! : spec.activations[i] ?? 'tanh',
    }));
    const layers = [...hidden, { size: 1, activation: spec.output ?? 'linear' }];
    let parameters = 0;
    let previous = inputs;
    for (const layer of layers) {
        parameters += (previous + 1) * layer.size;
        previous = layer.size;
    }
    return { element, inputs, layers, normalizeNodes: spec.normalizeNodes, parameters };
}

function lowerScaling(spec: ScalingSpec | undefined): ScalingIR {
    if (!spec) return { mode: 'none', min: 0, max: 1 };
    // n2p2's defaults for scale_min_short / scale_max_short are 0 and 1.
    return stripUndefined({ mode: spec.mode, min: spec.min ?? 0, max: spec.max ?? 1, statistics: spec.file });
}

function lowerNormalization(spec: NormalizationSpec | undefined): NormalizationIR {
    if (!spec) return { kind: 'none' };
    if (spec.auto) return { kind: 'auto' };
    return {
        kind: 'fixed',
        meanEnergy: spec.meanEnergy ? toInternal(spec.meanEnergy) : Number.NaN,
        convEnergy: spec.convEnergy ? toInternal(spec.convEnergy) : Number.NaN,
        convLength: spec.convLength ? toInternal(spec.convLength) : Number.NaN,
    };
}

/** Drops undefined properties so the JSON has no "key": undefined holes and stays compact. */
export function stripUndefined<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
