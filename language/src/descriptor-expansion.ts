// Expands the descriptor statements of a spec into individual symmetry functions:
// parameter lists become grids (Cartesian products), `grid shifted|centered` generates radial
// functions, included sets are inlined, and each function gets its cutoff. Values are in
// internal units (Å, Å⁻², rad). Used by the validator (duplicates, counts) and by the lowering.
import type { AstNode } from 'langium';
import type {
    AngularFunction, CompactAngularFunction, CompactRadialFunction, CutoffKind, CutoffSpec, DescriptorItem,
    Model, RadialFunction, RadialGrid,
} from './generated/ast.js';
import { toInternal } from './quantities.js';

export type DescriptorKind =
    | 'radial' | 'radial-weighted' | 'angular-narrow' | 'angular-wide' | 'angular-narrow-weighted'
    | 'compact-radial' | 'compact-radial-weighted' | 'compact-angular-narrow' | 'compact-angular-wide'
    | 'compact-angular-narrow-weighted' | 'compact-angular-wide-weighted';

/** n2p2's symmetry-function type number for each kind (N2P2-FORMAT.md §5.3). */
export const N2P2_TYPE: Readonly<Record<DescriptorKind, number>> = {
    'radial': 2, 'angular-narrow': 3, 'angular-wide': 9, 'radial-weighted': 12, 'angular-narrow-weighted': 13,
    'compact-radial': 20, 'compact-angular-narrow': 21, 'compact-angular-wide': 22,
    'compact-radial-weighted': 23, 'compact-angular-narrow-weighted': 24, 'compact-angular-wide-weighted': 25,
};

export interface ResolvedCutoff {
    readonly kind: CutoffKind;
    /** r_c in Å. */
    readonly radius: number;
    /** Inner-cutoff fraction α (r_ci = α r_c). */
    readonly inner: number;
}

export interface ExpandedFunction {
    readonly kind: DescriptorKind;
    /** Neighbour element symbols: one for radial, two for angular (as written), none when weighted. */
    readonly neighbors: readonly string[];
    /** Exponential functions: η in Å⁻², r_s in Å, λ, ζ; and their cutoff. */
    readonly eta?: number;
    readonly rshift?: number;
    readonly lambda?: number;
    readonly zeta?: number;
    readonly cutoff?: ResolvedCutoff;
    /** Compact functions: radial window [low, high] in Å, angle window in rad, core polynomial. */
    readonly low?: number;
    readonly high?: number;
    readonly angleLow?: number;
    readonly angleHigh?: number;
    readonly core?: string;
    readonly asymmetric?: boolean;
    /** The statement this function came from (for diagnostics). */
    readonly source: AstNode;
}

/** Functions of all `descriptors for` blocks of `model` that list `element`. */
export function expandModelDescriptors(model: Model, element: string): ExpandedFunction[] {
    const modelCutoff = model.members.find((m): m is CutoffSpec => m.$type === 'CutoffSpec');
    const out: ExpandedFunction[] = [];
    for (const member of model.members) {
        if (member.$type !== 'DescriptorBlock') continue;
        if (!member.elements.some((e) => e.$refText === element)) continue;
        out.push(...expandItems(member.items, modelCutoff, new Set()));
    }
    return out;
}

/** Expands a list of descriptor items; `inherited` is the cutoff of the enclosing scope. */
export function expandItems(items: readonly DescriptorItem[], inherited: CutoffSpec | undefined, visiting: Set<AstNode>): ExpandedFunction[] {
    const local = items.find((i): i is CutoffSpec => i.$type === 'CutoffSpec') ?? inherited;
    const out: ExpandedFunction[] = [];
    for (const item of items) {
        switch (item.$type) {
            case 'CutoffSpec':
                break;
            case 'IncludeSet': {
                const set = item.set.ref;
                if (!set || visiting.has(set)) break; // unresolved or cyclic: reported by the validator
                visiting.add(set);
                out.push(...expandItems(set.items, local, visiting));
                visiting.delete(set);
                break;
            }
            case 'RadialFunction':
                out.push(...expandRadial(item, local));
                break;
            case 'AngularFunction':
                out.push(...expandAngular(item, local));
                break;
            case 'CompactRadialFunction':
                out.push(expandCompactRadial(item));
                break;
            case 'CompactAngularFunction':
                out.push(expandCompactAngular(item));
                break;
            default:
                assertNever(item);
        }
    }
    return out;
}

