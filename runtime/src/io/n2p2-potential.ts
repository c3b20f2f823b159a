// Reads an n2p2 (2G-HDNNP) potential folder — input.nn, scaling.data, weights.ZZZ.data — into a
// ModelIR and its ModelParameters, following every n2p2 convention in
// shared/design/N2P2-FORMAT.md §5 (n2p2 2.3.0: Settings.cpp, Mode.cpp, Element.cpp, SymFnc*.cpp):
//
// * input.nn: text after `#` or `!` is a comment; first token = keyword. Aliases
//   (symfunction ≡ symfunction_short, …). Repeating a keyword is an error except for symfunction(_short),
//   atom_energy, element_nodes_short, fixed_gausswidth, initial_hardness; two alias spellings of one
//   keyword are an error too (n2p2 aborts on both). Unknown keywords are warnings.
// * Elements are ordered by atomic number whatever the order of the `elements` line.
// * symfunction lines: every type 2/3/9/12/13/20–25 with n2p2's parameter order; sorted into n2p2's
//   order (the network input order) with compiler/src/lower/lower-model.ts' sortFunctions.
// * One global `cutoff_type <n> [α]` for the cutoff-based types (α ignored by hard/tanhu/tanh).
// * Scaling keywords → mode (n2p2's precedence), scale_min/max_short (defaults 0/1, with warnings).
// * Normalisation: all of mean_energy, conv_energy, conv_length, or none.
// * Network topology: global_hidden_layers_short / global_nodes_short / global_activation_short
//   (codes l t s p r g c S e h), with n2p2's partial per-element overrides, normalize_nodes.
// * scaling.data: lines starting with `#` skipped, consumed sequentially per element.
// * weights.ZZZ.data: first column of every non-comment line; per layer source-neuron-major
//   weights then biases, converted to our row-major (out, in).
//
// File values are in the potential's units; `units` gives Å per file length unit and eV per file
// energy unit (e.g. bohr 0.529177210903, Ha 27.211386245988). η → η/L², r → r·L, energies → ·E,
// conv_energy → /E, conv_length → /L. Symmetry-function values are unit-invariant.
//
// Malformed files throw N2p2PotentialError (`file:line: message`); unknown keywords and other
// harmless oddities are returned as warnings.
import { readFileSync, existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type {
    CutoffIR, ElementIR, LayerIR, ModelIR, NetworkIR, NormalizationIR, ScalingIR, ScalingMode, SymmetryFunctionIR,
} from '../../../compiler/src/ir/model-ir.js';
import { N2P2_CUTOFF_TYPE, sortFunctions } from '../../../compiler/src/lower/lower-model.js';
import type { CutoffKind } from '../../../language/src/generated/ast.js';
import { elementByNumber, elementBySymbol } from '../../../language/src/elements.js';
import type { ModelParameters, NetworkParameters, ScalingStatistics } from '../model/parameters.js';

export interface N2p2PotentialUnits {
    /** Å per file length unit. */
    readonly length: number;
    /** eV per file energy unit. */
    readonly energy: number;
}

export interface N2p2Potential {
    readonly model: ModelIR;
    readonly parameters: ModelParameters;
    /** `file:line: message` for unknown keywords and tolerated oddities. */
    readonly warnings: string[];
}

export class N2p2PotentialError extends Error {
    override readonly name = 'N2p2PotentialError';
    constructor(
        readonly file: string,
        /** 1-based; 0 when the problem is the file as a whole. */
        readonly line: number,
        readonly detail: string,
    ) {
        super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    }
}

/** The text of a potential's files, for parsing without a file system. */
export interface N2p2PotentialFiles {
    readonly inputNn: string;
    /** scaling.data; may be absent when the potential does not scale. */
    readonly scaling?: string;
    /** weights.ZZZ.data by atomic number. */
    readonly weights: ReadonlyMap<number, string>;
    /** File names for messages (defaults: input.nn, scaling.data, weights.ZZZ.data). */
    readonly names?: { readonly inputNn?: string; readonly scaling?: string; readonly weights?: (z: number) => string };
}

const IDENTITY: N2p2PotentialUnits = { length: 1, energy: 1 };

export function weightsFileName(z: number): string {
    return `weights.${String(z).padStart(3, '0')}.data`;
}

/** Reads the potential in folder `dir`; the model is named after the folder. */
export function readN2p2Potential(dir: string, units: N2p2PotentialUnits = IDENTITY): N2p2Potential {
    const inputNn = join(dir, 'input.nn');
    if (!existsSync(inputNn)) throw new N2p2PotentialError(inputNn, 0, 'file not found (an n2p2 potential folder holds input.nn, scaling.data and weights.ZZZ.data)');
    const text = readFileSync(inputNn, 'utf8');
    const scalingPath = join(dir, 'scaling.data');
    // The weights files to read depend on the elements; parse the elements first.
    const zs = elementsOf(text, inputNn);
    const weights = new Map<number, string>();
    for (const z of zs) {
        const path = join(dir, weightsFileName(z));
        if (!existsSync(path)) throw new N2p2PotentialError(path, 0, `file not found (weights of element ${elementSymbol(z)})`);
        weights.set(z, readFileSync(path, 'utf8'));
    }
    return parseN2p2Potential(
        {
            inputNn: text,
            ...(existsSync(scalingPath) ? { scaling: readFileSync(scalingPath, 'utf8') } : {}),
            weights,
            names: { inputNn, scaling: scalingPath, weights: (z) => join(dir, weightsFileName(z)) },
        },
        modelName(dir),
        units,
    );
}

/** The folder name as an identifier of the .nnp language ([_A-Za-z][_A-Za-z0-9]*). */
export function modelName(dir: string): string {
    const raw = basename(resolve(dir));
    let name = raw.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
    if (name === '') name = 'n2p2';
    if (/^[0-9]/.test(name)) name = `n2p2_${name}`;
    return name;
}

// ------------------------------------------------------------------ input.nn

/** n2p2's known keywords (Settings.cpp::createKnownKeywordsMap), main spelling → aliases. */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
    number_of_elements: [], elements: [], atom_energy: [], cutoff_type: [], symfunction_short: ['symfunction'],
    scale_symmetry_functions: [], scale_min_short: [], scale_max_short: [], center_symmetry_functions: [],
    scale_symmetry_functions_sigma: [], global_hidden_layers_short: [], global_hidden_layers_electrostatic: [],
    global_nodes_short: [], global_nodes_electrostatic: [], global_activation_short: [], global_activation_electrostatic: [],
    element_hidden_layers_short: [], element_hidden_layers_electrostatic: [], element_nodes_short: [],
    element_nodes_electrostatic: [], element_activation_short: [], element_activation_electrostatic: [],
    normalize_nodes: [], mean_energy: [], conv_length: [], conv_energy: [], conv_charge: [],
    nnp_type: ['nnp_generation', 'nnp_type_gen', 'nnp_gen'], fixed_gausswidth: [], ewald_truncation_error_method: [],
    ewald_prec: [], screen_electrostatics: [], four_pi_epsilon: [],
    random_seed: [], test_fraction: [], epochs: [], normalize_data_set: [], use_short_forces: [], rmse_threshold: [],
    rmse_threshold_energy: ['short_energy_error_threshold'], rmse_threshold_force: ['short_force_error_threshold'],
    rmse_threshold_charge: [], rmse_threshold_trials: [], rmse_threshold_trials_energy: [], rmse_threshold_trials_force: [],
    rmse_threshold_trials_charge: [], energy_fraction: ['short_energy_fraction'], force_fraction: ['short_force_fraction'],
    force_energy_ratio: [], charge_fraction: [], use_old_weights_short: [], use_old_weights_charge: [], weights_min: [],
    weights_max: [], initial_hardness: [], nguyen_widrow_weights_short: [], nguyen_widrow_weights_charge: [],
    precondition_weights: [], main_error_metric: [], write_trainpoints: [], write_trainforces: [], write_traincharges: [],
    write_weights_epoch: [], write_neuronstats: [], write_trainlog: [], repeated_energy_update: [], updater_type: [],
    parallel_mode: [], jacobian_mode: [], update_strategy: [], selection_mode: [], selection_mode_energy: [],
    selection_mode_force: [], selection_mode_charge: [], task_batch_size_energy: [], task_batch_size_force: [],
    task_batch_size_charge: [], gradient_type: [], gradient_eta: [], gradient_adam_eta: [], gradient_adam_beta1: [],
    gradient_adam_beta2: [], gradient_adam_epsilon: [], kalman_type: [], kalman_epsilon: [], kalman_eta: [],
    kalman_etatau: [], kalman_etamax: [], kalman_q0: [], kalman_qtau: [], kalman_qmin: [], kalman_lambda_short: [],
    kalman_nue_short: [], memorize_symfunc_results: [], force_weight: [],
};

