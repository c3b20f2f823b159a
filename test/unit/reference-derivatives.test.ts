// Analytic derivatives of the float64 reference evaluator against central finite differences, and
// its invariances. Synthetic models cover every symmetry-function type, every cutoff type (α > 0
// for the shiftable ones), every compact subtype and angle window, every scaling mode, every
// activation, normalize_nodes and energy normalisation; structures are small triclinic cells
// (smaller than 2 r_c, so atoms see several images of each other and of themselves), molecules
// and partially periodic cells.
//
// Finite differences: h = 1e-5 Å for forces, 1e-6 for strain (N2P2-FORMAT.md §5.12: central
// differences converge as h², and n2p2's own 1e-4 is too coarse for random-weight models).
import { describe, expect, it } from 'vitest';
import type { CutoffIR, ModelIR, NetworkIR, ScalingMode, SymmetryFunctionIR } from '../../compiler/src/ir/model-ir.js';
import { N2P2_TYPE, type DescriptorKind } from '../../language/src/descriptor-expansion.js';
import { elementBySymbol } from '../../language/src/elements.js';
import type { ModelParameters, ScalingStatistics } from '../../runtime/src/model/parameters.js';
import { compact, compactWindow } from '../../runtime/src/reference/compact.js';
import { core, coreAsymmetric, type CoreKind } from '../../runtime/src/reference/core-functions.js';
import { cutoffFunction, TANH_PRE } from '../../runtime/src/reference/cutoff.js';
import { evaluatePrepared, prepareModel, type PreparedModel, type ReferenceResult } from '../../runtime/src/reference/evaluate.js';
import { activate, ACTIVATIONS, prepareNetwork, runNetwork, type Activation } from '../../runtime/src/reference/network.js';
import { scalerFor } from '../../runtime/src/reference/scaling.js';
import type { Structure } from '../../runtime/src/structure.js';
import type { CutoffKind } from '../../language/src/generated/ast.js';
import { rng } from '../helpers/random-model.js';

// ---------------------------------------------------------------- helpers

const ELEMENTS = ['H', 'C', 'O'] as const;
const CUTOFF_KINDS: readonly CutoffKind[] = ['hard', 'cosine', 'tanhu', 'tanh', 'exp', 'poly1', 'poly2', 'poly3', 'poly4'];
const SHIFTABLE = new Set<CutoffKind>(['cosine', 'exp', 'poly1', 'poly2', 'poly3', 'poly4']);
const CUTOFF_TYPE: Record<CutoffKind, number> = { hard: 0, cosine: 1, tanhu: 2, tanh: 3, exp: 4, poly1: 5, poly2: 6, poly3: 7, poly4: 8 };
const DEG = Math.PI / 180;

function cutoff(kind: CutoffKind, radius: number): CutoffIR {
    return { kind, n2p2Type: CUTOFF_TYPE[kind], radius, inner: SHIFTABLE.has(kind) ? 0.3 : 0 };
}

function sf(kind: DescriptorKind, fields: Omit<SymmetryFunctionIR, 'kind' | 'n2p2Type'>): SymmetryFunctionIR {
    return { kind, n2p2Type: N2P2_TYPE[kind], ...fields };
}

