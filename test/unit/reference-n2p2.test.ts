// The n2p2 potential reader and the float64 reference evaluator against n2p2's own numbers
// (shared/data/n2p2/oracle: nnp-predict output with G, G̃ and dE/dG̃ per atom), plus the reader's
// handling of every input.nn / scaling.data / weights.ZZZ.data convention (N2P2-FORMAT.md §5).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SymmetryFunctionIR } from '../../compiler/src/ir/model-ir.js';
import { parseN2p2Data } from '../../runtime/src/io/n2p2-data.js';
import { modelName, N2p2PotentialError, parseN2p2Potential, readN2p2Potential } from '../../runtime/src/io/n2p2-potential.js';
import { n2p2Files } from '../../runtime/src/io/n2p2-potential-writer.js';
import { evaluatePrepared, evaluateReference, prepareModel } from '../../runtime/src/reference/evaluate.js';
import type { Structure } from '../../runtime/src/structure.js';
import { sharedData } from '../helpers/shared-data.js';
import { rng } from '../helpers/random-model.js';
import { supercell } from '../helpers/supercell.js';

const BOHR = 0.529177210903; // Å
const HARTREE = 27.211386245988; // eV
const WATER = { length: BOHR, energy: HARTREE };

interface OracleAtom {
    readonly element: string;
    readonly energy: number;
    readonly force: number[];
    readonly G_raw: number[];
    readonly G_scaled: number[];
    readonly dEdG_scaled: number[];
}
interface Oracle {
    readonly natoms: number;
    readonly energy: number;
    readonly mean_energy: number;
    readonly conv_energy: number;
    readonly conv_length: number;
    readonly symfunctions: Record<string, string[]>;
    readonly atoms: OracleAtom[];
}

const readOracle = (name: string): Oracle => JSON.parse(readFileSync(sharedData('n2p2', 'oracle', name), 'utf8')) as Oracle;
const readStructure = (name: string, units = { length: 1, energy: 1 }): Structure => {
    const path = sharedData('n2p2', 'structures', name);
    return parseN2p2Data(readFileSync(path, 'utf8'), path, units)[0]!;
};

/** max |a − b| / max |b| */
function normRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let diff = 0;
    let size = 0;
    for (let k = 0; k < b.length; k++) {
        diff = Math.max(diff, Math.abs(a[k]! - b[k]!));
        size = Math.max(size, Math.abs(b[k]!));
    }
    return size === 0 ? diff : diff / size;
}

/** max_k |a_k − b_k| / |b_k| */
function pointRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let worst = 0;
    for (let k = 0; k < b.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!) / Math.max(Math.abs(b[k]!), 1e-300));
    return worst;
}

/**
 * Evaluates `potential` on `structure` and compares with the oracle; returns the worst relative
 * errors. Oracle values are in the potential's units (energies, forces, dE/dG̃ in Ha and Ha/bohr
 * for water).
 */
function compareWithOracle(potential: string, structure: string, oracle: string, units: { length: number; energy: number }) {
    const pot = readN2p2Potential(sharedData('n2p2', 'potentials', potential), units);
    const s = readStructure(structure, units);
    const o = readOracle(oracle);
    expect(s.symbols.length).toBe(o.natoms);
    // network input order = n2p2's sorted order
    for (const [el, lines] of Object.entries(o.symfunctions)) {
        const fs = pot.model.descriptors.find((d) => d.element === el)!.functions;
        expect(fs.length).toBe(lines.length);
        lines.forEach((line, k) => expectSameFunction(fs[k]!, line, units.length));
    }
    const r = evaluateReference(pot.model, pot.parameters, s);
    const E = units.energy;
    const F = units.energy / units.length;
    const errors = { energy: 0, atomEnergies: 0, forces: 0, G: 0, Gscaled: 0, dEdG: 0 };
    errors.energy = Math.abs(r.energy / E - o.energy) / Math.abs(o.energy);
    errors.atomEnergies = normRel(Array.from(r.atomEnergies, (x) => x / E), o.atoms.map((a) => a.energy));
    errors.forces = normRel(Array.from(r.forces, (x) => x / F), o.atoms.flatMap((a) => a.force));
    o.atoms.forEach((a, i) => {
        expect(s.symbols[i]).toBe(a.element);
        errors.G = Math.max(errors.G, pointRel(r.G[i]!, a.G_raw));
        errors.Gscaled = Math.max(errors.Gscaled, normRel(r.Gscaled[i]!, a.G_scaled));
        errors.dEdG = Math.max(errors.dEdG, normRel(Array.from(r.dEdG[i]!, (x) => x / E), a.dEdG_scaled));
    });
    return { errors, result: r, structure: s, potential: pot };
}

/** A sorted function against the oracle's `symfunction_short …` line (file units). */
function expectSameFunction(f: SymmetryFunctionIR, line: string, L: number): void {
    const t = line.trim().split(/\s+/);
    const type = Number(t[2]);
    expect(f.n2p2Type).toBe(type);
    const close = (x: number | undefined, y: string) => expect(x).toBeCloseTo(Number(y), 10);
    if (type === 2) {
        expect(f.neighbors).toEqual([t[3]]);
        close(f.eta! * L * L, t[4]!);
        close(f.rshift! / L, t[5]!);
        close(f.cutoff!.radius / L, t[6]!);
    } else if (type === 3 || type === 9) {
        expect(f.neighbors).toEqual([t[3], t[4]]);
        close(f.eta! * L * L, t[5]!);
        close(f.lambda, t[6]!);
        close(f.zeta, t[7]!);
        close(f.cutoff!.radius / L, t[8]!);
        close(f.rshift! / L, t[9] ?? '0');
    } else {
        throw new Error(`unexpected type ${type} in oracle`);
    }
}

const TOL = 1e-10;

describe('reference evaluator vs n2p2 (nnp-predict oracles)', () => {
    it('water, 48 atoms (H2O_RPBE-D3, bohr/Ha, small cell, tanhu cutoff, scale+center, normalisation)', () => {
        const { errors, potential } = compareWithOracle('H2O_RPBE-D3', 'H2O_48.data', 'H2O_48.json', WATER);
        expect(potential.warnings).toEqual([]);
        for (const [k, v] of Object.entries(errors)) expect(v, k).toBeLessThan(TOL);
    });

    it('Lennard-Jones neon dimer (LJ)', () => {
        const { errors } = compareWithOracle('LJ', 'LJ_dimer.data', 'LJ_dimer.json', { length: 1, energy: 1 });
        for (const [k, v] of Object.entries(errors)) expect(v, k).toBeLessThan(TOL);
    });

    it('liquid water, 1080 atoms (H2O_1080_liquid)', { timeout: 60_000 }, () => {
        const { errors } = compareWithOracle('H2O_RPBE-D3', 'H2O_1080_liquid.data', 'H2O_RPBE-D3.json', WATER);
        for (const [k, v] of Object.entries(errors)) expect(v, k).toBeLessThan(TOL);
    });

    it('3240 water atoms (3×1×1 copies): E triples, forces repeat', { timeout: 120_000 }, () => {
        const pot = readN2p2Potential(sharedData('n2p2', 'potentials', 'H2O_RPBE-D3'), WATER);
        const one = readStructure('H2O_1080_liquid.data', WATER);
        const big = supercell(one, [3, 1, 1]);
        expect(big.symbols.length).toBe(3240);
        const pm = prepareModel(pot.model, pot.parameters);
        const r1 = evaluatePrepared(pm, one);
        const r3 = evaluatePrepared(pm, big);
        expect(Math.abs(r3.energy - 3 * r1.energy) / Math.abs(r1.energy)).toBeLessThan(1e-12);
        expect(normRel(r3.forces.subarray(3 * 1080 * 2), r1.forces)).toBeLessThan(1e-10);
        expect(normRel(r3.stress!, r1.stress!)).toBeLessThan(1e-10);
    });

    it('Cu2S (sigma scaling, types 2/3/9, poly2 cutoff, Å/eV) predicts its DFT data to its training accuracy', () => {
        const pot = readN2p2Potential(sharedData('n2p2', 'potentials', 'Cu2S_PBE'));
        expect(pot.warnings).toEqual([]);
        expect(pot.model.elements.map((e) => e.symbol)).toEqual(['S', 'Cu']); // by Z: S 16, Cu 29
        expect(pot.model.descriptors.map((d) => d.functions.length)).toEqual([72, 66]);
        expect(pot.model.scaling.mode).toBe('sigma');
        const s = readStructure('Cu2S_144.data');
        const r = evaluateReference(pot.model, pot.parameters, s);
        expect(Math.abs(r.energy - s.energy!) / s.symbols.length).toBeLessThan(2e-3); // eV/atom (training RMSE ≈ 3e-4)
        let sq = 0;
        for (let k = 0; k < r.forces.length; k++) sq += (r.forces[k]! - s.forces![k]!) ** 2;
        expect(Math.sqrt(sq / r.forces.length)).toBeLessThan(0.2); // eV/Å (training RMSE ≈ 0.035)
    });
});