/** Spelling (main or alias) → main keyword. */
const MAIN: ReadonlyMap<string, string> = new Map(Object.entries(KNOWN).flatMap(([main, aliases]) => [[main, main] as const, ...aliases.map((a) => [a, main] as const)]));

const REPEATABLE = new Set(['symfunction', 'symfunction_short', 'atom_energy', 'element_nodes_short', 'fixed_gausswidth', 'initial_hardness']);

interface Entry {
    readonly args: readonly string[];
    /** 1-based line number. */
    readonly line: number;
}

/** Keyword lines of input.nn by main keyword, in file order. */
class Settings {
    private readonly entries = new Map<string, Entry[]>();

    constructor(
        text: string,
        readonly file: string,
        warnings: string[],
    ) {
        const spellings = new Map<string, Map<string, number>>(); // main → spelling → first line
        text.split(/\r?\n|\r/).forEach((raw, i) => {
            const line = i + 1;
            let body = raw;
            const hash = body.indexOf('#');
            if (hash >= 0) body = body.slice(0, hash);
            const bang = body.indexOf('!');
            if (bang >= 0) body = body.slice(0, bang);
            const tokens = body.trim().split(/\s+/).filter((t) => t !== '');
            if (tokens.length === 0) return;
            const [keyword, ...args] = tokens as [string, ...string[]];
            const main = MAIN.get(keyword);
            if (!main) {
                warnings.push(`${file}:${line}: unknown keyword "${keyword}" (ignored)`);
                return;
            }
            const seen = spellings.get(main) ?? new Map<string, number>();
            spellings.set(main, seen);
            const first = seen.get(keyword);
            if (first !== undefined && !REPEATABLE.has(keyword)) {
                throw new N2p2PotentialError(file, line, `keyword "${keyword}" repeated (first at line ${first}); n2p2 allows repeats only of symfunction_short, atom_energy, element_nodes_short, fixed_gausswidth, initial_hardness`);
            }
            if (first === undefined && seen.size > 0) {
                const [other, otherLine] = [...seen.entries()][0]!;
                throw new N2p2PotentialError(file, line, `"${keyword}" and "${other}" (line ${otherLine}) are two spellings of one keyword; use one`);
            }
            if (first === undefined) seen.set(keyword, line);
            const list = this.entries.get(main) ?? [];
            list.push({ args, line });
            this.entries.set(main, list);
        });
    }