/** Every function type with varied parameters; cutoff types cycle through all nine. */
function allFunctions(): SymmetryFunctionIR[] {
    const fs: SymmetryFunctionIR[] = [];
    let c = 0;
    const nextCut = (r: number) => cutoff(CUTOFF_KINDS[c++ % CUTOFF_KINDS.length]!, r);
    for (const kind of CUTOFF_KINDS) {
        fs.push(sf('radial', { neighbors: ['O'], eta: 0.7, rshift: 0.9, cutoff: cutoff(kind, 3.3) }));
        fs.push(sf('angular-narrow', { neighbors: ['H', 'O'], eta: 0.2, rshift: 0.3, lambda: 1, zeta: 2, cutoff: cutoff(kind, 3.6) }));
    }
    fs.push(sf('radial', { neighbors: ['H'], eta: 0.05, rshift: 0, cutoff: nextCut(3.9) }));
    fs.push(sf('radial', { neighbors: ['C'], eta: 1.3, rshift: 1.6, cutoff: nextCut(3.1) }));
    fs.push(sf('radial-weighted', { neighbors: [], eta: 0.4, rshift: 0.5, cutoff: nextCut(3.4) }));
    fs.push(sf('radial-weighted', { neighbors: [], eta: 0.02, rshift: 0, cutoff: nextCut(3.8) }));
    for (const [pair, lambda, zeta, rs] of [
        [['H', 'H'], -1, 1, 0], [['O', 'O'], 1, 4, 0.2], [['C', 'O'], -1, 3.5, 0], [['H', 'C'], 1, 1.7, 0.4], [['H', 'O'], 0.6, 2, 0],
    ] as Array<[string[], number, number, number]>) {
        fs.push(sf('angular-narrow', { neighbors: pair, eta: 0.15, rshift: rs, lambda, zeta, cutoff: nextCut(3.7) }));
        fs.push(sf('angular-wide', { neighbors: pair, eta: 0.1, rshift: rs, lambda, zeta, cutoff: nextCut(3.5) }));
    }
    fs.push(sf('angular-narrow-weighted', { neighbors: [], eta: 0.1, rshift: 0.2, lambda: -1, zeta: 2, cutoff: nextCut(3.4) }));
    fs.push(sf('angular-narrow-weighted', { neighbors: [], eta: 0.05, rshift: 0, lambda: 1, zeta: 1.5, cutoff: nextCut(3.9) }));
    const subtypes = ['p1', 'p2', 'p3', 'p4', 'e', 'p1a', 'p2a', 'p3a', 'p4a'];
    subtypes.forEach((subtype, k) => {
        const high = 3 + 0.1 * k;
        fs.push(sf('compact-radial', { neighbors: [ELEMENTS[k % 3]!], low: k % 2 ? 0.8 : -high, high, subtype }));
        fs.push(sf('compact-radial-weighted', { neighbors: [], low: k % 2 ? -high : 1.1, high, subtype }));
    });
    const windows: Array<[number, number]> = [[0, 180], [-90, 90], [49.1, 169.1], [60, 180], [0, 120]];
    subtypes.forEach((subtype, k) => {
        const [lo, hi] = windows[k % windows.length]!;
        const high = 3.2 + 0.07 * k;
        const low = k % 3 === 0 ? 0.7 : -high;
        const pair = [['H', 'O'], ['O', 'O'], ['C', 'H']][k % 3]!;
        const base = { low, high, angleLow: lo * DEG, angleHigh: hi * DEG, subtype };
        fs.push(sf('compact-angular-narrow', { neighbors: pair, ...base }));
        fs.push(sf('compact-angular-wide', { neighbors: pair, ...base }));
        fs.push(sf('compact-angular-narrow-weighted', { neighbors: [], ...base }));
        fs.push(sf('compact-angular-wide-weighted', { neighbors: [], ...base }));
    });
    return fs;
}

interface ModelOptions {
    readonly functions: readonly SymmetryFunctionIR[];
    /** Hidden layers (size, activation); output is linear unless `output` says otherwise. */
    readonly hidden: ReadonlyArray<[number, string]>;
    readonly output?: string;
    readonly scaling?: ScalingMode;
    readonly smin?: number;
    readonly smax?: number;
    readonly normalizeNodes?: boolean;
    readonly normalization?: { meanEnergy: number; convEnergy: number; convLength: number };
    readonly seed?: number;
    /** Network weights: random in (−scale, scale)/√n_in; `identity` = one linear layer with weights 1. */
    readonly weights?: 'random' | 'identity';
    readonly stats?: readonly ScalingStatistics[];
}

function makeModel(o: ModelOptions): { model: ModelIR; params: ModelParameters } {
    const r = rng(o.seed ?? 1);
    const elements = ELEMENTS.map((symbol) => ({ symbol, z: elementBySymbol(symbol)!.z, mass: elementBySymbol(symbol)!.mass, energyOffset: -0.1 * elementBySymbol(symbol)!.z }));
    const n = o.functions.length;
    const networks: NetworkIR[] = elements.map((e) => {
        const layers = [...o.hidden.map(([size, activation]) => ({ size, activation })), { size: 1, activation: o.output ?? 'linear' }];
        let prev = n;
        let parameters = 0;
        for (const l of layers) {
            parameters += (prev + 1) * l.size;
            prev = l.size;
        }
        return { element: e.symbol, inputs: n, layers, normalizeNodes: o.normalizeNodes ?? false, parameters };
    });
    const model: ModelIR = {
        name: 'synthetic',
        elements,
        descriptors: elements.map((e) => ({ element: e.symbol, functions: o.functions })),
        networks,
        scaling: { mode: o.scaling ?? 'none', min: o.smin ?? 0, max: o.smax ?? 1 },
        normalization: o.normalization ? { kind: 'fixed', ...o.normalization } : { kind: 'none' },
        maxCutoff: Math.max(...o.functions.map((f) => f.cutoff?.radius ?? f.high ?? 0)),
    };
    const params: ModelParameters = {
        model: 'synthetic',
        networks: networks.map((net) => {
            let nIn = net.inputs;
            return {
                element: net.element,
                layers: net.layers.map((l) => {
                    const weights = new Float64Array(l.size * nIn);
                    const biases = new Float64Array(l.size);
                    if (o.weights === 'identity') weights.fill(1);
                    else {
                        // pre-activations O(1); normalize_nodes divides them by n_in
                        const width = o.normalizeNodes ? 1.5 * Math.sqrt(Math.max(nIn, 1)) : 1.5 / Math.sqrt(Math.max(nIn, 1));
                        for (let k = 0; k < weights.length; k++) weights[k] = (2 * r() - 1) * width;
                        for (let k = 0; k < biases.length; k++) biases[k] = 0.5 * (2 * r() - 1);
                    }
                    nIn = l.size;
                    return { weights, biases };
                }),
            };
        }),
        scaling: o.stats ?? [],
    };
    return { model, params };
}