// ---------------------------------------------------------------- the reader

/** A small potential; `extra` lines are appended to input.nn. */
function files(opts: { input?: string; extra?: string; scaling?: string | null; weights?: Map<number, string> } = {}) {
    const input = opts.input ?? [
        '# comment line',
        'number_of_elements 2 ! trailing comment',
        'elements O H',
        'cutoff_type 1 0.25',
        'scale_symmetry_functions',
        'scale_min_short -1',
        'scale_max_short 1',
        'global_hidden_layers_short 1',
        'global_nodes_short 2',
        'global_activation_short t l',
        'symfunction_short H 2 O 0.5 0.0 4.0',
        'symfunction_short H 2 H 0.5 0.0 4.0',
        'symfunction_short O 3 H H 0.1 -1 2 4.0',
        opts.extra ?? '',
    ].join('\n');
    // H: 2 functions → 2-2-1: (2+1)·2 + (2+1)·1 = 9; O: 1 function → 1-2-1: (1+1)·2 + 3 = 7
    const weights = opts.weights ?? new Map([
        [1, ['# H', ...Array.from({ length: 9 }, (_, k) => `${(k + 1) / 10} a ${k + 1}`)].join('\n')],
        [8, ['# O', ...Array.from({ length: 7 }, (_, k) => `${-(k + 1) / 10} a ${k + 1}`)].join('\n')],
    ]);
    const scaling = opts.scaling === null ? undefined : opts.scaling ?? [
        '# e_index sf_index min max mean sigma',
        '1 1 0.1 0.9 0.5 0.2',
        '1 2 0.2 0.8 0.4 0.1',
        '# O',
        '2 1 0.0 2.0 1.0 0.5',
        '2 2 9 9 9 9 (old RuNNer trailer: ignored)',
    ].join('\n');
    return { inputNn: input, weights, ...(scaling !== undefined ? { scaling } : {}) };
}

const parse = (f: ReturnType<typeof files>, units?: { length: number; energy: number }) => parseN2p2Potential(f, 'test', units);

function expectError(fn: () => unknown, file: string, line: number, message: RegExp): void {
    let error: unknown;
    try {
        fn();
    } catch (e) {
        error = e;
    }
    expect(error).toBeInstanceOf(N2p2PotentialError);
    const e = error as N2p2PotentialError;
    expect(e.file).toBe(file);
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(line > 0 ? `${file}:${line}: ` : `${file}: `)).toBe(true);
}

