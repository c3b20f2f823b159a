// lowerSpec: a checked spec (plus the files it imports) → SpecIR, with defaults filled in.
import { isAstNode, isReference, type AstNode } from 'langium';
import type {
    AnalyticPotential, Dataset, Model, Optimizer, Potential, Run, Spec, Split, Training,
} from '../../../language/src/generated/ast.js';
import { lowerConstitutive, lowerMaterial } from './lower-constitutive.js';
import { expectedDimension, toInternal } from '../../../language/src/quantities.js';
import { IR_VERSION, type AnalyticTermIR, type DatasetIR, type PlainIR, type PotentialIR, type RunIR, type SpecIR, type TrainingIR } from '../ir/model-ir.js';
import { lowerModel, stripUndefined } from './lower-model.js';
import { lowerTwoState } from './lower-two-state.js';

/** Stillinger & Weber, Phys. Rev. B 31, 5262 (1985): silicon. */
export const STILLINGER_WEBER_SI: Readonly<Record<string, number>> = {
    epsilon: 2.1683, sigma: 2.0951, a: 1.8, lambda: 21.0, gamma: 1.2,
    A_pair: 7.049556277, B_pair: 0.6022245584, p: 4, q: 0, costheta0: -1 / 3,
};

/** Lowers the given specs together (a spec and the files it imports): their items are merged. */
export function lowerSpec(specs: Spec | readonly Spec[]): SpecIR {
    const items = (Array.isArray(specs) ? specs : [specs as Spec]).flatMap((s) => s.items);
    return {
        format: 'nnp-ir',
        version: IR_VERSION,
        models: items.filter((i): i is Model => i.$type === 'Model').map(lowerModel),
        potentials: items.filter((i): i is Potential => i.$type === 'Potential').map(lowerPotential),
        datasets: items.filter((i): i is Dataset => i.$type === 'Dataset').map(lowerDataset),
        trainings: items.filter((i): i is Training => i.$type === 'Training').map(lowerTraining),
        runs: items.filter((i): i is Run => i.$type === 'Run').map(lowerRun),
        ...lowerConstitutiveItems(items),
        ...lowerTwoState(items),
    };
}

export function lowerPotential(p: Potential): PotentialIR {
    return { name: p.name, terms: flattenTerms(p, new Set()) };
}

function flattenTerms(p: Potential, seen: Set<Potential>): AnalyticTermIR[] {
    if (seen.has(p)) return [];
    seen.add(p);
    return p.terms.flatMap((t) => (t.$type === 'AnalyticPotential' ? [lowerAnalytic(t)] : t.ref.ref ? flattenTerms(t.ref.ref, seen) : []));
}

function lowerAnalytic(t: AnalyticPotential): AnalyticTermIR {
    const defaults: Record<string, Record<string, number>> = { stillinger_weber: STILLINGER_WEBER_SI, muller_brown: { scale: 1 } };
    const params: Record<string, number> = { ...defaults[t.kind] };
    for (const p of t.params) if (p.value) params[p.name] = toInternal(p.value);
    return { kind: t.kind, elements: [...t.elements], params: sortKeys(params), shift: t.params.some((p) => p.name === 'shift') };
}

function lowerDataset(d: Dataset): DatasetIR {
    const split = d.items.find((i): i is Split => i.$type === 'Split');
    return {
        name: d.name,
        sources: d.items.filter((i) => i.$type === 'DataFile' || i.$type === 'Sample').map(plain),
        split: lowerSplit(split),
        skipInvalid: d.items.some((i) => i.$type === 'SkipInvalid'),
    };
}

/** Fractions of the data; what is not given goes to validation, then to test. */
function lowerSplit(s: Split | undefined): DatasetIR['split'] {
    const seed = s?.seed ?? 0;
    if (!s) return { train: 0.9, validation: 0.1, test: 0, seed };
    const train = s.train?.value ?? 100 - (s.validation?.value ?? 0) - (s.test?.value ?? 0);
    const test = s.test?.value ?? (s.validation ? 100 - train - s.validation.value : 0);
    const validation = s.validation?.value ?? 100 - train - test;
    return { train: train / 100, validation: validation / 100, test: test / 100, seed };
}