type Pbc = [boolean, boolean, boolean];

/** Random atoms of H, C, O, at least `dmin` apart (over all images). */
function randomStructure(seed: number, atoms: number, cell: number[] | undefined, pbc: Pbc, dmin = 0.95): Structure {
    const r = rng(seed);
    const pos: number[] = [];
    const c = cell ?? [4, 0, 0, 0, 4, 0, 0, 0, 4];
    const close = (p: number[]): boolean => {
        for (let j = 0; j < pos.length / 3; j++) {
            for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let d = -1; d <= 1; d++) {
                const img = [a, b, d];
                if (img.some((m, k) => m !== 0 && !(cell && pbc[k]))) continue;
                let s = 0;
                for (let k = 0; k < 3; k++) s += (p[k]! - pos[3 * j + k]! - a * c[k]! - b * c[3 + k]! - d * c[6 + k]!) ** 2;
                if (s < dmin * dmin) return true;
            }
        }
        return false;
    };
    while (pos.length < 3 * atoms) {
        const f = [r(), r(), r()];
        const p = [0, 1, 2].map((k) => f[0]! * c[k]! + f[1]! * c[3 + k]! + f[2]! * c[6 + k]!);
        if (!close(p)) pos.push(...p);
    }
    return {
        symbols: Array.from({ length: atoms }, (_, i) => ELEMENTS[i % 3]!),
        positions: Float64Array.from(pos),
        ...(cell ? { cell: Float64Array.from(cell) } : {}),
        pbc: cell ? pbc : [false, false, false],
        info: {},
    };
}

/** Cells smaller than 2 r_c (r_c ≤ 4 Å here). */
const TRICLINIC = [4.3, 0, 0, 1.1, 4.0, 0, -0.7, 0.9, 4.5];
const SMALL = [3.4, 0.2, -0.3, 0.6, 3.6, 0.1, 0.4, -0.5, 3.9];

function structures(): Array<[string, Structure]> {
    return [
        ['triclinic cell', randomStructure(11, 8, TRICLINIC, [true, true, true])],
        ['small cell (every atom sees its own images)', randomStructure(12, 5, SMALL, [true, true, true], 1.0)],
        ['molecule', randomStructure(13, 7, undefined, [false, false, false])],
        ['slab (pbc T F T)', randomStructure(14, 7, TRICLINIC, [true, false, true])],
    ];
}

function withPositions(s: Structure, positions: Float64Array, cell?: Float64Array): Structure {
    return { ...s, positions, ...(cell ? { cell } : {}) };
}

/** Rounding noise of a central difference of E with step h: a few ulps of |E| over 2h. */
const fdNoise = (energy: number, h: number) => (8 * Number.EPSILON * Math.max(1, Math.abs(energy))) / (2 * h);

/**
 * max_k |F_fd − F| / max |F| over all components, with F_fd = −(E(x+h) − E(x−h))/2h; the
 * rounding noise of the difference (fdNoise) is subtracted first.
 */
function forceError(pm: PreparedModel, s: Structure, h = 1e-5): { error: number; scale: number; result: ReferenceResult } {
    const result = evaluatePrepared(pm, s);
    const noise = fdNoise(result.energy, h);
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < s.positions.length; k++) {
        const p = Float64Array.from(s.positions);
        p[k]! += h;
        const ep = evaluatePrepared(pm, withPositions(s, p)).energy;
        p[k]! -= 2 * h;
        const em = evaluatePrepared(pm, withPositions(s, p)).energy;
        const fd = -(ep - em) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - result.forces[k]!) - noise);
        scale = Math.max(scale, Math.abs(result.forces[k]!));
    }
    return { error: Math.max(0, worst) / Math.max(scale, 1e-12), scale, result };
}

/** Positions and cell after r → (1 + ε) r (row vectors: r' = r (1 + ε)ᵀ). */
function strained(s: Structure, eps: number[]): Structure {
    const apply = (v: ArrayLike<number>) => {
        const out = new Float64Array(v.length);
        for (let i = 0; i < v.length / 3; i++) {
            for (let a = 0; a < 3; a++) {
                let x = v[3 * i + a]!;
                for (let b = 0; b < 3; b++) x += eps[3 * a + b]! * v[3 * i + b]!;
                out[3 * i + a] = x;
            }
        }
        return out;
    };
    return withPositions(s, apply(s.positions), s.cell ? apply(s.cell) : undefined);
}