describe('readN2p2Potential / parseN2p2Potential', () => {
    it('orders elements by Z, reads comments (# and !), aliases, cutoff α, scaling and networks', () => {
        const p = parse(files());
        expect(p.warnings).toEqual([]);
        const m = p.model;
        expect(m.elements.map((e) => [e.symbol, e.z])).toEqual([['H', 1], ['O', 8]]);
        expect(m.scaling).toEqual({ mode: 'scale', min: -1, max: 1 });
        expect(m.normalization).toEqual({ kind: 'none' });
        const [h, o] = m.descriptors;
        // sorted: type 2 by (cutoff…, η, r_s, e1): H before O
        expect(h!.functions.map((f) => f.neighbors)).toEqual([['H'], ['O']]);
        expect(h!.functions[0]).toEqual({ kind: 'radial', n2p2Type: 2, neighbors: ['H'], eta: 0.5, rshift: 0, cutoff: { kind: 'cosine', n2p2Type: 1, radius: 4, inner: 0.25 } });
        expect(o!.functions[0]).toMatchObject({ kind: 'angular-narrow', n2p2Type: 3, neighbors: ['H', 'H'], eta: 0.1, lambda: -1, zeta: 2, rshift: 0 });
        expect(m.networks.map((n) => [n.inputs, n.layers, n.parameters])).toEqual([
            [2, [{ size: 2, activation: 'tanh' }, { size: 1, activation: 'linear' }], 9],
            [1, [{ size: 2, activation: 'tanh' }, { size: 1, activation: 'linear' }], 7],
        ]);
        expect(m.maxCutoff).toBe(4);
        // scaling.data: consumed in order, H's two lines then O's one; the trailer is ignored
        const [sh, so] = p.parameters.scaling;
        expect(Array.from(sh!.min)).toEqual([0.1, 0.2]);
        expect(Array.from(sh!.sigma)).toEqual([0.2, 0.1]);
        expect(Array.from(so!.max)).toEqual([2]);
        // the alias `symfunction` alone reads the same; mixing both spellings is an error (n2p2: critical)
        const alias = files({ input: files().inputNn.replaceAll('symfunction_short', 'symfunction') });
        expect(parse(alias).model).toEqual(m);
        const mixed = files({ input: files().inputNn.replace('symfunction_short O', 'symfunction O') });
        expectError(() => parse(mixed), 'input.nn', 13, /"symfunction" and "symfunction_short" \(line 11\) are two spellings/);
        // weights: source-neuron-major in the file → row-major (out, in)
        const hw = p.parameters.networks[0]!.layers;
        // file order: w(in1→out1) w(in1→out2) w(in2→out1) w(in2→out2) b1 b2 | w(h1→o) w(h2→o) b
        expect(Array.from(hw[0]!.weights)).toEqual([0.1, 0.3, 0.2, 0.4]);
        expect(Array.from(hw[0]!.biases)).toEqual([0.5, 0.6]);
        expect(Array.from(hw[1]!.weights)).toEqual([0.7, 0.8]);
        expect(Array.from(hw[1]!.biases)).toEqual([0.9]);
    });

    it('converts units: η/L², r·L, offsets and mean energy ·E, conv_energy /E, conv_length /L; angles to rad', () => {
        const extra = [
            'mean_energy -2', 'conv_energy 3', 'conv_length 5', 'atom_energy H -0.5', 'atom_energy O -75',
            'symfunction_short O 21 H H -4.0 4.0 60 180 p2',
        ].join('\n');
        const weights = new Map([[1, Array(9).fill('0.1').join('\n')], [8, Array(9).fill('0.2').join('\n')]]);
        const f = files({ extra, weights, scaling: ['1 1 0 1 0 1', '1 2 0 1 0 1', '2 1 0 1 0 1', '2 2 0 1 0 1'].join('\n') });
        const p = parse(f, { length: 2, energy: 10 });
        const m = p.model;
        expect(m.descriptors[0]!.functions[0]).toMatchObject({ eta: 0.125, rshift: 0, cutoff: { radius: 8 } });
        expect(m.normalization).toEqual({ kind: 'fixed', meanEnergy: -20, convEnergy: 0.3, convLength: 2.5 });
        expect(m.elements.map((e) => e.energyOffset)).toEqual([-5, -750]);
        const c = m.descriptors[1]!.functions[1]!;
        expect(c).toEqual({ kind: 'compact-angular-narrow', n2p2Type: 21, neighbors: ['H', 'H'], low: -8, high: 8, angleLow: Math.PI / 3, angleHigh: Math.PI, subtype: 'p2' });
        expect(m.maxCutoff).toBe(8);
    });

    it('reads every symmetry-function type with its parameter order', () => {
        const lines = [
            'symfunction_short H 9 O H 0.2 1 1.5 3.0 0.5',
            'symfunction_short H 12 0.3 0.7 3.5',
            'symfunction_short H 13 0.4 0.1 -1 3 3.6',
            'symfunction_short H 20 O -3 3 p1a',
            'symfunction_short H 22 H O 0 3 -90 90 e',
            'symfunction_short H 23 0.5 3 p3',
            'symfunction_short H 24 -3 3 49.1 169.1 p4',
            'symfunction_short H 25 -3 3 0 180 p2a',
        ];
        const scaling = Array.from({ length: 11 }, (_, k) => (k < 10 ? `1 ${k + 1} 0 1 0.5 1` : '2 1 0 1 0.5 1')).join('\n');
        // H: 10 inputs → (10+1)·2 + (2+1) = 25 weights; O: 7
        const weights = new Map([[1, Array.from({ length: 25 }, (_, k) => String(Math.sin(k))).join('\n')], [8, Array.from({ length: 7 }, (_, k) => String(Math.cos(k))).join('\n')]]);
        const p = parse(files({ extra: lines.join('\n'), scaling, weights }));
        expect(p.warnings).toEqual([]);
        const h = p.model.descriptors[0]!.functions;
        expect(h.map((f) => f.n2p2Type)).toEqual([2, 2, 9, 12, 13, 20, 22, 23, 24, 25]);
        const cut = (radius: number) => ({ kind: 'cosine', n2p2Type: 1, radius, inner: 0.25 });
        const deg = (x: number) => (x * Math.PI) / 180;
        expect(h.slice(2)).toEqual([
            { kind: 'angular-wide', n2p2Type: 9, neighbors: ['H', 'O'], eta: 0.2, lambda: 1, zeta: 1.5, cutoff: cut(3), rshift: 0.5 },
            { kind: 'radial-weighted', n2p2Type: 12, neighbors: [], eta: 0.3, rshift: 0.7, cutoff: cut(3.5) },
            { kind: 'angular-narrow-weighted', n2p2Type: 13, neighbors: [], eta: 0.4, rshift: 0.1, lambda: -1, zeta: 3, cutoff: cut(3.6) },
            { kind: 'compact-radial', n2p2Type: 20, neighbors: ['O'], low: -3, high: 3, subtype: 'p1a' },
            { kind: 'compact-angular-wide', n2p2Type: 22, neighbors: ['H', 'O'], low: 0, high: 3, angleLow: deg(-90), angleHigh: deg(90), subtype: 'e' },
            { kind: 'compact-radial-weighted', n2p2Type: 23, neighbors: [], low: 0.5, high: 3, subtype: 'p3' },
            { kind: 'compact-angular-narrow-weighted', n2p2Type: 24, neighbors: [], low: -3, high: 3, angleLow: deg(49.1), angleHigh: deg(169.1), subtype: 'p4' },
            { kind: 'compact-angular-wide-weighted', n2p2Type: 25, neighbors: [], low: -3, high: 3, angleLow: 0, angleHigh: Math.PI, subtype: 'p2a' },
        ]);
        expect(p.model.maxCutoff).toBe(4);
        // and the model evaluates
        const water: Structure = { symbols: ['O', 'H', 'H'], positions: new Float64Array([0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0]), pbc: [false, false, false], info: {} };
        const r = evaluateReference(p.model, p.parameters, water);
        expect(Number.isFinite(r.energy)).toBe(true);
        expect(r.G[1]!.every((g) => Number.isFinite(g))).toBe(true);
    });

    it('rejects and warns as n2p2 does', () => {
        // a repeated keyword is critical (file and line named)
        expectError(() => parse(files({ extra: 'cutoff_type 2' })), 'input.nn', 14, /"cutoff_type" repeated \(first at line 4\)/);
        // two spellings of one keyword
        expectError(() => parse(files({ extra: 'short_energy_fraction 1\nenergy_fraction 1' })), 'input.nn', 15, /two spellings/);
        // repeatable keywords may repeat; unknown keywords are warnings
        expect(parse(files({ extra: 'atom_energy H 1\natom_energy H 2\nfoo_bar 3' })).warnings).toEqual(['input.nn:16: unknown keyword "foo_bar" (ignored)']);
        expect(parse(files({ extra: 'atom_energy H 1\natom_energy H 2' })).model.elements[0]!.energyOffset).toBe(2);
        // malformed numbers
        expectError(() => parse(files({ extra: 'symfunction_short H 2 O 0.1x 0 4' })), 'input.nn', 14, /expected a number for eta, found "0.1x"/);
        expectError(() => parse(files({ extra: 'symfunction_short H 2 O 0.1 0' })), 'input.nn', 14, /needs <e1> <eta> <rs> <rc>/);
        expectError(() => parse(files({ extra: 'symfunction_short H 2 C 0.1 0 4' })), 'input.nn', 14, /"C" is not in the elements line/);
        expectError(() => parse(files({ extra: 'symfunction_short H 7 O 0.1 0 4' })), 'input.nn', 14, /unknown symmetry-function type 7/);
        expectError(() => parse(files({ extra: 'symfunction_short H 21 H H -4 4 -10 90 p2' })), 'input.nn', 14, /not centred/);
        expectError(() => parse(files({ extra: 'symfunction_short H 20 H 1 4 q2' })), 'input.nn', 14, /invalid compact subtype "q2"/);
        // normalisation: all or none
        expectError(() => parse(files({ extra: 'mean_energy 1\nconv_energy 2' })), 'input.nn', 14, /all or none/);
        // weights: too few is an error, extra lines a warning
        const short = files();
        (short.weights as Map<number, string>).set(8, '1\n2\n3');
        expectError(() => parse(short), 'weights.008.data', 0, /needs 7 weights and biases, the file has 3/);
        const long = files();
        (long.weights as Map<number, string>).set(8, `${Array.from({ length: 7 }, () => '0.5').join('\n')}\n1.0\n`);
        expect(parse(long).warnings).toEqual(['weights.008.data: 1 line(s) after the 7 weights and biases ignored (as n2p2 does)']);
        const bad = files();
        (bad.weights as Map<number, string>).set(8, '0.1\nabc 2\n');
        expectError(() => parse(bad), 'weights.008.data', 2, /found "abc"/);
        // scaling.data: too few lines, bad numbers
        expectError(() => parse(files({ scaling: '1 1 0 1 0 1\n1 2 0 1 0 1' })), 'scaling.data', 0, /too few lines/);
        expectError(() => parse(files({ scaling: '1 1 0 1 0 1\n1 2 0 x 0 1\n2 1 0 1 0 1' })), 'scaling.data', 2, /column 4, found "x"/);
        expectError(() => parse(files({ scaling: '1 1 0 1 0 1\n5 7 0 1 0 1\n2 1 0 1 0 1' })), 'scaling.data', 2, /expected element 1 function 2/);
        expectError(() => parse(files({ scaling: null })), 'scaling.data', 0, /needs its statistics/);
        // topology
        expectError(() => parse(files({ input: files().inputNn.replace('global_activation_short t l', 'global_activation_short t x') })), 'input.nn', 10, /unknown activation code "x"/);
        expectError(() => parse(files({ input: files().inputNn.replace('global_nodes_short 2', 'global_nodes_short 2 3') })), 'input.nn', 9, /lists 2 sizes for 1 hidden layers/);
        expectError(() => parse(files({ input: files().inputNn.replace('elements O H', 'elements O H C') })), 'input.nn', 3, /number_of_elements is 2 but 3 elements/);
        expectError(() => parse(files({ extra: 'nnp_type 4G-HDNNP' })), 'input.nn', 14, /only 2G-HDNNP/);
    });

    it('maps the scaling keywords to a mode with n2p2\'s precedence', () => {
        const base = files().inputNn.replace('scale_symmetry_functions\n', '');
        const mode = (kw: string[]) => parse(files({ input: `${base}\n${kw.join('\n')}` })).model.scaling.mode;
        expect(mode([])).toBe('none');
        expect(mode(['scale_symmetry_functions'])).toBe('scale');
        expect(mode(['center_symmetry_functions'])).toBe('center');
        expect(mode(['scale_symmetry_functions', 'center_symmetry_functions'])).toBe('scale_center');
        expect(mode(['scale_symmetry_functions_sigma'])).toBe('sigma');
        expect(mode(['scale_symmetry_functions_sigma', 'center_symmetry_functions'])).toBe('center'); // sigma ignored
        const noBounds = files().inputNn.replace('scale_min_short -1\n', '').replace('scale_max_short 1\n', '');
        const p = parse(files({ input: noBounds }));
        expect(p.model.scaling).toEqual({ mode: 'scale', min: 0, max: 1 });
        expect(p.warnings).toHaveLength(2);
    });

    it('names the model after the folder, as an identifier', () => {
        expect(modelName('/x/H2O_RPBE-D3')).toBe('H2O_RPBE_D3');
        expect(modelName('/x/2nd try/')).toBe('n2p2_2nd_try');
        expect(readN2p2Potential(sharedData('n2p2', 'potentials', 'LJ')).model.name).toBe('LJ');
    });

    it('round-trips through the n2p2 writer (same model, same numbers)', () => {
        const pot = readN2p2Potential(sharedData('n2p2', 'potentials', 'H2O_RPBE-D3'), WATER);
        const written = n2p2Files(pot.model, pot.parameters, WATER);
        const back = parseN2p2Potential(
            { inputNn: written.get('input.nn')!, scaling: written.get('scaling.data')!, weights: new Map([[1, written.get('weights.001.data')!], [8, written.get('weights.008.data')!]]) },
            pot.model.name,
            WATER,
        );
        expect(back.model.descriptors).toEqual(pot.model.descriptors.map((d) => ({ ...d, functions: d.functions.map((f) => expect.objectContaining({ ...f, eta: expect.closeTo(f.eta!, 15), rshift: expect.closeTo(f.rshift!, 15), cutoff: expect.objectContaining({ radius: expect.closeTo(f.cutoff!.radius, 14) }) })) })));
        expect(back.parameters.networks).toEqual(pot.parameters.networks);
        expect(back.parameters.scaling).toEqual(pot.parameters.scaling);
    });
});

