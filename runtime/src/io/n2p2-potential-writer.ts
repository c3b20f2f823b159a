// Writes a model and its parameters as an n2p2 potential: input.nn, scaling.data and
// weights.ZZZ.data (N2P2-FORMAT.md §5), in the length/energy units the user chooses (n2p2 files
// carry none). This is how a model reaches LAMMPS' pair_style hdnnp. Numbers are written with
// 17 significant digits so that reading them back gives the same doubles.
import { join } from 'node:path';
import type { ModelIR, SymmetryFunctionIR } from '../../../compiler/src/ir/model-ir.js';
import { elementOffsets, resolvedNormalization, type ModelParameters } from '../model/parameters.js';
import { writeFileAtomic } from './atomic-write.js';

export interface N2p2Units {
    /** Å per file length unit, eV per file energy unit. */
    readonly length: number;
    readonly energy: number;
}

/** n2p2 activation codes (NeuralNetwork.cpp::activationFromString). */
export const ACTIVATION_CODE: Readonly<Record<string, string>> = {
    linear: 'l', tanh: 't', logistic: 's', softplus: 'p', relu: 'r', gaussian: 'g', cos: 'c', reverse_logistic: 'S', exp: 'e', harmonic: 'h',
};

const SCALING_KEYWORDS: Readonly<Record<string, string[]>> = {
    none: [],
    scale: ['scale_symmetry_functions'],
    center: ['center_symmetry_functions'],
    scale_center: ['scale_symmetry_functions', 'center_symmetry_functions'],
    sigma: ['scale_symmetry_functions_sigma'],
};

export class N2p2ExportError extends Error {}

const num = (x: number) => x.toExponential(16).toUpperCase().replace(/E([+-])(\d)$/, 'E$10$2');
const deg = (rad: number) => (rad * 180) / Math.PI;

export function n2p2Files(model: ModelIR, params: ModelParameters, units: N2p2Units): Map<string, string> {
    const L = units.length;
    const E = units.energy;
    const cutoffs = new Set(model.descriptors.flatMap((d) => d.functions.flatMap((f) => (f.cutoff ? [`${f.cutoff.n2p2Type} ${f.cutoff.inner}`] : []))));
    if (cutoffs.size > 1) throw new N2p2ExportError(`n2p2 has one cutoff type for all functions; model '${model.name}' uses ${cutoffs.size} (${[...cutoffs].join('; ')})`);
    const archs = new Set(model.networks.map((n) => JSON.stringify(n.layers)));
    if (archs.size > 1) throw new N2p2ExportError(`n2p2 potentials share one network architecture (global_nodes_short); model '${model.name}' has ${archs.size} different ones`);
    if (model.networks.some((n) => n.normalizeNodes !== model.networks[0]!.normalizeNodes)) throw new N2p2ExportError('normalize_nodes must be the same for every element in n2p2');
    const net = model.networks[0]!;
    const hidden = net.layers.slice(0, -1);
    const lines: string[] = [
        `# n2p2 potential written by nnp from model '${model.name}'`,
        `# units: length = ${L} A, energy = ${E} eV`,
        `number_of_elements ${model.elements.length}`,
        `elements ${model.elements.map((e) => e.symbol).join(' ')}`,
    ];
    const [cutoffType, alpha] = (cutoffs.values().next().value ?? '0 0').split(' ');
    lines.push(`cutoff_type ${cutoffType} ${alpha}`);
    for (const k of SCALING_KEYWORDS[model.scaling.mode]!) lines.push(k);
    if (model.scaling.mode !== 'none' && model.scaling.mode !== 'center') {
        lines.push(`scale_min_short ${model.scaling.min}`, `scale_max_short ${model.scaling.max}`);
    }
    lines.push(`global_hidden_layers_short ${hidden.length}`);
    if (hidden.length > 0) lines.push(`global_nodes_short ${hidden.map((l) => l.size).join(' ')}`);
    lines.push(`global_activation_short ${net.layers.map((l) => ACTIVATION_CODE[l.activation]).join(' ')}`);
    if (net.normalizeNodes) lines.push('normalize_nodes');
    const norm = resolvedNormalization(model, params);
    if (norm) {
        lines.push(`mean_energy ${num(norm.meanEnergy / E)}`, `conv_energy ${num(norm.convEnergy * E)}`, `conv_length ${num(norm.convLength * L)}`);
    }
    for (const [symbol, offset] of elementOffsets(model, params)) if (offset !== 0) lines.push(`atom_energy ${symbol} ${num(offset / E)}`);
    for (const d of model.descriptors) for (const f of d.functions) lines.push(`symfunction_short ${d.element} ${symfunctionArgs(f, L)}`);
    const files = new Map<string, string>([['input.nn', `${lines.join('\n')}\n`]]);

    const scaling: string[] = ['# e_index sf_index G_min G_max G_mean G_sigma (written by nnp)'];
    model.descriptors.forEach((d, e) => {
        const st = params.scaling.find((s) => s.element === d.element);
        d.functions.forEach((_, s) => {
            const v = st ? [st.min[s]!, st.max[s]!, st.mean[s]!, st.sigma[s]!] : [0, 1, 0, 1];
            scaling.push(`${String(e + 1).padStart(10)} ${String(s + 1).padStart(10)} ${v.map((x) => num(x).padStart(24)).join(' ')}`);
        });
    });
    files.set('scaling.data', `${scaling.join('\n')}\n`);

    for (const e of model.elements) {
        const p = params.networks.find((n) => n.element === e.symbol);
        const ir = model.networks.find((n) => n.element === e.symbol);
        if (!p || !ir) throw new N2p2ExportError(`no network for element ${e.symbol}`);
        const w: string[] = [`# weights of the ${e.symbol} network (written by nnp): value  a|b  index  l_start n_start l_end n_end`];
        let index = 0;
        let inputs = ir.inputs;
        p.layers.forEach((layer, l) => {
            const out = ir.layers[l]!.size;
            // source-neuron-major: for each input j, for each output k: w_kj (our W is row-major (out, in))
            for (let j = 0; j < inputs; j++) {
                for (let k = 0; k < out; k++) w.push(`${num(layer.weights[k * inputs + j]!).padStart(24)} a ${String(++index).padStart(9)} ${l} ${j + 1} ${l + 1} ${k + 1}`);
            }
            for (let k = 0; k < out; k++) w.push(`${num(layer.biases[k]!).padStart(24)} b ${String(++index).padStart(9)} ${l + 1} ${k + 1}`);
            inputs = out;
        });
        files.set(`weights.${String(e.z).padStart(3, '0')}.data`, `${w.join('\n')}\n`);
    }
    return files;
}