/** max |W_fd − W| / max |W| with W_ab = ∂E/∂ε_ab by central differences (noise subtracted). */
function virialError(pm: PreparedModel, s: Structure, h = 1e-6): { error: number; scale: number } {
    const r = evaluatePrepared(pm, s);
    const noise = fdNoise(r.energy, h);
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < 9; k++) {
        const eps = new Array<number>(9).fill(0);
        eps[k] = h;
        const ep = evaluatePrepared(pm, strained(s, eps)).energy;
        eps[k] = -h;
        const em = evaluatePrepared(pm, strained(s, eps)).energy;
        worst = Math.max(worst, Math.abs((ep - em) / (2 * h) - r.virial[k]!) - noise);
        scale = Math.max(scale, Math.abs(r.virial[k]!));
    }
    return { error: Math.max(0, worst) / Math.max(scale, 1e-12), scale };
}

/** Per-element G statistics over the structures (as nnp-scaling), slightly widened. */
function statistics(functions: readonly SymmetryFunctionIR[], ss: readonly Structure[]): ScalingStatistics[] {
    const { model, params } = makeModel({ functions, hidden: [], weights: 'identity' });
    const pm = prepareModel(model, params);
    const per = ELEMENTS.map(() => [] as Float64Array[]);
    for (const s of ss) {
        const r = evaluatePrepared(pm, s);
        s.symbols.forEach((sym, i) => per[ELEMENTS.indexOf(sym as (typeof ELEMENTS)[number])]!.push(r.G[i]!));
    }
    return ELEMENTS.map((element, e) => {
        const n = functions.length;
        const st = { element, min: new Float64Array(n), max: new Float64Array(n), mean: new Float64Array(n), sigma: new Float64Array(n) };
        for (let k = 0; k < n; k++) {
            const v = per[e]!.map((g) => g[k]!);
            const mean = v.reduce((a, b) => a + b, 0) / v.length;
            const lo = Math.min(...v);
            const hi = Math.max(...v);
            const pad = 0.1 * (hi - lo) + 0.05;
            st.min[k] = lo - pad;
            st.max[k] = hi + pad;
            st.mean[k] = mean;
            st.sigma[k] = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(v.length - 1, 1)) + 0.05;
        }
        return st;
    });
}

// ---------------------------------------------------------------- building blocks