// ---------------------------------------------------------------- synthetic potentials vs n2p2
// SYNTH-BEGIN (generator of the synthetic n2p2 potentials; kept free of vitest so that the same
// code produced the files that n2p2 2.3.0's libnnp evaluated for SYNTH_EXPECTED below)

interface SynthVariant {
    readonly cutoff: string; // cutoff_type line arguments
    readonly scaling: readonly string[]; // scaling keyword lines
    readonly activations: string;
    readonly normalizeNodes: boolean;
    readonly normalization: boolean;
    readonly bohr: boolean;
    readonly compact: boolean;
}

const SYNTH_VARIANTS: readonly SynthVariant[] = [
    { cutoff: '0', scaling: [], activations: 't t l', normalizeNodes: false, normalization: false, bohr: false, compact: false },
    { cutoff: '1 0.2', scaling: ['scale_symmetry_functions', 'scale_min_short -1', 'scale_max_short 1'], activations: 's g l', normalizeNodes: true, normalization: false, bohr: false, compact: false },
    { cutoff: '2', scaling: ['center_symmetry_functions'], activations: 'c r l', normalizeNodes: false, normalization: false, bohr: false, compact: false },
    { cutoff: '3', scaling: ['scale_symmetry_functions', 'center_symmetry_functions', 'scale_min_short 0', 'scale_max_short 1'], activations: 'S e t', normalizeNodes: false, normalization: true, bohr: true, compact: false },
    { cutoff: '4 0.3', scaling: ['scale_symmetry_functions_sigma', 'scale_min_short 0', 'scale_max_short 2'], activations: 'h t l', normalizeNodes: false, normalization: false, bohr: false, compact: false },
    { cutoff: '5 0.1', scaling: ['scale_symmetry_functions', 'scale_min_short 0', 'scale_max_short 1'], activations: 'p p l', normalizeNodes: true, normalization: false, bohr: false, compact: false },
    { cutoff: '6 0.5', scaling: ['scale_symmetry_functions', 'center_symmetry_functions', 'scale_min_short -1', 'scale_max_short 1'], activations: 't s l', normalizeNodes: false, normalization: false, bohr: false, compact: false },
    { cutoff: '7 0.25', scaling: ['scale_symmetry_functions_sigma', 'scale_min_short 0', 'scale_max_short 1'], activations: 'g c h', normalizeNodes: false, normalization: true, bohr: false, compact: false },
    { cutoff: '8 0.4', scaling: ['scale_symmetry_functions', 'scale_min_short 0', 'scale_max_short 1'], activations: 'r S l', normalizeNodes: false, normalization: false, bohr: false, compact: false },
    { cutoff: '2', scaling: ['scale_symmetry_functions_sigma', 'scale_min_short 0', 'scale_max_short 1'], activations: 't p l', normalizeNodes: true, normalization: false, bohr: false, compact: true },
];

const SYNTH_ELEMENTS = ['H', 'C', 'O'];
const SYNTH_Z: Record<string, number> = { H: 1, C: 6, O: 8 };
const SYNTH_BOHR = 0.529177210903;
const SYNTH_HARTREE = 27.211386245988;