    has(keyword: string): boolean {
        return this.entries.has(keyword);
    }

    one(keyword: string): Entry | undefined {
        return this.entries.get(keyword)?.[0];
    }

    all(keyword: string): readonly Entry[] {
        return this.entries.get(keyword) ?? [];
    }

    required(keyword: string): Entry {
        const e = this.one(keyword);
        if (!e) throw new N2p2PotentialError(this.file, 0, `keyword "${keyword}" missing`);
        return e;
    }

    fail(e: Entry, detail: string): never {
        throw new N2p2PotentialError(this.file, e.line, detail);
    }

    /** Argument `k` of an entry as a number. */
    number(e: Entry, k: number, what: string): number {
        const token = e.args[k];
        if (token === undefined) this.fail(e, `${what} missing`);
        const x = parseNumber(token);
        if (x === undefined) this.fail(e, `expected a number for ${what}, found "${token}"`);
        return x;
    }

    integer(e: Entry, k: number, what: string, min = 0): number {
        const token = e.args[k];
        if (token === undefined) this.fail(e, `${what} missing`);
        if (!/^[+-]?\d+$/.test(token) || Number(token) < min) this.fail(e, `expected an integer ≥ ${min} for ${what}, found "${token}"`);
        return Number(token);
    }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/;

/** A finite decimal number (Fortran's D exponent accepted), else undefined. */
function parseNumber(token: string): number | undefined {
    if (!DECIMAL.test(token)) return undefined;
    const x = Number(token.replace(/[dD]/, 'e'));
    return Number.isFinite(x) ? x : undefined;
}

function elementSymbol(z: number): string {
    return elementByNumber(z)?.symbol ?? `Z=${z}`;
}

/** Atomic numbers of the `elements` line (for choosing the weights files). */
function elementsOf(text: string, file: string): number[] {
    return parseElements(new Settings(text, file, [])).map((e) => e.z);
}

function parseElements(settings: Settings): ElementIR[] {
    const countEntry = settings.required('number_of_elements');
    const count = settings.integer(countEntry, 0, 'number_of_elements', 1);
    const line = settings.required('elements');
    if (line.args.length !== count) settings.fail(line, `number_of_elements is ${count} but ${line.args.length} elements are listed`);
    const seen = new Set<string>();
    const elements = line.args.map((sym) => {
        const info = elementBySymbol(sym);
        if (!info) settings.fail(line, `unknown element symbol "${sym}"`);
        if (seen.has(sym)) settings.fail(line, `element ${sym} listed twice`);
        seen.add(sym);
        return { symbol: sym, z: info.z, mass: info.mass, energyOffset: 0 };
    });
    return elements.sort((a, b) => a.z - b.z);
}

// ------------------------------------------------------------------ symmetry functions

const CUTOFF_KIND_BY_TYPE: ReadonlyMap<number, CutoffKind> = new Map(Object.entries(N2P2_CUTOFF_TYPE).map(([k, v]) => [v, k as CutoffKind]));

/** Cutoff types whose value ignores α (n2p2 CutoffFunction: hard, tanhu, tanh). */
const NO_INNER = new Set<CutoffKind>(['hard', 'tanhu', 'tanh']);

interface ParsedFunction {
    readonly element: string;
    readonly f: SymmetryFunctionIR;
    readonly line: number;
}

function parseSymmetryFunction(settings: Settings, e: Entry, elements: ReadonlyMap<string, ElementIR>, cutoff: CutoffIR | undefined, units: N2p2PotentialUnits): ParsedFunction {
    const L = units.length;
    const a = e.args;
    const el = (k: number, what: string): string => {
        const sym = a[k];
        if (sym === undefined) settings.fail(e, `${what} missing`);
        if (!elements.has(sym)) settings.fail(e, `${what} "${sym}" is not in the elements line`);
        return sym;
    };
    const num = (k: number, what: string) => settings.number(e, k, what);
    const needArgs = (n: number, syntax: string) => {
        if (a.length < n) settings.fail(e, `symfunction type ${a[1]} needs ${syntax}; found ${a.length - 2} parameter(s)`);
    };
    const central = el(0, 'central element');
    const type = settings.integer(e, 1, 'symmetry-function type', 0);
    const byZ = (s1: string, s2: string): string[] => (elements.get(s1)!.z <= elements.get(s2)!.z ? [s1, s2] : [s2, s1]);
    const needCutoff = (): CutoffIR => {
        if (!cutoff) settings.fail(e, `symfunction type ${type} uses the global cutoff function, but cutoff_type is missing`);
        return cutoff;
    };
    const withRadius = (rc: number): CutoffIR => {
        if (!(rc > 0)) settings.fail(e, `cutoff radius must be positive, found ${rc}`);
        return { ...needCutoff(), radius: rc * L };
    };
    const eta = (x: number) => x / (L * L);
    const subtype = (k: number): string => {
        const s = a[k];
        if (s === undefined) settings.fail(e, 'compact subtype missing');
        // SymFncBaseComp::setCompactFunction: p1…p4 with optional `a`, or anything starting with e
        if (/^p[1-4]a?$/.test(s)) return s;
        if (/^e.{0,2}$/.test(s)) return s;
        return settings.fail(e, `invalid compact subtype "${s}" (p1, p2, p3, p4, optionally with suffix a, or e)`);
    };
    const radialWindow = (rl: number, rc: number) => {
        if (!(rl < rc)) settings.fail(e, `lower radial boundary ${rl} must be below the upper boundary ${rc}`);
        return { low: rl * L, high: rc * L };
    };
    const angleWindow = (left: number, right: number) => {
        // SymFncBaseCompAng::setParameters
        if (!(left < right)) settings.fail(e, `left angle boundary ${left}° must be below the right one ${right}°`);
        const center = (left + right) / 2;
        if ((left < 0 && center !== 0) || (right > 180 && center !== 180)) settings.fail(e, `angle window [${left}°, ${right}°] leaves [0°, 180°] but is not centred on 0° or 180°`);
        if (right - left > 360) settings.fail(e, `angle window [${left}°, ${right}°] spans more than 360°`);
        return { angleLow: (left * Math.PI) / 180, angleHigh: (right * Math.PI) / 180 };
    };
    let f: SymmetryFunctionIR;
    switch (type) {
        case 2:
            needArgs(6, '<e1> <eta> <rs> <rc>');
            f = { kind: 'radial', n2p2Type: 2, neighbors: [el(2, 'neighbour element')], eta: eta(num(3, 'eta')), rshift: num(4, 'rs') * L, cutoff: withRadius(num(5, 'rc')) };
            break;
        case 3:
        case 9: {
            needArgs(8, '<e1> <e2> <eta> <lambda> <zeta> <rc> [<rs>]');
            f = {
                kind: type === 3 ? 'angular-narrow' : 'angular-wide', n2p2Type: type, neighbors: byZ(el(2, 'neighbour element 1'), el(3, 'neighbour element 2')),
                eta: eta(num(4, 'eta')), lambda: num(5, 'lambda'), zeta: num(6, 'zeta'), cutoff: withRadius(num(7, 'rc')),
                rshift: a.length > 8 ? num(8, 'rs') * L : 0,
            };
            break;
        }
        case 12:
            needArgs(5, '<eta> <rs> <rc>');
            f = { kind: 'radial-weighted', n2p2Type: 12, neighbors: [], eta: eta(num(2, 'eta')), rshift: num(3, 'rs') * L, cutoff: withRadius(num(4, 'rc')) };
            break;
        case 13:
            needArgs(7, '<eta> <rs> <lambda> <zeta> <rc>');
            f = {
                kind: 'angular-narrow-weighted', n2p2Type: 13, neighbors: [], eta: eta(num(2, 'eta')), rshift: num(3, 'rs') * L,
                lambda: num(4, 'lambda'), zeta: num(5, 'zeta'), cutoff: withRadius(num(6, 'rc')),
            };
            break;
        case 20:
            needArgs(6, '<e1> <rl> <rc> <subtype>');
            f = { kind: 'compact-radial', n2p2Type: 20, neighbors: [el(2, 'neighbour element')], ...radialWindow(num(3, 'rl'), num(4, 'rc')), subtype: subtype(5) };
            break;
        case 21:
        case 22:
            needArgs(9, '<e1> <e2> <rl> <rc> <angleLeft> <angleRight> <subtype>');
            f = {
                kind: type === 21 ? 'compact-angular-narrow' : 'compact-angular-wide', n2p2Type: type,
                neighbors: byZ(el(2, 'neighbour element 1'), el(3, 'neighbour element 2')),
                ...radialWindow(num(4, 'rl'), num(5, 'rc')), ...angleWindow(num(6, 'angleLeft'), num(7, 'angleRight')), subtype: subtype(8),
            };
            break;
        case 23:
            needArgs(5, '<rl> <rc> <subtype>');
            f = { kind: 'compact-radial-weighted', n2p2Type: 23, neighbors: [], ...radialWindow(num(2, 'rl'), num(3, 'rc')), subtype: subtype(4) };
            break;
        case 24:
        case 25:
            needArgs(7, '<rl> <rc> <angleLeft> <angleRight> <subtype>');
            f = {
                kind: type === 24 ? 'compact-angular-narrow-weighted' : 'compact-angular-wide-weighted', n2p2Type: type, neighbors: [],
                ...radialWindow(num(2, 'rl'), num(3, 'rc')), ...angleWindow(num(4, 'angleLeft'), num(5, 'angleRight')), subtype: subtype(6),
            };
            break;
        default:
            return settings.fail(e, `unknown symmetry-function type ${type} (n2p2 knows 2, 3, 9, 12, 13, 20–25)`);
    }
    return { element: central, f, line: e.line };
}

/**
 * n2p2-compatible clean-ups after sorting: a negative r_s of types 3/9 is ignored by n2p2's grouped
 * evaluation (SymGrpExpAngn/Angw apply r_s only when r_s > 0), so it is zeroed, with a warning;
 * compact subtypes `e…` are all the exponential core (`e`).
 */
function normalizeFunction(p: ParsedFunction, file: string, warnings: string[]): SymmetryFunctionIR {
    let f = p.f;
    if ((f.n2p2Type === 3 || f.n2p2Type === 9) && (f.rshift ?? 0) < 0) {
        warnings.push(`${file}:${p.line}: n2p2 ignores the negative r_s of an angular type-${f.n2p2Type} function (its grouped code applies r_s only when > 0); imported with r_s = 0`);
        f = { ...f, rshift: 0 };
    }
    if (f.subtype !== undefined && f.subtype.startsWith('e') && f.subtype !== 'e') {
        warnings.push(`${file}:${p.line}: compact subtype "${f.subtype}" read as "e" (exponential core), as n2p2 does`);
        f = { ...f, subtype: 'e' };
    }
    return f;
}

// ------------------------------------------------------------------ networks

const ACTIVATION_NAME: Readonly<Record<string, string>> = {
    l: 'linear', t: 'tanh', s: 'logistic', p: 'softplus', r: 'relu', g: 'gaussian', c: 'cos', S: 'reverse_logistic', e: 'exp', h: 'harmonic',
};

interface Topology {
    layers: number;
    nodes: number[];
    activations: (string | undefined)[];
}

/** Mode::setupNeuralNetwork for the short-range networks (2G), including its per-element quirks. */
function parseTopologies(settings: Settings, elements: readonly ElementIR[], inputs: readonly number[], warnings: string[]): Topology[] {
    const activation = (e: Entry, code: string): string => {
        const name = ACTIVATION_NAME[code];
        if (!name) settings.fail(e, `unknown activation code "${code}" (l t s p r g c S e h)`);
        return name;
    };
    const globalLayers = settings.one('global_hidden_layers_short');
    const H = globalLayers ? settings.integer(globalLayers, 0, 'global_hidden_layers_short') : 0;
    const tops: Topology[] = elements.map(() => ({ layers: globalLayers ? H + 2 : 0, nodes: [], activations: [] }));
    const indexOf = (e: Entry, sym: string | undefined): number => {
        const i = elements.findIndex((x) => x.symbol === sym);
        if (i < 0) settings.fail(e, `element "${sym ?? ''}" is not in the elements line`);
        return i;
    };
    for (const e of settings.all('element_hidden_layers_short')) {
        warnings.push(`${settings.file}:${e.line}: per-element network keywords are applied as n2p2 applies them (partly; see N2P2-FORMAT.md §5.8)`);
        tops[indexOf(e, e.args[0])]!.layers = settings.integer(e, 1, 'number of hidden layers') + 2;
    }
    tops.forEach((t, i) => {
        if (t.layers === 0) throw new N2p2PotentialError(settings.file, 0, `number of hidden layers unset for element ${elements[i]!.symbol} (global_hidden_layers_short missing)`);
        t.nodes = new Array<number>(t.layers).fill(0);
        t.activations = new Array<string | undefined>(t.layers).fill(undefined);
        t.nodes[0] = inputs[i]!;
        t.activations[0] = 'linear';
        t.nodes[t.layers - 1] = 1;
    });
    const nodesEntry = settings.one('global_nodes_short');
    const globalNodes = nodesEntry ? nodesEntry.args.map((_, k) => settings.integer(nodesEntry, k, `the size of hidden layer ${k + 1}`, 1)) : [];
    if (nodesEntry && globalNodes.length !== H) settings.fail(nodesEntry, `global_nodes_short lists ${globalNodes.length} sizes for ${H} hidden layers`);
    const actEntry = settings.one('global_activation_short');
    const globalActs = actEntry ? actEntry.args.map((c) => activation(actEntry, c)) : [];
    if (actEntry && globalActs.length !== H + 1) settings.fail(actEntry, `global_activation_short needs ${H + 1} codes (${H} hidden layers and the output), found ${globalActs.length}`);
    for (const t of tops) {
        if (t.layers !== H + 2) continue;
        for (let j = 1; j < t.layers; j++) {
            if (j === t.layers - 1 && actEntry) {
                t.activations[j] = globalActs[t.layers - 2];
            } else {
                if (nodesEntry) {
                    if (j - 1 >= globalNodes.length) settings.fail(nodesEntry, 'the output layer has no activation (global_activation_short missing)');
                    t.nodes[j] = globalNodes[j - 1]!;
                }
                if (actEntry) t.activations[j] = globalActs[j - 1];
            }
        }
    }
    for (const e of settings.all('element_nodes_short')) {
        warnings.push(`${settings.file}:${e.line}: element_nodes_short sets only the first H−1 hidden layers in n2p2; imported the same way`);
        const t = tops[indexOf(e, e.args[0])]!;
        const n = e.args.length - 1;
        if (t.layers !== n + 2) settings.fail(e, `element_nodes_short lists ${n} sizes for ${t.layers - 2} hidden layers`);
        for (let j = 1; j < t.layers - 2; j++) t.nodes[j] = settings.integer(e, j, `the size of hidden layer ${j}`, 1);
    }
    for (const e of settings.all('element_activation_short')) {
        warnings.push(`${settings.file}:${e.line}: element_activation_short sets only the hidden layers in n2p2; imported the same way`);
        const t = tops[indexOf(e, e.args[0])]!;
        const n = e.args.length - 1;
        if (t.layers !== n + 1) settings.fail(e, `element_activation_short lists ${n} codes, expected ${t.layers - 1}`);
        for (let j = 1; j < t.layers - 1; j++) t.activations[j] = activation(e, e.args[j]!);
    }
    tops.forEach((t, i) => {
        for (let j = 1; j < t.layers; j++) {
            if (!(t.nodes[j]! > 0)) throw new N2p2PotentialError(settings.file, 0, `element ${elements[i]!.symbol}: number of neurons of layer ${j} unset`);
            if (t.activations[j] === undefined) throw new N2p2PotentialError(settings.file, 0, `element ${elements[i]!.symbol}: activation of layer ${j} unset`);
        }
    });
    return tops;
}

// ------------------------------------------------------------------ scaling.data and weights

function parseScaling(text: string, file: string, descriptors: readonly { element: string; count: number }[], mode: ScalingMode, warnings: string[]): ScalingStatistics[] {
    // Mode::setupSymmetryFunctionScaling: every line whose first character is not '#' is a row
    const lines = text.split(/\r?\n|\r/);
    const rows: number[] = []; // 1-based line numbers
    lines.forEach((raw, i) => {
        if (raw.startsWith('#') || raw.trim() === '') return; // (n2p2 would crash on an empty line)
        rows.push(i + 1);
    });
    const out: ScalingStatistics[] = [];
    let next = 0;
    descriptors.forEach((d, e) => {
        const st = { element: d.element, min: new Float64Array(d.count), max: new Float64Array(d.count), mean: new Float64Array(d.count), sigma: new Float64Array(d.count) };
        for (let s = 0; s < d.count; s++) {
            const row = rows[next++];
            if (row === undefined) throw new N2p2PotentialError(file, 0, `too few lines: element ${d.element} needs ${d.count} (elements in order of Z need ${descriptors.reduce((a, x) => a + x.count, 0)} in all), found ${rows.length}`);
            const tokens = lines[row - 1]!.trim().split(/\s+/);
            if (tokens.length < 5) throw new N2p2PotentialError(file, row, `expected e_index sf_index G_min G_max G_mean [G_sigma], found ${tokens.length} column(s)`);
            const v = tokens.slice(0, 6).map((t, k) => {
                const x = parseNumber(t);
                if (x === undefined) throw new N2p2PotentialError(file, row, `expected a number in column ${k + 1}, found "${t}"`);
                return x;
            });
            // Mode::setupSymmetryFunctionScaling: only an error when both indices mismatch
            if (v[0] !== e + 1 && v[1] !== s + 1) throw new N2p2PotentialError(file, row, `expected element ${e + 1} function ${s + 1}, found element ${v[0]} function ${v[1]}`);
            st.min[s] = v[2]!;
            st.max[s] = v[3]!;
            st.mean[s] = v[4]!;
            if (v.length > 5) st.sigma[s] = v[5]!;
            else if (mode === 'sigma') warnings.push(`${file}:${row}: no sigma column (old format); σ = 0`);
        }
        out.push(st);
    });
    return out;
}

function parseWeights(text: string, file: string, element: string, net: NetworkIR): NetworkParameters {
    const values: number[] = [];
    const lines = text.split(/\r?\n|\r/);
    let needed = net.parameters;
    lines.forEach((raw, i) => {
        if (raw.startsWith('#')) return;
        const token = raw.trim().split(/\s+/)[0];
        if (token === undefined || token === '' || needed === 0) return;
        const x = parseNumber(token);
        if (x === undefined) throw new N2p2PotentialError(file, i + 1, `expected a number in the first column, found "${token}"`);
        values.push(x);
        needed--;
    });
    if (needed > 0) throw new N2p2PotentialError(file, 0, `the ${element} network (${[net.inputs, ...net.layers.map((l) => l.size)].join('-')}) needs ${net.parameters} weights and biases, the file has ${values.length}`);
    const layers = [];
    let at = 0;
    let nIn = net.inputs;
    for (const layer of net.layers) {
        const nOut = layer.size;
        const weights = new Float64Array(nOut * nIn);
        // n2p2: source-neuron-major (for j in inputs, for k in outputs: w_kj) → row-major (out, in)
        for (let j = 0; j < nIn; j++) for (let k = 0; k < nOut; k++) weights[k * nIn + j] = values[at++]!;
        const biases = Float64Array.from(values.slice(at, at + nOut));
        at += nOut;
        layers.push({ weights, biases });
        nIn = nOut;
    }
    return { element, layers };
}

function countExtraWeights(text: string, parameters: number): number {
    let n = 0;
    for (const raw of text.split(/\r?\n|\r/)) {
        if (raw.startsWith('#') || raw.trim() === '') continue;
        n++;
    }
    return Math.max(0, n - parameters);
}

// ------------------------------------------------------------------ the whole potential

export function parseN2p2Potential(files: N2p2PotentialFiles, name: string, units: N2p2PotentialUnits = IDENTITY): N2p2Potential {
    if (!(units.length > 0 && Number.isFinite(units.length) && units.energy > 0 && Number.isFinite(units.energy))) {
        throw new RangeError(`unit factors must be positive and finite, got length ${units.length}, energy ${units.energy}`);
    }
    const inputName = files.names?.inputNn ?? 'input.nn';
    const scalingName = files.names?.scaling ?? 'scaling.data';
    const weightsName = files.names?.weights ?? weightsFileName;
    const warnings: string[] = [];
    const settings: Settings = new Settings(files.inputNn, inputName, warnings);
    const E = units.energy;
    const L = units.length;

    const nnpType = settings.one('nnp_type');
    if (nnpType && !['2G-HDNNP', '2'].includes(nnpType.args[0] ?? '')) settings.fail(nnpType, `only 2G-HDNNP potentials can be imported, found nnp_type ${nnpType.args.join(' ')}`);

    // elements (ascending Z) and offsets
    const elements = parseElements(settings);
    const bySymbol = new Map(elements.map((e) => [e.symbol, e]));
    const offsets = new Map<string, number>();
    for (const e of settings.all('atom_energy')) {
        const sym = e.args[0];
        if (sym === undefined || !bySymbol.has(sym)) settings.fail(e, `atom_energy: element "${sym ?? ''}" is not in the elements line`);
        offsets.set(sym, settings.number(e, 1, `the energy offset of ${sym}`) * E);
    }
    const elementIRs: ElementIR[] = elements.map((e) => ({ ...e, energyOffset: offsets.get(e.symbol) ?? 0 }));

    // global cutoff function
    let cutoff: CutoffIR | undefined;
    const ct = settings.one('cutoff_type');
    if (ct) {
        const n = settings.integer(ct, 0, 'cutoff_type');
        const kind = CUTOFF_KIND_BY_TYPE.get(n);
        if (!kind) settings.fail(ct, `unknown cutoff_type ${n} (0–8)`);
        const alpha = ct.args.length > 1 ? settings.number(ct, 1, 'the inner-cutoff parameter alpha') : 0;
        if (!(alpha >= 0 && alpha < 1)) settings.fail(ct, `cutoff alpha must satisfy 0 <= alpha < 1, found ${alpha}`);
        if (NO_INNER.has(kind) && alpha > 0) warnings.push(`${inputName}:${ct.line}: cutoff_type ${n} (${kind}) does not use alpha; ignored`);
        cutoff = { kind, n2p2Type: n, radius: 0, inner: NO_INNER.has(kind) ? 0 : alpha };
    }

    // symmetry functions, sorted per element into n2p2's order
    const parsed = settings.all('symfunction_short').map((e) => parseSymmetryFunction(settings, e, bySymbol, cutoff, units));
    const zMap = new Map(elements.map((e) => [e.symbol, e.z]));
    const descriptors = elements.map((el) => {
        const mine = parsed.filter((p) => p.element === el.symbol);
        const sorted = sortFunctions(mine.map((p) => p.f), zMap);
        const lineOf = new Map(mine.map((p) => [p.f, p]));
        return { element: el.symbol, functions: sorted.map((f) => normalizeFunction(lineOf.get(f)!, inputName, warnings)) };
    });
    descriptors.forEach((d) => {
        if (d.functions.length === 0) throw new N2p2PotentialError(inputName, 0, `element ${d.element} has no symmetry functions`);
    });

    // scaling
    const scale = settings.has('scale_symmetry_functions');
    const center = settings.has('center_symmetry_functions');
    const mode: ScalingMode = scale && !center ? 'scale' : !scale && center ? 'center' : scale && center ? 'scale_center' : settings.has('scale_symmetry_functions_sigma') ? 'sigma' : 'none';
    let smin = 0;
    let smax = 1;
    if (mode === 'scale' || mode === 'scale_center' || mode === 'sigma') {
        const lo = settings.one('scale_min_short');
        const hi = settings.one('scale_max_short');
        if (lo) smin = settings.number(lo, 0, 'scale_min_short');
        else warnings.push(`${inputName}: scale_min_short missing; S_min = 0 (n2p2's default)`);
        if (hi) smax = settings.number(hi, 0, 'scale_max_short');
        else warnings.push(`${inputName}: scale_max_short missing; S_max = 1 (n2p2's default)`);
    }
    if (mode === 'none') warnings.push(`${inputName}: no symmetry-function scaling keyword; functions are not scaled`);
    const scaling: ScalingIR = { mode, min: smin, max: smax };
    const counts = descriptors.map((d) => ({ element: d.element, count: d.functions.length }));
    let stats: ScalingStatistics[] = [];
    if (files.scaling !== undefined) stats = parseScaling(files.scaling, scalingName, counts, mode, warnings);
    else if (mode !== 'none') throw new N2p2PotentialError(scalingName, 0, `file not found; scaling '${mode}' needs its statistics`);

    // normalisation
    const norm = ['mean_energy', 'conv_energy', 'conv_length'].map((k) => settings.one(k));
    let normalization: NormalizationIR = { kind: 'none' };
    if (norm.every(Boolean)) {
        const [m, ce, cl] = norm as [Entry, Entry, Entry];
        normalization = {
            kind: 'fixed',
            meanEnergy: settings.number(m, 0, 'mean_energy') * E,
            convEnergy: settings.number(ce, 0, 'conv_energy') / E,
            convLength: settings.number(cl, 0, 'conv_length') / L,
        };
    } else if (norm.some(Boolean) || settings.has('conv_charge')) {
        const present = ['mean_energy', 'conv_energy', 'conv_length', 'conv_charge'].filter((k) => settings.has(k));
        throw new N2p2PotentialError(inputName, settings.one(present[0]!)!.line, `normalisation needs all or none of mean_energy, conv_energy and conv_length; found only ${present.join(', ')}`);
    }

    // networks
    const tops = parseTopologies(settings, elements, counts.map((c) => c.count), warnings);
    const normalizeNodes = settings.has('normalize_nodes');
    const networks: NetworkIR[] = elements.map((el, i) => {
        const t = tops[i]!;
        const layers: LayerIR[] = [];
        for (let j = 1; j < t.layers; j++) layers.push({ size: t.nodes[j]!, activation: t.activations[j]! });
        let parameters = 0;
        let prev = counts[i]!.count;
        for (const l of layers) {
            parameters += (prev + 1) * l.size;
            prev = l.size;
        }
        return { element: el.symbol, inputs: counts[i]!.count, layers, normalizeNodes, parameters };
    });
    const netParams = elements.map((el, i) => {
        const text = files.weights.get(el.z);
        const file = weightsName(el.z);
        if (text === undefined) throw new N2p2PotentialError(file, 0, `file not found (weights of element ${el.symbol})`);
        const extra = countExtraWeights(text, networks[i]!.parameters);
        if (extra > 0) warnings.push(`${file}: ${extra} line(s) after the ${networks[i]!.parameters} weights and biases ignored (as n2p2 does)`);
        return parseWeights(text, file, el.symbol, networks[i]!);
    });

    const radii = descriptors.flatMap((d) => d.functions.map((f) => f.cutoff?.radius ?? f.high ?? 0));
    const model: ModelIR = {
        name,
        elements: elementIRs,
        descriptors,
        networks,
        scaling,
        normalization,
        maxCutoff: radii.length > 0 ? Math.max(...radii) : 0,
    };
    const parameters: ModelParameters = { model: name, networks: netParams, scaling: stats };
    return { model, parameters, warnings };
}
