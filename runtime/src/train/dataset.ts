// The structures a training run learns from: every dataset of the train block read (files) or
// sampled (reference potentials), checked, and split into train / validation / test by seed.
// Units: Å, eV, eV/Å (readers convert; `units bohr Ha` on a data file gives its units).
import { resolve } from 'node:path';
import type { DatasetIR, ModelIR, SpecIR } from '../../../compiler/src/ir/model-ir.js';
import { UNITS } from '../../../language/src/units.js';
import { sample } from '../data/sample.js';
import type { NonFiniteValueError } from '../io/data-file-error.js';
import { readStructures, type StructureFormat } from '../io/read-structures.js';
import { permutation, uniforms } from '../math/random.js';
import type { Structure } from '../structure.js';

export type SplitName = 'train' | 'validation' | 'test';

export interface LabelledStructure {
    readonly structure: Structure;
    /** Where it came from, for messages and reports: `file:line` or `dataset/sample #k`. */
    readonly id: string;
    readonly dataset: string;
    /** The structure's group for per-group errors (extended XYZ `config_type`), or the dataset name. */
    readonly group: string;
}

export interface TrainingData {
    readonly train: readonly LabelledStructure[];
    readonly validation: readonly LabelledStructure[];
    readonly test: readonly LabelledStructure[];
    /** Structures left out under `skip invalid`, with the reason for each. */
    readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

/** A problem with the training data, settings or checkpoint that the user can fix (reported in one line). */
export class TrainingError extends Error {
    override readonly name = 'TrainingError';
}

export interface LoadOptions {
    /** Folder that relative paths in the spec are relative to. */
    readonly baseDir: string;
    /** Whether the loss has a force term (then every structure needs finite forces). */
    readonly needForces: boolean;
}

/** Reads, checks and splits the named datasets of `spec` for `model`. */
export function loadTrainingData(spec: SpecIR, datasets: readonly string[], model: ModelIR, options: LoadOptions): TrainingData {
    const train: LabelledStructure[] = [];
    const validation: LabelledStructure[] = [];
    const test: LabelledStructure[] = [];
    const skipped: { id: string; reason: string }[] = [];
    const elements = new Set(model.elements.map((e) => e.symbol));
    for (const name of datasets) {
        const ds = spec.datasets.find((d) => d.name === name);
        if (!ds) throw new TrainingError(`no dataset named '${name}'`);
        const kept: LabelledStructure[] = [];
        for (const item of readDataset(ds, spec, options.baseDir, skipped)) {
            const problem = invalidReason(item.structure, elements, options.needForces);
            if (!problem) kept.push(item);
            else if (ds.skipInvalid) skipped.push({ id: item.id, reason: problem });
            else throw new TrainingError(`${item.id}: ${problem} (add 'skip invalid' to dataset '${ds.name}' to leave such structures out)`);
        }
        const parts = splitIndices(kept.length, ds.split);
        for (const i of parts.train) train.push(kept[i]!);
        for (const i of parts.validation) validation.push(kept[i]!);
        for (const i of parts.test) test.push(kept[i]!);
    }
    if (train.length === 0) throw new TrainingError(`the datasets ${datasets.join(', ')} give no training structures`);
    return { train, validation, test, skipped };
}

/** The dataset's structures; with `skip invalid`, those with NaN/inf values go to `unreadable`. */
function readDataset(ds: DatasetIR, spec: SpecIR, baseDir: string, unreadable: { id: string; reason: string }[]): LabelledStructure[] {
    const out: LabelledStructure[] = [];
    let sampleIndex = 0;
    for (const source of ds.sources) {
        if (source.type === 'DataFile') {
            const path = resolve(baseDir, source['path'] as string);
            const units = {
                length: unitFactor(source['lengthUnit'] as string | undefined),
                energy: unitFactor(source['energyUnit'] as string | undefined),
            };
            const format = source['format'] as StructureFormat | undefined;
            const onNonFinite = (e: NonFiniteValueError) => unreadable.push({ id: `${source['path'] as string}:${e.line}`, reason: `expected ${e.expected}, found ${e.found}` });
            const structures = readStructures(path, { ...(format ? { format } : {}), ...(source['lengthUnit'] ? { units } : {}), ...(ds.skipInvalid ? { onNonFinite } : {}) });
            structures.forEach((s, k) => {
                const where = s.source ? `${source['path'] as string}:${s.source.line}` : `${source['path'] as string} #${k + 1}`;
                out.push({ structure: s, id: `${where} (structure ${k + 1})`, dataset: ds.name, group: groupOf(s, ds.name) });
            });
        } else if (source.type === 'Sample') {
            const potential = spec.potentials.find((p) => p.name === source['potential']);
            if (!potential) throw new TrainingError(`dataset '${ds.name}': no potential named '${String(source['potential'])}'`);
            sampleIndex++;
            const frames = sample(source, potential, { readFile: (p) => readStructures(resolve(baseDir, p)) });
            frames.forEach((s, k) => out.push({ structure: s, id: `dataset ${ds.name}, sample ${sampleIndex}, frame ${k + 1}`, dataset: ds.name, group: groupOf(s, ds.name) }));
        }
    }
    return out;
}

function unitFactor(name: string | undefined): number {
    if (name === undefined) return 1;
    const u = UNITS.get(name);
    if (!u) throw new TrainingError(`unknown unit '${name}'`);
    return u.factor;
}

function groupOf(s: Structure, fallback: string): string {
    const g = s.info['config_type'];
    return typeof g === 'string' && g.length > 0 ? g : fallback;
}

/** Why a structure cannot be trained on, or undefined when it can. */
export function invalidReason(s: Structure, elements: ReadonlySet<string>, needForces: boolean): string | undefined {
    const unknown = [...new Set(s.symbols.filter((x) => !elements.has(x)))];
    if (unknown.length > 0) return `element${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not in the model (${[...elements].join(', ')})`;
    if (s.symbols.length === 0) return 'no atoms';
    if (s.energy === undefined) return 'no reference energy';
    if (!Number.isFinite(s.energy)) return `the reference energy is ${s.energy}`;
    const bad = s.positions.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) return `atom ${Math.floor(bad / 3) + 1} has a non-finite position`;
    if (needForces) {
        if (!s.forces) return 'no reference forces (the loss has a force term)';
        const f = s.forces.findIndex((x) => !Number.isFinite(x));
        if (f >= 0) return `atom ${Math.floor(f / 3) + 1} has a non-finite reference force`;
    }
    return undefined;
}

/**
 * Indices 0..n−1 shuffled by the split seed, then cut: the first ⌊train·n⌉ for training, the next
 * ⌊validation·n⌉ for validation (at least one when the fraction is positive and n ≥ 2), the rest for test.
 */
export function splitIndices(n: number, split: DatasetIR['split']): Record<SplitName, number[]> {
    const order = permutation(n, uniforms(split.seed * 2654435761 + 17));
    let nTrain = Math.round(split.train * n);
    let nValidation = Math.round(split.validation * n);
    if (split.validation > 0 && nValidation === 0 && n >= 2) nValidation = 1;
    if (nTrain + nValidation > n) nTrain = n - nValidation;
    if (split.test === 0) nValidation = n - nTrain;
    return { train: order.slice(0, nTrain), validation: order.slice(nTrain, nTrain + nValidation), test: order.slice(nTrain + nValidation) };
}