function synthFunctionLines(v: SynthVariant): string[] {
    const lines: string[] = [];
    for (const c of SYNTH_ELEMENTS) {
        if (!v.compact) {
            for (const e of SYNTH_ELEMENTS) lines.push(`symfunction_short ${c} 2 ${e} 0.5 0.0 4.2`, `symfunction_short ${c} 2 ${e} 1.1 1.2 4.2`);
            for (const [a, b] of [['O', 'H'], ['O', 'O'], ['C', 'H']]) {
                lines.push(`symfunction_short ${c} 3 ${a} ${b} 0.1 -1 1 4.5`, `symfunction_short ${c} 3 ${a} ${b} 0.1 1 2.5 4.5 0.6`, `symfunction_short ${c} 3 ${a} ${b} 0.02 1 4 4.5`);
            }
            for (const [a, b] of [['H', 'H'], ['C', 'O']]) lines.push(`symfunction_short ${c} 9 ${a} ${b} 0.05 1 2 4.0 0.3`, `symfunction_short ${c} 9 ${a} ${b} 0.05 -1 1 4.0`);
            lines.push(`symfunction_short ${c} 12 0.3 0.5 4.1`, `symfunction_short ${c} 13 0.2 0.2 -1 3 4.4`, `symfunction_short ${c} 13 0.05 0.0 1 1 4.4`);
        } else {
            ['p1', 'p2', 'p3', 'p4', 'e', 'p2a', 'p3a'].forEach((s, k) => lines.push(`symfunction_short ${c} 20 ${SYNTH_ELEMENTS[k % 3]} ${k % 2 ? 0.9 : -(3.5 + 0.1 * k)} ${3.5 + 0.1 * k} ${s}`));
            const windows = [[0, 180], [-90, 90], [49.1, 169.1], [60, 180], [0, 120]];
            ['p2', 'p3', 'e', 'p1a', 'p4'].forEach((s, k) => {
                const [lo, hi] = windows[k]!;
                const rc = 3.8 + 0.1 * k;
                const rl = k % 2 ? 0.8 : -rc;
                const [a, b] = [['O', 'H'], ['O', 'O'], ['C', 'H'], ['H', 'H'], ['C', 'O']][k]!;
                lines.push(`symfunction_short ${c} 21 ${a} ${b} ${rl} ${rc} ${lo} ${hi} ${s}`, `symfunction_short ${c} 22 ${b} ${a} ${rl} ${rc} ${lo} ${hi} ${s}`);
                lines.push(`symfunction_short ${c} 24 ${rl} ${rc} ${lo} ${hi} ${s}`, `symfunction_short ${c} 25 ${rl} ${rc} ${lo} ${hi} ${s}`);
            });
            lines.push(`symfunction_short ${c} 23 -4 4 p2`, `symfunction_short ${c} 23 1.0 3.9 p2a`);
        }
    }
    return lines;
}

/** input.nn (with the given scaling keywords) and the weights files of variant k. */
function synthSettings(k: number, scalingLines?: readonly string[]): { inputNn: string; weights: Map<number, string> } {
    const v = SYNTH_VARIANTS[k]!;
    const fs = synthFunctionLines(v);
    const lines = [
        `# synthetic potential ${k}`,
        'number_of_elements 3',
        'elements O H C',
        `cutoff_type ${v.cutoff}`,
        ...(scalingLines ?? v.scaling),
        'global_hidden_layers_short 2',
        'global_nodes_short 5 4',
        `global_activation_short ${v.activations}`,
        ...(v.normalizeNodes ? ['normalize_nodes'] : []),
        ...(v.normalization ? ['mean_energy -1.25', 'conv_energy 3.5', 'conv_length 1.75'] : []),
        'atom_energy H -0.5',
        'atom_energy O -3.25',
        ...fs,
    ];
    const r = rng(100 + k);
    const weights = new Map<number, string>();
    for (const el of SYNTH_ELEMENTS) {
        const n = fs.filter((l) => l.split(' ')[1] === el).length;
        const sizes = [n, 5, 4, 1];
        const out: string[] = [];
        for (let l = 1; l < sizes.length; l++) {
            const nIn = sizes[l - 1]!;
            // unscaled G reach hundreds (weighted types): small first-layer weights keep tanh unsaturated
            const unscaled = l === 1 && !v.scaling.some((x) => x.startsWith('scale_symmetry_functions'));
            const width = (v.normalizeNodes ? 1.5 * Math.sqrt(nIn) : 1.5 / Math.sqrt(nIn)) * (unscaled ? 0.01 : 1);
            for (let j = 0; j < nIn * sizes[l]!; j++) out.push(((2 * r() - 1) * width).toExponential(16));
            for (let j = 0; j < sizes[l]!; j++) out.push((0.5 * (2 * r() - 1)).toExponential(16));
        }
        weights.set(SYNTH_Z[el]!, out.join('\n') + '\n');
    }
    return { inputNn: lines.join('\n') + '\n', weights };
}

/** scaling.data from per-element raw G (atoms × functions), statistics rounded to 4 digits. */
function synthScaling(g: ReadonlyArray<ReadonlyArray<readonly number[]>>): string {
    const round = (x: number) => Number(x.toPrecision(4));
    const lines = ['# synthetic statistics'];
    g.forEach((atoms, e) => {
        const n = atoms[0]?.length ?? 0;
        for (let s = 0; s < n; s++) {
            const v = atoms.map((a) => a[s]!);
            const lo = Math.min(...v);
            const hi = Math.max(...v);
            const mean = v.reduce((a, b) => a + b, 0) / v.length;
            const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
            const pad = 0.1 * (hi - lo) + 0.01 * Math.abs(mean) + 1e-3;
            lines.push(`${e + 1} ${s + 1} ${round(lo - pad)} ${round(hi + pad)} ${round(mean)} ${round(sd + pad)}`);
        }
    });
    return lines.join('\n') + '\n';
}

/** input.data text of the test structures (periodic triclinic cell; molecule), in file units. */
function synthStructure(periodic: boolean, bohr: boolean): string {
    const r = rng(periodic ? 7 : 8);
    const cell = [5.0, 0, 0, 1.0, 4.8, 0, -0.6, 0.7, 5.2];
    const pos: number[][] = [];
    const n = periodic ? 9 : 7;
    while (pos.length < n) {
        const f = [r(), r(), r()];
        const p = periodic ? [0, 1, 2].map((c) => f[0]! * cell[c]! + f[1]! * cell[3 + c]! + f[2]! * cell[6 + c]!) : f.map((x) => 3.5 * x);
        let ok = true;
        for (const q of pos) {
            for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let c = -1; c <= 1; c++) {
                if (!periodic && (a || b || c)) continue;
                const d = [0, 1, 2].map((k) => p[k]! - q[k]! - a * cell[k]! - b * cell[3 + k]! - c * cell[6 + k]!);
                if (Math.hypot(...d) < 1.0) ok = false;
            }
        }
        if (ok) pos.push(p);
    }
    const L = bohr ? SYNTH_BOHR : 1;
    const fmt = (x: number) => (x / L).toExponential(16);
    const lines = ['begin'];
    if (periodic) for (let a = 0; a < 3; a++) lines.push(`lattice ${fmt(cell[3 * a]!)} ${fmt(cell[3 * a + 1]!)} ${fmt(cell[3 * a + 2]!)}`);
    pos.forEach((p, i) => lines.push(`atom ${p.map(fmt).join(' ')} ${SYNTH_ELEMENTS[i % 3]} 0 0 0 0 0`));
    lines.push('energy 0', 'charge 0', 'end');
    return lines.join('\n') + '\n';
}