/** Parameters of one symfunction_short line after `<element> `, in file units (angles in degrees). */
function symfunctionArgs(f: SymmetryFunctionIR, L: number): string {
    const len = (x: number) => num(x / L);
    const eta = () => num((f.eta ?? 0) * L * L);
    const rc = () => len(f.cutoff!.radius);
    const nb = f.neighbors.join(' ');
    switch (f.n2p2Type) {
        case 2: return `2 ${nb} ${eta()} ${len(f.rshift ?? 0)} ${rc()}`;
        case 3: case 9: return `${f.n2p2Type} ${nb} ${eta()} ${num(f.lambda!)} ${num(f.zeta!)} ${rc()} ${len(f.rshift ?? 0)}`;
        case 12: return `12 ${eta()} ${len(f.rshift ?? 0)} ${rc()}`;
        case 13: return `13 ${eta()} ${len(f.rshift ?? 0)} ${num(f.lambda!)} ${num(f.zeta!)} ${rc()}`;
        case 20: return `20 ${nb} ${len(f.low!)} ${len(f.high!)} ${f.subtype}`;
        case 21: case 22: return `${f.n2p2Type} ${nb} ${len(f.low!)} ${len(f.high!)} ${num(deg(f.angleLow!))} ${num(deg(f.angleHigh!))} ${f.subtype}`;
        case 23: return `23 ${len(f.low!)} ${len(f.high!)} ${f.subtype}`;
        default: return `${f.n2p2Type} ${len(f.low!)} ${len(f.high!)} ${num(deg(f.angleLow!))} ${num(deg(f.angleHigh!))} ${f.subtype}`;
    }
}

/**
 * A complete LAMMPS input for the exported potential (pair_style hdnnp of n2p2's LAMMPS interface):
 * metal units (Å, eV, ps), cflength/cfenergy converting them to the file units, the cutoff, and the
 * elements in atom-type order (ascending atomic number; `nnp convert … .lmp --elements` numbers the
 * types the same way, also for a structure that lacks one of them).
 */
export function lammpsInput(model: ModelIR, units: N2p2Units): string {
    const elements = model.elements.map((e) => e.symbol).join(' ');
    return [
        `# LAMMPS input for model '${model.name}' exported by nnp (n2p2 format in this folder)`,
        '# atom types: ' + model.elements.map((e, i) => `${i + 1} = ${e.symbol}`).join(', '),
        'units           metal',
        'boundary        p p p',
        'atom_style      atomic',
        `read_data       structure.lmp        # e.g. from: nnp convert structure.xyz structure.lmp --elements ${model.elements.map((e) => e.symbol).join(',')}`,
        '',
        `pair_style      hdnnp ${model.maxCutoff} dir ./ showew no showewsum 100 resetew yes maxew 1000 cflength ${1 / units.length} cfenergy ${1 / units.energy}`,
        `pair_coeff      * * ${elements}`,
        '',
        'timestep        0.0005                # ps',
        'velocity        all create 300.0 12345 mom yes rot yes',
        'fix             md all nve',
        'thermo          10',
        'run             100',
        '',
    ].join('\n');
}

export function writeN2p2Potential(dir: string, model: ModelIR, params: ModelParameters, units: N2p2Units): string[] {
    const files = n2p2Files(model, params, units);
    files.set('in.lammps', lammpsInput(model, units));
    for (const [name, text] of files) writeFileAtomic(join(dir, name), text);
    return [...files.keys()];
}