describe('cutoff, core and compact functions', () => {
    const fd = (f: (x: number) => number, x: number, h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

    it('cutoff functions: values, limits and derivatives of all nine types', () => {
        const out = { f: 0, df: 0 };
        for (const kind of CUTOFF_KINDS) {
            const c = cutoff(kind, 3);
            const fc = cutoffFunction(c);
            const value = (r: number) => (fc(r, out), out.f);
            for (const r of [0.05, 0.5, 0.95, 1.3, 2.0, 2.6, 2.99]) {
                fc(r, out);
                const df = out.df;
                expect(Math.abs(df - fd(value, r)), `${kind} at ${r}`).toBeLessThan(1e-7);
            }
            expect(value(3)).toBe(0);
            expect(value(3.5)).toBe(0);
            fc(3, out);
            expect(out.df).toBe(0);
            if (SHIFTABLE.has(kind)) {
                expect(value(0.5)).toBe(1); // inside r_ci = 0.9
                expect(Math.abs(value(0.9 + 1e-9) - 1)).toBeLessThan(1e-8);
                expect(Math.abs(value(3 - 1e-6))).toBeLessThan(1e-5);
            }
        }
        expect(value0('tanh')).toBeCloseTo(1, 15);
        expect(value0('tanhu')).toBeCloseTo(Math.tanh(1) ** 3, 15);
        expect(value0('hard')).toBe(1);
        expect(TANH_PRE).toBeCloseTo(2.2637537952253504, 15);
        expect(() => cutoffFunction({ kind: 'cosine', radius: 3, inner: 1 })).toThrow(/0 ≤ α < 1/);
        function value0(kind: CutoffKind): number {
            cutoffFunction(cutoff(kind, 3))(0, out);
            return out.f;
        }
    });

    it('core functions: 1 at 0, 0 at 1, derivatives (also asymmetric)', () => {
        const out = { f: 0, df: 0 };
        for (const kind of ['p1', 'p2', 'p3', 'p4', 'e', 'c'] as CoreKind[]) {
            for (const asym of [false, true]) {
                const ev = asym ? coreAsymmetric : core;
                const value = (x: number) => (ev(kind, x, out), out.f);
                expect(value(0)).toBeCloseTo(1, 14);
                expect(value(1 - 1e-12)).toBeCloseTo(0, 8);
                for (const x of [0.1, 0.37, 0.5, 0.81, 0.97]) {
                    ev(kind, x, out);
                    expect(Math.abs(out.df - fd(value, x)), `${kind}${asym ? 'a' : ''} at ${x}`).toBeLessThan(1e-7);
                }
            }
        }
    });

    it('compact windows: symmetric about the centre, derivative sign', () => {
        const out = { f: 0, df: 0 };
        const w = compactWindow(1, 3, 'p2');
        const value = (a: number) => (compact(w, a, out), out.f);
        expect(value(2)).toBe(1);
        expect(value(1.5)).toBeCloseTo(value(2.5), 15);
        for (const a of [1.2, 1.8, 2.3, 2.9]) {
            compact(w, a, out);
            expect(Math.abs(out.df - fd(value, a))).toBeLessThan(1e-8);
        }
        const wa = compactWindow(-3, 3, 'p3', true);
        const va = (a: number) => (compact(wa, a, out), out.f);
        for (const a of [0.2, 1.1, 2.7]) {
            compact(wa, a, out);
            expect(Math.abs(out.df - fd(va, a))).toBeLessThan(1e-8);
        }
    });
});

describe('network and scaling', () => {
    it('activations: n2p2 values, clamps at ±35 and derivatives', () => {
        const out = { f: 0, df: 0 };
        for (const a of ACTIVATIONS) {
            for (const x of [-2.3, -0.7, 0.3, 1.9]) {
                activate(a, x, out);
                const df = out.df;
                const fp = (activate(a, x + 1e-6, out), out.f);
                const fm = (activate(a, x - 1e-6, out), out.f);
                expect(Math.abs(df - (fp - fm) / 2e-6), `${a} at ${x}`).toBeLessThan(1e-8);
            }
        }
        const v = (a: Activation, x: number) => (activate(a, x, out), [out.f, out.df]);
        expect(v('logistic', 36)).toEqual([1, 0]);
        expect(v('logistic', -36)).toEqual([0, 0]);
        expect(v('softplus', 36)).toEqual([36, 1]);
        expect(v('softplus', -36)).toEqual([0, 0]);
        expect(v('relu', -1)).toEqual([0, 0]);
        expect(v('reverse_logistic', 0)).toEqual([0.5, -0.25]);
        expect(v('harmonic', 3)).toEqual([9, 6]);
        expect(v('exp', 0)).toEqual([1, -1]);
    });

    it('∂E/∂G̃ by back-propagation matches finite differences for every activation, with and without normalize_nodes', () => {
        const r = rng(5);
        for (const normalizeNodes of [false, true]) {
            for (let k = 0; k < ACTIVATIONS.length; k++) {
                const hidden: Array<[number, string]> = [[4, ACTIVATIONS[k]!], [3, ACTIVATIONS[(k + 3) % ACTIVATIONS.length]!]];
                const { model, params } = makeModel({ functions: allFunctions().slice(0, 5), hidden, output: ACTIVATIONS[(k + 7) % 10]!, normalizeNodes, seed: 10 + k });
                const net = prepareNetwork(model.networks[0]!, params.networks[0]!);
                const x = Float64Array.from({ length: 5 }, () => 2 * r() - 1);
                const d = new Float64Array(5);
                runNetwork(net, x, d);
                for (let j = 0; j < 5; j++) {
                    const xp = Float64Array.from(x);
                    xp[j]! += 1e-6;
                    const xm = Float64Array.from(x);
                    xm[j]! -= 1e-6;
                    const fdv = (runNetwork(net, xp) - runNetwork(net, xm)) / 2e-6;
                    expect(Math.abs(fdv - d[j]!), `${hidden.map((h) => h[1]).join('/')} input ${j}`).toBeLessThan(1e-7 * Math.max(1, Math.abs(d[j]!)));
                }
            }
        }
    });

    it('normalize_nodes divides the pre-activation (bias included) by the previous width', () => {
        const net = prepareNetwork(
            { element: 'H', inputs: 2, layers: [{ size: 1, activation: 'linear' }], normalizeNodes: true, parameters: 3 },
            { element: 'H', layers: [{ weights: Float64Array.of(2, 3), biases: Float64Array.of(1) }] },
        );
        expect(runNetwork(net, [5, 7])).toBe((2 * 5 + 3 * 7 + 1) / 2);
    });

    it('scaling modes follow n2p2 (scale_center offsets the mean by S_min)', () => {
        const st = { element: 'H', min: Float64Array.of(1), max: Float64Array.of(5), mean: Float64Array.of(2), sigma: Float64Array.of(0.5) };
        const g = 3;
        const at = (mode: ScalingMode) => {
            const s = scalerFor({ mode, min: -1, max: 1 }, st, 1, 'H');
            return [s.scale(0, g), s.factor[0]];
        };
        expect(at('none')).toEqual([3, 1]);
        expect(at('scale')).toEqual([-1 + 0.5 * (3 - 1), 0.5]);
        expect(at('center')).toEqual([1, 1]);
        expect(at('scale_center')).toEqual([-1 + 0.5 * (3 - 2), 0.5]);
        expect(at('sigma')).toEqual([-1 + 4 * (3 - 2), 4]);
        const flat = scalerFor({ mode: 'scale', min: 0, max: 1 }, { ...st, max: Float64Array.of(1) }, 1, 'H');
        expect([flat.scale(0, 7), flat.factor[0]]).toEqual([0, 0]);
        expect(() => scalerFor({ mode: 'scale', min: 0, max: 1 }, undefined, 1, 'H')).toThrow(/needs statistics/);
    });
});

// ---------------------------------------------------------------- symmetry functions one by one

describe('forces and stress of each symmetry function (E = Σ_i G_i)', () => {
    const ss = structures();
    const fs = allFunctions();
    it('covers every type, cutoff and compact subtype', () => {
        expect(new Set(fs.map((f) => f.n2p2Type))).toEqual(new Set([2, 3, 9, 12, 13, 20, 21, 22, 23, 24, 25]));
        expect(new Set(fs.flatMap((f) => (f.cutoff ? [f.cutoff.kind] : [])))).toEqual(new Set(CUTOFF_KINDS));
    });
    for (const f of fs) {
        const label = `${f.kind} ${f.neighbors.join('-')} ${f.cutoff ? `${f.cutoff.kind} α=${f.cutoff.inner}` : `${f.subtype} [${f.low}, ${f.high}]${f.angleLow !== undefined ? ` θ [${(f.angleLow / DEG).toFixed(1)}°, ${(f.angleHigh! / DEG).toFixed(1)}°]` : ''}`}${f.zeta !== undefined ? ` λ=${f.lambda} ζ=${f.zeta}` : ''}`;
        it(label, () => {
            const { model, params } = makeModel({ functions: [f], hidden: [], weights: 'identity' });
            const pm = prepareModel(model, params);
            let seen = 0;
            for (const [name, s] of ss) {
                const { error, scale, result } = forceError(pm, s);
                seen += result.G.reduce((a, g) => a + Math.abs(g[0]!), 0);
                // E = Σ G_i + offsets
                const offsets = s.symbols.reduce((a, sym) => a + model.elements.find((e) => e.symbol === sym)!.energyOffset, 0);
                expect(result.energy).toBeCloseTo(result.G.reduce((a, g) => a + g[0]!, 0) + offsets, 10);
                if (scale > 1e-9) expect(error, `${name}: forces (max |F| = ${scale.toExponential(2)})`).toBeLessThan(2e-6);
                if (s.cell) {
                    const v = virialError(pm, s);
                    if (v.scale > 1e-9) expect(v.error, `${name}: virial`).toBeLessThan(2e-6);
                }
                // Σ F = 0 (translation invariance)
                for (let c = 0; c < 3; c++) {
                    let sum = 0;
                    for (let i = 0; i < s.symbols.length; i++) sum += result.forces[3 * i + c]!;
                    expect(Math.abs(sum)).toBeLessThan(1e-10 * Math.max(1, scale));
                }
            }
            expect(seen, 'the function sees neighbours in the test structures').toBeGreaterThan(0);
        });
    }
});

// ---------------------------------------------------------------- whole models

const VARIANTS: Array<{ name: string; options: Omit<ModelOptions, 'functions'> }> = [
    { name: 'no scaling, tanh/softplus', options: { hidden: [[6, 'tanh'], [5, 'softplus']], scaling: 'none', seed: 21 } },
    { name: 'scale, logistic/gaussian, normalize_nodes, normalisation', options: { hidden: [[6, 'logistic'], [5, 'gaussian']], scaling: 'scale', smin: -1, smax: 1, normalizeNodes: true, normalization: { meanEnergy: -3.2, convEnergy: 2.5, convLength: 1.7 }, seed: 22 } },
    { name: 'center, cos/relu', options: { hidden: [[6, 'cos'], [5, 'relu']], scaling: 'center', seed: 23 } },
    { name: 'scale_center, reverse_logistic/exp, tanh output', options: { hidden: [[6, 'reverse_logistic'], [5, 'exp']], output: 'tanh', scaling: 'scale_center', smin: 0, smax: 1, seed: 24 } },
    { name: 'sigma, harmonic/linear, normalize_nodes', options: { hidden: [[4, 'harmonic'], [3, 'linear']], scaling: 'sigma', smin: 0, smax: 2, normalizeNodes: true, normalization: { meanEnergy: 0.4, convEnergy: 0.3, convLength: 2 }, seed: 25 } },
    { name: 'one hidden layer of softplus', options: { hidden: [[7, 'softplus']], scaling: 'scale', seed: 26 } },
];

describe('forces and stress of whole models (all functions, random weights)', () => {
    const ss = structures();
    const functions = allFunctions();
    const stats = statistics(functions, ss.map(([, s]) => s));
    it('covers every scaling mode and activation', () => {
        expect(new Set(VARIANTS.map((v) => v.options.scaling))).toEqual(new Set(['none', 'scale', 'center', 'scale_center', 'sigma']));
        expect(new Set(VARIANTS.flatMap((v) => [...v.options.hidden.map((h) => h[1]), v.options.output ?? 'linear']))).toEqual(new Set(ACTIVATIONS));
    });
    for (const v of VARIANTS) {
        it(v.name, { timeout: 60_000 }, () => {
            const { model, params } = makeModel({ functions, stats, ...v.options });
            const pm = prepareModel(model, params);
            for (const [name, s] of ss) {
                const { error, scale, result } = forceError(pm, s);
                expect(scale, name).toBeGreaterThan(1e-6);
                expect(error, `${name}: forces (max |F| = ${scale.toExponential(2)})`).toBeLessThan(2e-6);
                // energy assembly: E = Σ E_i + N·mean + Σ offsets; E_i = NN_i / conv_energy
                const mean = model.normalization.kind === 'fixed' ? model.normalization.meanEnergy : 0;
                const offsets = s.symbols.reduce((a, sym) => a + model.elements.find((e) => e.symbol === sym)!.energyOffset, 0);
                const sum = result.atomEnergies.reduce((a, b) => a + b, 0);
                expect(Math.abs(result.energy - (sum + s.symbols.length * mean + offsets))).toBeLessThan(1e-12 * Math.max(1, Math.abs(result.energy)));
                // dEdGraw = dEdG · s
                s.symbols.forEach((sym, i) => {
                    const e = ELEMENTS.indexOf(sym as (typeof ELEMENTS)[number]);
                    const factor = pm.scalers[e]!.factor;
                    result.dEdG[i]!.forEach((d, k) => expect(result.dEdGraw[i]![k]).toBe(d * factor[k]!));
                });
                if (s.cell) {
                    const w = virialError(pm, s);
                    expect(w.error, `${name}: virial`).toBeLessThan(2e-6);
                    // symmetric (rotation invariance)
                    for (const [a, b] of [[1, 3], [2, 6], [5, 7]] as const) expect(Math.abs(result.virial[a]! - result.virial[b]!)).toBeLessThan(1e-10 * w.scale);
                }
                if (s.cell && s.pbc.every(Boolean)) {
                    const volume = Math.abs(det(s.cell));
                    result.stress!.forEach((x, k) => expect(x).toBe(result.virial[k]! / volume));
                } else {
                    expect(result.stress).toBeUndefined();
                }
                if (!s.cell) {
                    // without images W_ab = Σ_k (∂E/∂r_k)_a r_kb = −Σ_k F_ka r_kb
                    const w = new Float64Array(9);
                    for (let i = 0; i < s.symbols.length; i++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) w[3 * a + b]! -= result.forces[3 * i + a]! * s.positions[3 * i + b]!;
                    const size = Math.max(...Array.from(w, Math.abs));
                    w.forEach((x, k) => expect(Math.abs(x - result.virial[k]!)).toBeLessThan(1e-10 * size));
                }
            }
        });
    }

    it('stress sign: σ = (1/V) ∂E/∂ε, so a compressed repulsive system has σ < 0 and a stretched attractive one σ > 0', () => {
        // One radial function with a positive linear network: E grows as atoms approach (repulsive).
        const f = sf('radial', { neighbors: ['H'], eta: 0.5, rshift: 0, cutoff: cutoff('cosine', 3) });
        const repulsive = makeModel({ functions: [f], hidden: [], weights: 'identity' });
        const s: Structure = { symbols: ['H', 'H'], positions: Float64Array.of(0, 0, 0, 1.2, 1.1, 0.9), cell: Float64Array.of(2.5, 0, 0, 0, 2.6, 0, 0, 0, 2.7), pbc: [true, true, true], info: {} };
        const r = evaluatePrepared(prepareModel(repulsive.model, repulsive.params), s);
        const p = -(r.stress![0]! + r.stress![4]! + r.stress![8]!) / 3;
        expect(p).toBeGreaterThan(0); // positive pressure: the cell wants to expand
        const attractive = makeModel({ functions: [f], hidden: [], weights: 'identity' });
        attractive.params.networks.forEach((n) => n.layers[0]!.weights.fill(-1));
        const ra = evaluatePrepared(prepareModel(attractive.model, attractive.params), s);
        expect(ra.stress![0]! + ra.stress![4]! + ra.stress![8]!).toBeGreaterThan(0); // tensile: wants to shrink
    });
});

// ---------------------------------------------------------------- invariances

describe('invariances', () => {
    const functions = allFunctions();
    const ss = structures();
    const stats = statistics(functions, ss.map(([, s]) => s));
    const { model, params } = makeModel({ functions, stats, hidden: [[6, 'tanh'], [4, 'softplus']], scaling: 'scale_center', normalization: { meanEnergy: -1, convEnergy: 3, convLength: 1 }, seed: 31 });
    const pm = prepareModel(model, params);
    const cellS = ss[0]![1];
    const mol = ss[2]![1];
    const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-11) => {
        let size = 1e-300;
        for (let k = 0; k < b.length; k++) size = Math.max(size, Math.abs(b[k]!));
        for (let k = 0; k < b.length; k++) expect(Math.abs(a[k]! - b[k]!) / size, `component ${k}`).toBeLessThan(tol);
    };
    const base = evaluatePrepared(pm, cellS);
    const baseMol = evaluatePrepared(pm, mol);

    it('translation', () => {
        for (const [s, r0] of [[cellS, base], [mol, baseMol]] as const) {
            const t = [3.7, -12.1, 0.35];
            const r = evaluatePrepared(pm, withPositions(s, s.positions.map((x, k) => x + t[k % 3]!)));
            expect(r.energy).toBeCloseTo(r0.energy, 10);
            close(r.forces, r0.forces);
            r.G.forEach((g, i) => close(g, r0.G[i]!));
        }
    });

    it('rotation (molecule, and a periodic cell rotated with its atoms)', () => {
        const [a, b, c] = [0.3, -1.1, 2.2];
        const Rz = [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
        const Ry = [Math.cos(b), 0, Math.sin(b), 0, 1, 0, -Math.sin(b), 0, Math.cos(b)];
        const Rx = [1, 0, 0, 0, Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c)];
        const mul = (A: number[], B: number[]) => [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => A[3 * i]! * B[j]! + A[3 * i + 1]! * B[3 + j]! + A[3 * i + 2]! * B[6 + j]!));
        const R = mul(Rz, mul(Ry, Rx));
        const rot = (v: ArrayLike<number>) => Float64Array.from({ length: v.length }, (_, k) => {
            const i = Math.floor(k / 3);
            const row = k % 3;
            return R[3 * row]! * v[3 * i]! + R[3 * row + 1]! * v[3 * i + 1]! + R[3 * row + 2]! * v[3 * i + 2]!;
        });
        for (const [s, r0] of [[mol, baseMol], [cellS, base]] as const) {
            const r = evaluatePrepared(pm, withPositions(s, rot(s.positions), s.cell ? rot(s.cell) : undefined));
            expect(Math.abs(r.energy - r0.energy)).toBeLessThan(1e-11 * Math.abs(r0.energy));
            close(r.forces, rot(r0.forces));
            r.G.forEach((g, i) => close(g, r0.G[i]!, 1e-10));
        }
    });

    it('permutation of atoms', () => {
        for (const [s, r0] of [[cellS, base], [mol, baseMol]] as const) {
            const n = s.symbols.length;
            const perm = Array.from({ length: n }, (_, i) => (i * 5 + 3) % n);
            const p = new Float64Array(3 * n);
            perm.forEach((from, to) => p.set(s.positions.subarray(3 * from, 3 * from + 3), 3 * to));
            const r = evaluatePrepared(pm, { ...s, symbols: perm.map((i) => s.symbols[i]!), positions: p });
            expect(Math.abs(r.energy - r0.energy)).toBeLessThan(1e-12 * Math.abs(r0.energy));
            perm.forEach((from, to) => {
                close(r.forces.subarray(3 * to, 3 * to + 3), r0.forces.subarray(3 * from, 3 * from + 3), 1e-10);
                close(r.G[to]!, r0.G[from]!, 1e-12);
            });
        }
    });

    it('periodic image: moving an atom by a lattice vector changes nothing', () => {
        const c = cellS.cell!;
        const p = Float64Array.from(cellS.positions);
        for (let k = 0; k < 3; k++) p[3 * 2 + k]! += 2 * c[k]! - c[3 + k]! + 3 * c[6 + k]!;
        const r = evaluatePrepared(pm, withPositions(cellS, p));
        expect(Math.abs(r.energy - base.energy)).toBeLessThan(1e-12 * Math.abs(base.energy));
        close(r.forces, base.forces);
        close(r.stress!, base.stress!);
    });

    it('supercell: 2×1×1 doubles E, repeats forces and keeps the stress', () => {
        const s = cellS;
        const n = s.symbols.length;
        const c = s.cell!;
        const pos = new Float64Array(6 * n);
        for (let k = 0; k < 3 * n; k++) {
            pos[k] = s.positions[k]!;
            pos[3 * n + k] = s.positions[k]! + c[k % 3]!;
        }
        const cell = Float64Array.from(c);
        for (let k = 0; k < 3; k++) cell[k] = 2 * c[k]!;
        const r = evaluatePrepared(pm, { ...s, symbols: [...s.symbols, ...s.symbols], positions: pos, cell });
        expect(Math.abs(r.energy - 2 * base.energy)).toBeLessThan(1e-12 * Math.abs(base.energy));
        close(r.forces.subarray(0, 3 * n), base.forces);
        close(r.forces.subarray(3 * n), base.forces);
        close(r.stress!, base.stress!);
        close(r.atomEnergies.subarray(n), base.atomEnergies);
    });
});

function det(m: ArrayLike<number>): number {
    return m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
}