/** The complete potential k: settings, statistics from the raw G of both structures, weights. */
function synthPotential(k: number): { inputNn: string; scaling: string; weights: Map<number, string>; units: { length: number; energy: number } } {
    const v = SYNTH_VARIANTS[k]!;
    const units = v.bohr ? { length: SYNTH_BOHR, energy: SYNTH_HARTREE } : { length: 1, energy: 1 };
    const raw = synthSettings(k, []);
    const unscaled = parseN2p2Potential({ inputNn: raw.inputNn, weights: raw.weights }, 'synth', units);
    const g = SYNTH_ELEMENTS.map(() => [] as number[][]);
    for (const periodic of [true, false]) {
        const s = parseN2p2Data(synthStructure(periodic, v.bohr), 'synth.data', units)[0]!;
        const res = evaluateReference(unscaled.model, unscaled.parameters, s);
        const order = unscaled.model.elements.map((e) => e.symbol);
        s.symbols.forEach((sym, i) => g[order.indexOf(sym)]!.push(Array.from(res.G[i]!)));
    }
    const settings = synthSettings(k);
    return { ...settings, scaling: synthScaling(g), units };
}
// SYNTH-END

/**
 * n2p2's numbers for the synthetic potentials and structures above, in the potentials' units
 * (Ha and Ha/bohr for variant 3, else eV and eV/Å): total energy, nnatoms.out atomic energies,
 * forces. Made with n2p2 v2.3.0-108-g61daa0df's libnnp by a small C++ driver doing what
 * nnp-predict does (Prediction::setup, readStructureFromFile, predict; then Structure::energy,
 * Atom::energy, Atom::f) on the files the generator writes; the same driver reproduces
 * shared/data/n2p2/oracle/H2O_48.json (energy bit for bit, everything else to ≤ 1e-10).
 * Our evaluator agreed to ≤ 6e-16 (energies), ≤ 3e-14 (forces, relative to the largest).
 */