function lowerTraining(t: Training): TrainingIR {
    const find = <T extends string>(type: T) => t.items.find((i) => i.$type === type) as (Extract<Training['items'][number], { $type: T }> | undefined);
    const loss = find('Loss');
    const optimizer = find('Optimizer');
    const allLinear = t.model.ref?.members.every((m) => m.$type !== 'NetworkSpec' || m.linear) ?? false;
    const checkpoint = find('Checkpoint');
    const committee = find('Committee');
    return stripUndefined({
        model: t.model.$refText,
        datasets: t.datasets.map((d) => d.$refText),
        loss: loss ? { energy: loss.energy ?? 0, forces: loss.forces ?? 0 } : { energy: 1, forces: 1 },
        optimizer: lowerOptimizer(optimizer, allLinear),
        schedule: find('Schedule') ? plain(find('Schedule')!) : { type: 'Schedule', kind: 'cosine' },
        epochs: find('Epochs')?.value ?? 300,
        batch: find('Batch')?.value ?? 8,
        seed: find('Seed')?.value ?? 0,
        init: find('Init')?.kind ?? 'xavier',
        initPerturb: find('Init')?.perturb,
        logGradient: find('LogGradient') ? true : undefined,
        earlyStop: find('EarlyStop')?.patience,
        checkpoint: checkpoint ? { path: checkpoint.path, every: checkpoint.every } : undefined,
        save: find('SaveWeights')?.path,
        committee: committee ? { size: committee.size, bootstrap: committee.bootstrap } : undefined,
    });
}

/**
 * Defaults: Adam (Kingma & Ba 2015 moments) with lr 5e-3 and a cosine decay over 300 epochs (tuned on the
 * water and Stillinger–Weber silicon benchmarks); a ridge fit for purely linear models.
 */
export function lowerOptimizer(o: Optimizer | undefined, allLinear: boolean): TrainingIR['optimizer'] {
    const kind = o?.kind ?? (allLinear ? 'ridge' : 'adam');
    const defaults: Record<string, Record<string, number>> = {
        adam: { lr: 5e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
        sgd: { lr: 1e-3, momentum: 0 },
        kalman: { epsilon: 1e-2, lambda: 0, q0: 0.01, qmin: 1e-6, qtau: 2.302, eta: 0.01, etamax: 1, etatau: 2.302 },
        ridge: { lambda: 1e-8 },
    };
    const options = { ...defaults[kind] };
    for (const opt of o?.options ?? []) options[opt.name] = opt.value;
    return { kind, options: sortKeys(options) };
}

/** `material` and `constitutive` statements, present in the IR only when the spec has them. */
function lowerConstitutiveItems(items: readonly Spec['items'][number][]): Pick<SpecIR, 'materials' | 'constitutive'> {
    const materials = items.flatMap((i) => (i.$type === 'Material' ? [lowerMaterial(i)] : []));
    const constitutive = items.flatMap((i) => (i.$type === 'ConstitutiveModel' ? [lowerConstitutive(i, lowerOptimizer)] : []));
    return { ...(materials.length ? { materials } : {}), ...(constitutive.length ? { constitutive } : {}) };
}

function lowerRun(r: Run): RunIR {
    const calc = r.calculator.ref;
    return {
        name: r.name ?? r.protocol,
        protocol: r.protocol,
        calculator: { kind: calc?.$type === 'Potential' ? 'potential' : calc?.$type === 'Material' ? 'material' : calc?.$type === 'ConstitutiveModel' ? 'constitutive' : 'model', name: r.calculator.$refText },
        items: r.items.map(plain),
    };
}

/**
 * A statement as plain data: its type and properties, quantities converted to internal units
 * (the dimension comes from the same table the validator uses), references as names.
 */
export function plain(node: AstNode): PlainIR {
    const out: Record<string, unknown> = { type: node.$type };
    for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('$')) continue;
        out[key] = plainValue(value);
    }
    return out as PlainIR;
}

function plainValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plainValue);
    if (isReference(value)) return value.$refText;
    if (isAstNode(value)) {
        if (value.$type === 'Quantity' || value.$type === 'Values') {
            return expectedDimension(value as never) ? toInternal(value as never) : (value as unknown as { value?: number; values?: number[] }).value ?? (value as unknown as { values: number[] }).values;
        }
        if (value.$type === 'Percent') return (value as unknown as { value: number }).value / 100;
        return plain(value);
    }
    return value;
}

function sortKeys<T>(o: Readonly<Record<string, T>>): Record<string, T> {
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}
