// The weights file (`*.weights.json`): a model's fitted numbers — network weights and biases,
// scaling statistics, fitted normalisation — next to the spec that defines its architecture.
// JSON keeps every double exactly (shortest round-trip representation).
import { readFileSync } from 'node:fs';
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { ModelParameters } from './parameters.js';

const FORMAT = 'nnp-weights';
const VERSION = 1;

export function serializeWeights(p: ModelParameters): string {
    const json = {
        format: FORMAT,
        version: VERSION,
        model: p.model,
        networks: p.networks.map((n) => ({ element: n.element, layers: n.layers.map((l) => ({ weights: [...l.weights], biases: [...l.biases] })) })),
        scaling: p.scaling.map((s) => ({ element: s.element, min: [...s.min], max: [...s.max], mean: [...s.mean], sigma: [...s.sigma] })),
        ...(p.normalization ? { normalization: p.normalization } : {}),
        ...(p.offsets ? { offsets: p.offsets } : {}),
    };
    return `${JSON.stringify(json)}\n`;
}

export function writeWeights(path: string, p: ModelParameters): void {
    writeFileAtomic(path, serializeWeights(p));
}

export class WeightsFileError extends Error {}

/** Reads a weights file and checks every shape against the model's architecture. */
export function readWeights(path: string, model: ModelIR): ModelParameters {
    let json: unknown;
    try {
        json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
        throw new WeightsFileError(`${path}: cannot read weights (${(e as Error).message})`);
    }
    return parseWeights(json, model, path);
}

export function parseWeights(json: unknown, model: ModelIR, path = 'weights'): ModelParameters {
    const fail = (what: string): never => {
        throw new WeightsFileError(`${path}: ${what}`);
    };
    const o = json as Record<string, unknown>;
    if (!o || o['format'] !== FORMAT) fail(`not an nnp weights file (expected "format": "${FORMAT}")`);
    if (o['version'] !== VERSION) fail(`unsupported version ${String(o['version'])} (expected ${VERSION})`);
    const numbers = (x: unknown, n: number, what: string): Float64Array => {
        if (!Array.isArray(x) || x.length !== n || !x.every((v) => typeof v === 'number' && Number.isFinite(v))) {
            fail(`${what}: expected ${n} finite numbers, found ${Array.isArray(x) ? `${x.length} values` : typeof x}`);
        }
        return Float64Array.from(x as number[]);
    };
    const networks = model.networks.map((net) => {
        const entry = (o['networks'] as Array<Record<string, unknown>> | undefined)?.find((e) => e['element'] === net.element);
        if (!entry) return fail(`no network for element ${net.element}`);
        const layers = entry['layers'] as Array<Record<string, unknown>> | undefined;
        if (!Array.isArray(layers) || layers.length !== net.layers.length) fail(`network ${net.element}: expected ${net.layers.length} layers`);
        let inputs = net.inputs;
        return {
            element: net.element,
            layers: net.layers.map((layer, l) => {
                const w = numbers(layers![l]!['weights'], layer.size * inputs, `network ${net.element} layer ${l + 1} weights (${layer.size}×${inputs})`);
                const b = numbers(layers![l]!['biases'], layer.size, `network ${net.element} layer ${l + 1} biases`);
                inputs = layer.size;
                return { weights: w, biases: b };
            }),
        };
    });
    const scaling = model.descriptors.map((d) => {
        const k = d.functions.length;
        const entry = (o['scaling'] as Array<Record<string, unknown>> | undefined)?.find((e) => e['element'] === d.element);
        if (!entry) {
            if (model.scaling.mode === 'none') {
                return { element: d.element, min: new Float64Array(k), max: new Float64Array(k).fill(1), mean: new Float64Array(k), sigma: new Float64Array(k).fill(1) };
            }
            return fail(`no scaling statistics for element ${d.element}`);
        }
        const stat = (key: string) => numbers(entry[key], k, `scaling ${d.element} ${key}`);
        return { element: d.element, min: stat('min'), max: stat('max'), mean: stat('mean'), sigma: stat('sigma') };
    });
    const norm = o['normalization'] as Record<string, number> | undefined;
    const normalization = norm ? { meanEnergy: norm['meanEnergy']!, convEnergy: norm['convEnergy']!, convLength: norm['convLength']! } : undefined;
    if (model.normalization.kind === 'auto' && !normalization) fail('the model says `normalization auto` but the file has no fitted normalization');
    const rawOffsets = o['offsets'] as Record<string, unknown> | undefined;
    let offsets: Record<string, number> | undefined;
    if (rawOffsets !== undefined) {
        offsets = {};
        for (const e of model.elements) {
            const v = rawOffsets[e.symbol] ?? 0;
            if (typeof v !== 'number' || !Number.isFinite(v)) fail(`offsets ${e.symbol}: expected a finite number`);
            offsets[e.symbol] = v as number;
        }
    }
    return { model: model.name, networks, scaling, ...(normalization ? { normalization } : {}), ...(offsets ? { offsets } : {}) };
}