const SYNTH_EXPECTED: ReadonlyArray<{ k: number; periodic: boolean; energy: number; atomEnergies: number[]; forces: number[] }> = [
    { k: 0, periodic: true, energy: -12.956072469587152,
      atomEnergies: [0.0289397738073644, -0.011359887384658707, -0.6115386994566597, 0.015205477084278218, 0.003443456841014325, -0.6049844510071252, 0.02831480963082289, -0.007081735801086786, -0.547011213301101],
      forces: [-0.0018329023369470809, 0.0031572562218795588, -0.0024876633406303583, -0.02487498039221958, 0.003985870257033806, -0.01985269684965438, 0.003583990335475056, -0.004786916753925011, -0.005458758947049751, -0.010624566605067342, -0.0012622293166737535, 0.005048548894101662, -0.020071775266127974, 0.007700304164347363, 0.040813868429403474, 0.04337680117735724, -0.03910597616584552, 0.004713802463655703, 0.010738987668040125, -0.003997781024243853, -0.0024866193973428203, -0.005928630410763183, -0.000003408671940100903, 0.0006222462666642027, 0.005633075830252749, 0.034312881289367526, -0.020912727519147745] },
    { k: 0, periodic: false, energy: -9.228198498107494,
      atomEnergies: [-0.26519403771700134, 0.13342801289059558, -0.3597134242718227, -0.2534718124153088, 0.12546154274292956, -0.3552241895744939, -0.25348458976239213],
      forces: [-0.07010368434915501, 0.018724331488815367, -0.01444784946426863, 0.06620232940938436, 0.06658735640982905, -0.011923489066721974, 0.10234491394642367, -0.08883065108660682, 0.02177349291791183, -0.00866014420966368, -0.008032146498711607, 0.019222249373233923, 0.05162853795046922, 0.03775269873353098, -0.07034027099370896, -0.10164390733117924, -0.07248508109456406, -0.0022963108583464627, -0.039768045416279346, 0.04628349204770709, 0.05801217809190027] },
    { k: 1, periodic: true, energy: 0.19475141599755474,
      atomEnergies: [1.3732004288372708, 2.1282557727944105, 0.24391632555977383, 1.3953368468377825, 2.1161523396461774, 0.2927864873024809, 1.3915334072310617, 2.109545074212021, 0.3940247335765747],
      forces: [-0.044094515318414136, -0.006286165733320184, 0.011027930178978091, 0.08041779292081662, 0.0025961588072893928, -0.07022352665118572, 0.06289200071164376, 0.28964199972578286, 0.2128519346667497, 0.07571747405566465, 0.019723658542703377, -0.009716336123258023, 0.02942018402215276, -0.05870529265873635, -0.028134282529048475, -0.2422541429317529, 0.1571409255041515, -0.6955264784457894, -0.10049164703673383, 0.081624871876433, 0.07575029152846072, 0.07809507185773006, -0.029631401024812317, 0.036428605353189356, 0.06029778171889295, -0.45610475503949127, 0.46754186202190356] },
    { k: 1, periodic: false, energy: 0.8340727930899856,
      atomEnergies: [1.4133945640474481, 2.0986026447133024, 0.1843208115154245, 1.3920219625661585, 2.124778665517027, 0.21292153577847855, 1.4080326089521475],
      forces: [-0.004045486727098263, 0.03798421452939305, -0.02667154358780828, -0.009114852545932611, 0.08038710804830548, 0.04591326628039998, 0.09416562483759874, -0.06499144874443463, 0.02196076842475223, 0.10670009295738359, 0.051348474316353934, -0.09886573964224822, 0.031206440112308016, 0.04044941246274378, -0.05939558381279778, -0.23622386084861852, -0.16266773273546148, 0.12746385201149646, 0.017312042214359013, 0.01748997212309989, -0.01040501967379437] },
    { k: 2, periodic: true, energy: -12.26763047832301,
      atomEnergies: [0.0931679756127165, -0.521511374294048, 0.0890886343549937, 0.09329747566500685, -0.5214348942887638, 0.0890886343549937, 0.09299373841153463, -0.5214093024944365, 0.0890886343549937],
      forces: [0.0004897350565350897, -0.00011855604539283516, -0.0002752757145459362, -0.00013326735220602512, 0.0004012792223567726, 0.00019931189504663395, 0.0005288759002404903, -0.00018026243753612885, 0.00010251210760510268, -0.0003045780739460982, -0.00045675269670500634, 0.00008447920908308048, 0.00016943764576987487, 0.0007122715321750265, -0.000031267577643142565, 0.0003423541335219741, -0.00020461373284002095, 0.0002713000833462761, -0.0004740375773190025, 0.0001046228752915415, 0.0002147793249774013, -0.0006288811869782418, -0.0003854072363365823, -0.0006106019132896849, 0.000010361454381938858, 0.00012741851898723323, 0.000044762585420269054] },
    { k: 2, periodic: false, energy: -8.585960638253058,
      atomEnergies: [0.09270421005012885, -0.5214065075160973, 0.0890886343549937, 0.09326048901800918, -0.5214872011795962, 0.0890886343549937, 0.09279110266451066],
      forces: [-0.000607289653525591, 0.00033817380624869215, -0.00031175431111816695, 0.0007837444516635987, 0.00012345702513942217, 0.00004942929649571657, 0.00050169295679503, -0.0002049518797910893, 0.0006017646543846491, -0.00040841045313565465, -0.0006661017274916452, -0.0010682835055562815, 0.0003029801854161673, 0.0003427797622720156, -0.00021721796316510729, -0.00024750183260909377, -0.00036573603304689543, 0.000273129265640504, -0.0003252156546044565, 0.00043237904666950007, 0.000672932563318686] },
    { k: 3, periodic: true, energy: -22.527250558027575,
      atomEnergies: [0.28043691737916154, -0.15805634778332697, -0.12832366466049064, 0.2804793872303171, -0.1635980598276143, -0.12670154813222995, 0.2812043101812, -0.16595934976885549, -0.1267322026457366],
      forces: [-0.035147375455130636, 0.002107818465767184, -0.007209767619053939, 0.00922239058204962, -0.007842953503712656, -0.022211281313967525, -0.008325004270766326, 0.0013477956289926153, -0.00015695691619627245, 0.0070978126843882616, 0.023023269461420786, 0.009431764349595705, -0.011180420994521047, -0.015298382380916487, 0.010616638272830225, -0.00042787457833282387, 0.00007917642210414691, -0.0005194692360681425, 0.008333440308145748, -0.0013363543358030352, 0.00015631864878711267, 0.033946438754035926, -0.005121418616668366, 0.003618522401515188, -0.0035194070298687286, 0.003041048858815815, 0.006274231412557652] },
    { k: 3, periodic: false, energy: -16.489720669338332,
      atomEnergies: [0.28100913606100597, -0.16880461978137215, -0.12881685157003553, 0.28032149242454646, -0.1576927197677356, -0.12668495428802443, 0.2809478475832847],
      forces: [0.000025125980614286774, 0.000002666011482269253, 0.00003245098775514589, 0.005714041842698714, -0.04201678312095227, 0.004115351248475094, -0.021807670642596148, 0.036246506553478164, -0.024689464480325832, 0.013814553547972022, 0.008802391279238625, 0.02201436460709842, 0.0020496417640524446, -0.0026063475472037152, -0.0008747928227736555, -6.09632081078867e-8, -2.8688982724335792e-8, 5.6068908939336173e-8, 0.00020436847046679157, -0.00042840448706034574, -0.0005979656091381099] },
    { k: 4, periodic: true, energy: -18.03200887554803,
      atomEnergies: [-0.2104470244948049, -0.1822457688897174, -0.2599814345337894, -2.793893841189746, -1.4375966818436638, 0.9492542656138188, -2.5258472460366077, -0.6507650985910595, 0.32951395441754067],
      forces: [-11.588352568650546, 3.719779165509979, 0.7714497872447366, 2.377528144924372, -2.4086150986984003, -1.6829966357279937, 2.453643663623939, -0.8281032734897673, 1.6970130295063681, 3.9361236655610727, 0.11812700423906, -2.642944641150235, 0.8351098316754042, -3.2805431224123742, -0.1443006252372692, 2.310994770087658, -1.5617749235529559, 1.7902734679759744, -2.6217765305180096, 2.317866494903115, -1.7902247745713393, 2.0686979710778117, 2.214008484079996, 1.2174076625249237, 0.22803105221829978, -0.2907447305786518, 0.7843227294348335] },
    { k: 4, periodic: false, energy: -11.370879556814733,
      atomEnergies: [-0.43597533279597445, -1.1899715439204372, 0.6928601897273712, -2.024476724833636, -0.1689502906704592, -0.28224517419401485, 0.03787931987241755],
      forces: [-6.3010325202984365, 3.8897616474832586, -0.8406744543179553, 4.042800440560499, 1.0178849992049797, 0.4745051829598672, -5.231825382370558, 1.0452462035285963, -1.2320845064543862, 3.9642994483237457, -8.523572096382274, -2.195306234574863, 1.5326009647702616, 1.3745703431360785, -0.8976320432340505, 2.0423364184986514, 0.018593601503061108, 0.06676809416646406, -0.049179369484161406, 1.1775153015262998, 4.624423961454924] },
    { k: 5, periodic: true, energy: -12.685943889432831,
      atomEnergies: [0.04349263352605448, 0.17743306931934322, -0.6803287005220721, -0.05478044684305794, 0.14768943812383978, -0.5272733258572704, 0.04758485136085894, 0.14125077583815088, -0.7310121843786789],
      forces: [0.004633082693765081, 0.1179452467204755, -0.044800419055200894, -0.09837491480507282, -0.028635051245880297, 0.041272340899763234, 0.2490083459674915, -0.10207251863169294, 0.047080127994427, 0.16587504951126344, 0.0320399620723965, 0.046783873855993835, 0.01751473483959633, 0.038484815078150304, -0.013790084357323755, 0.3724535139256015, -0.5930319605814717, 0.5817197883478209, -0.5538627793477829, 0.1816810446658083, 0.057112739389198766, -0.16243937726840782, 0.01009741782359778, -0.2192303897235551, 0.005192344483545652, 0.3434910440986163, -0.49614797735112415] },
    { k: 5, periodic: false, energy: -8.755552150473491,
      atomEnergies: [-0.013807812709392464, 0.10824355542278519, -0.6610899550441487, 0.06900545622614473, 0.2048302369304456, -0.44877568838433435, -0.013957942914991472],
      forces: [0.09255332314242534, 0.09904597012086058, 0.010675042611218596, 0.044509944773399056, -0.13803137475368804, 0.04832524900772105, 0.1559906070431846, 0.13208496233831862, 0.067647502610182, 0.06770592846288748, 0.27970361121582415, -0.23611914305210172, -0.03725366947235104, -0.04607229128251953, 0.06327745568085597, -0.2994034288407746, -0.26100567358955934, 0.2780446416663095, -0.024102705108770904, -0.06572520404923646, -0.2318507485241854] },
    { k: 6, periodic: true, energy: -10.425602596122047,
      atomEnergies: [-0.2908353473905013, -0.539134002007055, 1.0429194954582748, -0.18226432517855717, -0.5626129003739027, 1.0306604553931462, -0.23743099849804317, -0.48672816674621583, 1.0498231932208064],
      forces: [0.16616890622387, -0.005322096805042739, -0.09013869763073296, -0.06434464519197586, 0.2621007377484837, -0.033487623544793205, -0.12669674264591732, -0.1368742154875395, 0.00732719910168677, 0.0996769923947977, -0.1539486640132425, 0.004099419039105033, -0.15116094852674844, 0.25743027174736566, -0.06751957227824867, 0.2550460380823903, -0.12273424359266231, 0.19973575161569843, 0.154616715378721, -0.21365940290654606, 0.15669112055728487, -0.18860396061803525, -0.16994355252371413, -0.0760425506656645, -0.14470235509710222, 0.2829511658328979, -0.10066504619433567] },
    { k: 6, periodic: false, energy: -7.8269538990149155,
      atomEnergies: [-0.30731760430833854, -0.5540782036895264, 1.1077955551200098, -0.2661784995014568, -0.550245082111846, 1.0267083144686824, -0.28363837899243993],
      forces: [-0.07434741008179582, -0.006929369039598864, 0.048538914277306416, 0.3103993501596323, 0.08698131442238072, -0.031179009867438247, 0.06998123480675844, 0.013109308086270215, 0.03436860351186082, -0.15077487766611614, -0.19446313276346677, -0.2257071693022068, 0.1178637516213677, 0.03580615245773286, -0.02040193556378377, -0.06508456201079804, -0.058323506154846966, 0.03312157698809563, -0.2080374868290485, 0.12381923299152883, 0.16125901995616593] },
    { k: 7, periodic: true, energy: -18.07719872910911,
      atomEnergies: [0.6108266599780157, 0.27938050201416903, 0.49121499193283596, 0.6186759998549546, 0.28544373216773217, 0.5996100937892456, 0.5532821239082855, 0.26444815176889075, 0.7199190154767614],
      forces: [0.11380804949306973, -0.00285975277375046, 0.2524493140742055, 0.09982899291966717, 0.12359210557201564, -0.12018677016477519, -0.7895492164174684, -0.3461222383417697, -0.3948461718005485, -0.009484727303827503, -0.13380396412095313, 0.12217907179689783, -0.06520459241092552, 0.21952428128728171, 0.12036201002547826, 0.3927891019024253, 0.16026191922600316, 1.1491195250362116, 0.7238230148472846, -0.26773796264898453, -0.13298382203124562, 0.04729845360674244, -0.10534341765489015, -0.11074206290271332, -0.5133090766369677, 0.3524890294550477, -0.8853510940335103] },
    { k: 7, periodic: false, energy: -13.355872241611696,
      atomEnergies: [0.39369228412805135, 0.2737243179636952, 0.5580192089305436, 0.4807784365821928, 0.2765181832660809, 0.7668769104330179, 0.6445184170847231],
      forces: [0.689117434036838, -0.37119361240210963, 0.18243563021072176, -0.3992877962640643, -0.19134062869413954, 0.017547044629950555, -0.5370838893087309, 0.32371404059610476, -0.09459242356354836, -0.314060555825102, 0.5879344696871064, 0.7264248421382125, -0.1620014699873729, -0.1313313554554482, 0.11074087057019477, 0.4798621266399905, 0.30660101922550514, -0.25825703237595604, 0.2434541507084416, -0.5243839329570189, -0.684298931609575] },
    { k: 8, periodic: true, energy: -9.241482582935923,
      atomEnergies: [1.090100706700596, -0.2303486632001559, -0.21067774433448155, 1.1168914051959384, -0.2201386910608008, -0.21680305286764034, 1.1632867236176831, -0.2648960269656452, -0.21889724002141675],
      forces: [-0.03324517896424166, -0.05806386756058305, -0.07347925579532413, 0.005347950889698381, 0.04789533879754936, 0.07506878685150349, 0.004168264975117115, 0.026197564705260558, 0.006658009544186012, -0.025842825173771743, -0.06311728871554392, -0.08695487123827042, 0.015393406949360398, 0.08525566229363687, -0.06191210144480933, 0.033816116273051096, -0.043644694299584404, 0.00924504628158755, 0.03235947290241073, 0.058587172682784724, 0.08295327220436288, -0.018462790618254437, -0.04970974482654657, 0.025691686171258964, -0.01353441723336994, -0.003400143076973585, 0.022729427425504895] },
    { k: 8, periodic: false, energy: -5.536321474225505,
      atomEnergies: [1.114778885845737, -0.19549992148207768, -0.22529921657190843, 1.13485398724562, -0.2510616183857045, -0.22754229304013696, 1.1134487021629655],
      forces: [-0.02360968385933109, 0.06038949817410125, -0.010320781886126234, -0.04973455899317995, 0.031066940044977027, 0.02244033415533054, 0.1592826001538334, -0.05940297689154767, 0.004858871514346587, -0.00040662409836141576, -0.05572269608010282, -0.10157677192031686, 0.05652052398334324, 0.01243728509808488, -0.03401461830957741, -0.11344873544704143, -0.12562716233927496, 0.029202159468370424, -0.028603521739262817, 0.13685911199376233, 0.08941080697797293] },
    { k: 9, periodic: true, energy: -6.362962905132585,
      atomEnergies: [-0.28833983761578297, 0.7817707277196027, 1.4143129004596937, -0.2733897401382357, 0.7292671897114525, 0.8004813553259014, -0.38676531369987177, 0.7188381608894514, 1.390861652215203],
      forces: [0.16488350089292014, 0.49215606891528385, 0.0772751417669336, 0.7474969045860436, 0.30925340560118075, -0.5020593678866112, -0.6437634544412725, -1.7105703026548549, -0.3645108864421034, 0.05204707308622817, -0.011370912059934554, 0.1603173092941464, -0.4794403151683496, 0.2615101809446603, -0.09136781873716801, 0.18349951339732667, -0.34317720366659843, 0.5319255372538485, -0.6516830942811568, -0.42713361520218074, -0.35169703781063666, 0.22198615200065844, -0.4987712874419663, -0.4624742947079401, 0.40497371992760217, 1.92810366556441, 1.002591417269531] },
    { k: 9, periodic: false, energy: -5.578304720957428,
      atomEnergies: [-0.3452680071900044, 0.7484743433303471, 1.2419524602329752, -0.2529674328902407, 0.3693296177229224, 0.9805728031702515, -0.3203985053336794],
      forces: [0.04502990749084138, -0.010223803534629036, -0.11831027759600907, -0.13868706463777997, 0.7206488326148686, 0.1270646879557147, 0.942102911179473, -0.396749239826552, 0.5323441895695529, -0.5388787613224069, 0.04245360747705603, -0.7931846857507011, -0.23316904301863733, -0.4256145735891169, 0.17275810467745878, 0.15923964583948885, 0.32662519762703046, 0.08666850531642398, -0.23563759553097896, -0.2571400207686578, -0.007340524172440077] },
];