export function resolveCutoff(spec: CutoffSpec | undefined, radius?: number): ResolvedCutoff | undefined {
    if (!spec && radius === undefined) return undefined;
    return {
        kind: spec?.kind ?? 'cosine',
        radius: radius ?? toInternal(spec!.radius),
        inner: spec?.inner ? toInternal(spec.inner) : 0,
    };
}

function expandRadial(f: RadialFunction, scope: CutoffSpec | undefined): ExpandedFunction[] {
    const cutoff = resolveCutoff(scope, f.cutoff ? toInternal(f.cutoff) : undefined);
    const kind: DescriptorKind = f.weighted ? 'radial-weighted' : 'radial';
    const neighbors = f.neighbor ? [f.neighbor] : [];
    const pairs = f.grid ? radialGrid(f.grid) : cartesian([f.eta ? toInternal(f.eta) : [], f.rshift ? toInternal(f.rshift) : [0]]);
    return pairs.map(([eta, rshift]) => ({ kind, neighbors, eta: eta!, rshift: rshift!, cutoff, source: f }));
}

/**
 * Automatic radial grids (Imbalzano et al., J. Chem. Phys. 148, 241730 (2018); n2p2 sfparamgen):
 * r_k = from + k Δ, Δ = (to − from)/(n − 1), k = 0..n−1.
 *  shifted:  r_s = r_k, η = 1/(2Δ²)       (equal-width Gaussians centred on the grid)
 *  centered: r_s = 0,   η = 1/(2 r_k²)    (Gaussians at the origin whose widths are the grid)
 */
export function radialGrid(grid: RadialGrid): Array<[number, number]> {
    const n = Math.round(grid.count);
    const from = toInternal(grid.from);
    const to = toInternal(grid.to);
    if (!(n >= 1) || !(to > from)) return [];
    const step = n > 1 ? (to - from) / (n - 1) : to - from;
    const out: Array<[number, number]> = [];
    for (let k = 0; k < n; k++) {
        const r = from + k * step;
        out.push(grid.mode === 'shifted' ? [1 / (2 * step * step), r] : [1 / (2 * r * r), 0]);
    }
    return out;
}

function expandAngular(f: AngularFunction, scope: CutoffSpec | undefined): ExpandedFunction[] {
    const cutoff = resolveCutoff(scope, f.cutoff ? toInternal(f.cutoff) : undefined);
    const kind: DescriptorKind = f.shape === 'narrow' ? (f.weighted ? 'angular-narrow-weighted' : 'angular-narrow') : 'angular-wide';
    const neighbors = f.weighted ? [] : [f.neighbor1!, f.neighbor2!];
    const grid = cartesian([
        f.eta ? toInternal(f.eta) : [],
        f.lambda ? toInternal(f.lambda) : [],
        f.zeta ? toInternal(f.zeta) : [],
        f.rshift ? toInternal(f.rshift) : [0],
    ]);
    return grid.map(([eta, lambda, zeta, rshift]) => ({ kind, neighbors, eta: eta!, lambda: lambda!, zeta: zeta!, rshift: rshift!, cutoff, source: f }));
}

function expandCompactRadial(f: CompactRadialFunction): ExpandedFunction {
    return {
        kind: f.weighted ? 'compact-radial-weighted' : 'compact-radial',
        neighbors: f.neighbor ? [f.neighbor] : [],
        low: toInternal(f.low), high: toInternal(f.high), core: f.core, asymmetric: f.asymmetric, source: f,
    };
}

function expandCompactAngular(f: CompactAngularFunction): ExpandedFunction {
    const kind: DescriptorKind = f.shape === 'narrow'
        ? (f.weighted ? 'compact-angular-narrow-weighted' : 'compact-angular-narrow')
        : (f.weighted ? 'compact-angular-wide-weighted' : 'compact-angular-wide');
    return {
        kind, neighbors: f.weighted ? [] : [f.neighbor1!, f.neighbor2!],
        low: toInternal(f.low), high: toInternal(f.high),
        angleLow: toInternal(f.angleLow), angleHigh: toInternal(f.angleHigh),
        core: f.core, asymmetric: f.asymmetric, source: f,
    };
}

/** All combinations of the lists, first list slowest. */
export function cartesian(lists: readonly (readonly number[])[]): number[][] {
    let acc: number[][] = [[]];
    for (const list of lists) acc = acc.flatMap((prefix) => list.map((v) => [...prefix, v]));
    return acc;
}

export function assertNever(x: never): never {
    throw new Error(`unexpected node ${JSON.stringify((x as AstNode | undefined)?.$type)}`);
}