describe('reference evaluator vs n2p2 on synthetic potentials (every type, cutoff, scaling mode, activation)', () => {
    it('covers every symmetry-function type, cutoff type, scaling mode and activation', () => {
        const types = new Set<number>();
        const cutoffs = new Set<string>();
        const modes = new Set<string>();
        const activations = new Set<string>();
        SYNTH_VARIANTS.forEach((_, k) => {
            const s = synthPotential(k);
            const p = parseN2p2Potential(s, 'x', s.units).model;
            p.descriptors.forEach((d) => d.functions.forEach((f) => {
                types.add(f.n2p2Type);
                if (f.cutoff) cutoffs.add(f.cutoff.kind);
            }));
            modes.add(p.scaling.mode);
            p.networks[0]!.layers.forEach((l) => activations.add(l.activation));
        });
        expect([...types].sort((a, b) => a - b)).toEqual([2, 3, 9, 12, 13, 20, 21, 22, 23, 24, 25]);
        expect(cutoffs.size).toBe(9);
        expect(modes.size).toBe(5);
        expect(activations.size).toBe(10);
    });

    for (const x of SYNTH_EXPECTED) {
        const v = SYNTH_VARIANTS[x.k]!;
        const name = `variant ${x.k} (cutoff_type ${v.cutoff}, ${v.scaling.filter((l) => !l.startsWith('scale_m')).join('+') || 'no scaling'}, ${v.activations}${v.normalizeNodes ? ', normalize_nodes' : ''}${v.normalization ? ', normalisation' : ''}${v.bohr ? ', bohr/Ha' : ''}${v.compact ? ', compact functions' : ''}) on a ${x.periodic ? 'small triclinic cell' : 'molecule'}`;
        it(name, () => {
            const p = synthPotential(x.k);
            const pot = parseN2p2Potential(p, 'synth', p.units);
            const s = parseN2p2Data(synthStructure(x.periodic, v.bohr), 'synth.data', p.units)[0]!;
            const r = evaluateReference(pot.model, pot.parameters, s);
            const E = p.units.energy;
            const F = p.units.energy / p.units.length;
            expect(Math.abs(r.energy / E - x.energy) / Math.abs(x.energy), 'energy').toBeLessThan(TOL);
            expect(normRel(Array.from(r.atomEnergies, (e) => e / E), x.atomEnergies), 'atomic energies').toBeLessThan(TOL);
            expect(normRel(Array.from(r.forces, (f) => f / F), x.forces), 'forces').toBeLessThan(TOL);
        });
    }
});
