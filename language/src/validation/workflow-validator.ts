// Checks of datasets, training blocks and simulation protocols, and of the files they read.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AstUtils, type AstNode, type LangiumDocuments, type ValidationAcceptor } from 'langium';
import { resolveImport } from '../nnp-scope.js';
import type {
    DataFile, Dataset, ElementDecl, Import, Loss, Optimizer, OptimizerKind, OptimizerOptionName, Run, RunItem, Sample, Split, Training,
} from '../generated/ast.js';
import { elementBySymbol } from '../elements.js';
import { toInternal } from '../quantities.js';
import { sameDimension, UNITS } from '../units.js';
import { dataFileError } from './data-file-check.js';
import { IssueCodes } from './issue-codes.js';
import { reportDuplicates } from './model-validator.js';
import { potentialElements } from './potential-validator.js';

/** Absolute path of a file named in a spec, relative to the spec's folder. */
export function resolveSpecPath(node: AstNode, path: string): string | undefined {
    const uri = AstUtils.getDocument(node).uri;
    if (uri.scheme !== 'file') return undefined;
    return resolve(dirname(uri.fsPath), path);
}

function checkInputFile(node: AstNode, property: string, path: string, what: string, accept: ValidationAcceptor, index?: number, parse?: 'extxyz' | 'n2p2' | 'auto', allowNonFinite = false): void {
    const abs = resolveSpecPath(node, path);
    if (abs && !existsSync(abs)) {
        accept('warning', `${what} '${path}' does not exist (yet); it must exist when the spec runs.`, { node, property, index, code: IssueCodes.FileMissing });
        return;
    }
    if (abs && parse && (parse !== 'auto' || inferDataFormat(path))) {
        const error = dataFileError(abs, parse === 'auto' ? undefined : parse, allowNonFinite);
        // the reader names the file by its absolute path; the spec's own spelling is shorter and stable
        if (error) accept('error', `${what} '${path}' does not parse: ${error.split(abs).join(path)}`, { node, property, index, code: IssueCodes.DataFileInvalid });
    }
}

/** An import must name a file on disk or a document the workspace holds (e.g. unsaved in the editor). */
export function checkImport(imp: Import, accept: ValidationAcceptor, documents: LangiumDocuments): void {
    const target = resolveImport(AstUtils.getDocument(imp).uri, imp.path);
    if (documents.hasDocument(target)) return;
    if (target.scheme !== 'file' || !existsSync(target.fsPath)) {
        accept('error', `Imported file '${imp.path}' does not exist.`, { node: imp, property: 'path', code: IssueCodes.ImportMissing });
    }
}

/** File format from the extension: .xyz/.extxyz → extended XYZ, .data → n2p2 input.data. */
export function inferDataFormat(path: string): 'extxyz' | 'n2p2' | undefined {
    if (/\.(ext)?xyz$/i.test(path)) return 'extxyz';
    if (/(\.data|^input\.data)$/i.test(path)) return 'n2p2';
    return undefined;
}

export function checkDataFile(f: DataFile, accept: ValidationAcceptor): void {
    // a dataset that skips invalid structures accepts NaN/inf values (training counts what it skips)
    const skipsInvalid = f.$container.items.some((i) => i.$type === 'SkipInvalid');
    checkInputFile(f, 'path', f.path, 'Data file', accept, undefined, f.format ?? 'auto', skipsInvalid);
    if (!f.format && !inferDataFormat(f.path)) {
        accept('error', `Cannot tell the format of '${f.path}' from its name: add 'format extxyz' or 'format n2p2'.`, { node: f, property: 'path', code: IssueCodes.DataFormat });
    }
    for (const [property, dimension] of [['lengthUnit', 'length'], ['energyUnit', 'energy']] as const) {
        const name = f[property];
        if (name === undefined) continue;
        const unit = UNITS.get(name);
        if (!unit || !sameDimension(unit.dimension, { [dimension]: 1 })) {
            const known = [...UNITS].filter(([, u]) => sameDimension(u.dimension, { [dimension]: 1 })).map(([n]) => n);
            accept('error', `'${name}' is not a unit of ${dimension} (expected one of ${known.join(', ')}).`, { node: f, property, code: unit ? IssueCodes.WrongUnit : IssueCodes.UnknownUnit });
        }
    }
}

export function checkDataset(d: Dataset, accept: ValidationAcceptor): void {
    if (!d.items.some((i) => i.$type === 'DataFile' || i.$type === 'Sample')) {
        accept('error', `Dataset '${d.name}' has no structures: add 'from "file.extxyz"' or 'sample <potential> { ... }'.`, { node: d, property: 'name', code: IssueCodes.DatasetEmpty });
    }
    for (const type of ['Split', 'SkipInvalid'] as const) {
        for (const extra of d.items.filter((i) => i.$type === type).slice(1)) {
            accept('error', `Dataset '${d.name}' has more than one '${type === 'Split' ? 'split' : 'skip invalid'}'.`, { node: extra, code: IssueCodes.DuplicateSetting });
        }
    }
}

export function checkSplit(s: Split, accept: ValidationAcceptor): void {
    const parts = [s.train, s.validation, s.test].filter((p) => p !== undefined).map((p) => p!.value);
    const sum = parts.reduce((a, b) => a + b, 0);
    const allGiven = s.train && s.validation && s.test;
    if (sum > 100 + 1e-9 || (allGiven && Math.abs(sum - 100) > 1e-9)) {
        accept('error', `The split adds up to ${Number(sum.toFixed(6))}%, not 100%.`, { node: s, keyword: 'split', code: IssueCodes.SplitSum });
    }
}

export function checkSample(s: Sample, accept: ValidationAcceptor): void {
    if (!s.items.some((i) => i.$type === 'FileStructure' || i.$type === 'CrystalStructure')) {
        accept('error', "Sampling needs starting structures: add 'from \"file.extxyz\"' or 'crystal diamond Si a 5.431 A'.", { node: s, keyword: 'sample', code: IssueCodes.SampleIncomplete });
    }
    if (!s.items.some((i) => i.$type === 'SampleMd' || i.$type === 'SampleRattle' || i.$type === 'SampleStrain')) {
        accept('error', "Sampling needs a method: 'md <T> timestep <dt> frames <n> every <k>', 'rattle <amplitude> frames <n>' or 'strain <amount> frames <n>'.", { node: s, keyword: 'sample', code: IssueCodes.SampleIncomplete });
    }
    for (const item of s.items) {
        if (item.$type === 'SampleMd') {
            if (!(item.temperature.value > 0)) accept('error', 'The sampling temperature must be positive.', { node: item, property: 'temperature', code: IssueCodes.OutOfRange });
            if (!(item.timestep.value > 0)) accept('error', 'The timestep must be positive.', { node: item, property: 'timestep', code: IssueCodes.OutOfRange });
        }
        if (item.$type === 'SampleStrain' && !(item.amount > 0 && item.amount < 0.5)) {
            // ε is a small-strain spread: beyond ~0.5 a Gaussian draw can fold the cell (det(I + ε) ≤ 0)
            accept('error', `The strain spread must lie in (0, 0.5), got ${item.amount}.`, { node: item, property: 'amount', code: IssueCodes.OutOfRange });
        }
        if (item.$type === 'FileStructure') checkInputFile(item, 'path', item.path, 'Structure file', accept, undefined, 'auto');
    }
}

/** Options each optimiser understands. */
const OPTIMIZER_OPTIONS: Readonly<Record<OptimizerKind, readonly OptimizerOptionName[]>> = {
    adam: ['lr', 'beta1', 'beta2', 'epsilon'],
    sgd: ['lr', 'momentum'],
    kalman: ['epsilon', 'lambda', 'q0', 'qmin', 'qtau', 'eta', 'etamax', 'etatau'],
    ridge: ['lambda'],
};

export function checkOptimizer(o: Optimizer, accept: ValidationAcceptor): void {
    const allowed = OPTIMIZER_OPTIONS[o.kind];
    reportDuplicates(o.options, (x) => x.name, (x) => accept('error', `Option '${x.name}' is given twice.`, { node: x, property: 'name', code: IssueCodes.DuplicateSetting }));
    for (const opt of o.options) {
        if (!allowed.includes(opt.name)) {
            accept('error', `'${opt.name}' is not an option of the ${o.kind} optimizer (options: ${allowed.join(', ')}).`, { node: opt, property: 'name', code: IssueCodes.OptimizerOption });
        } else if (['lr', 'epsilon', 'eta', 'etamax', 'q0'].includes(opt.name) && !(opt.value > 0)) {
            accept('error', `'${opt.name}' must be positive, got ${opt.value}.`, { node: opt, property: 'value', code: IssueCodes.OutOfRange });
        } else if (['beta1', 'beta2'].includes(opt.name) && !(opt.value >= 0 && opt.value < 1)) {
            accept('error', `'${opt.name}' must lie in [0, 1), got ${opt.value}.`, { node: opt, property: 'value', code: IssueCodes.OutOfRange });
        } else if (opt.name === 'lambda' && !(opt.value >= 0)) {
            accept('error', `'lambda' must not be negative, got ${opt.value}.`, { node: opt, property: 'value', code: IssueCodes.OutOfRange });
        }
    }
}

export function checkLoss(l: Loss, accept: ValidationAcceptor): void {
    for (const p of ['energy', 'forces'] as const) {
        const w = l[p];
        if (w !== undefined && w < 0) accept('error', `A loss weight must not be negative, got ${w}.`, { node: l, property: p, code: IssueCodes.LossWeights });
    }
    if ((l.energy ?? 0) === 0 && (l.forces ?? 0) === 0) {
        accept('error', 'The loss needs a positive weight on energies or forces.', { node: l, keyword: 'loss', code: IssueCodes.LossWeights });
    }
}

export function checkTraining(t: Training, accept: ValidationAcceptor): void {
    const seen = new Set<string>();
    for (const item of t.items) {
        if (seen.has(item.$type)) accept('error', `'${item.$cstNode?.text.split(/\s/)[0]}' is given twice in this training block.`, { node: item, code: IssueCodes.DuplicateSetting });
        seen.add(item.$type);
    }
    const init = t.items.find((i) => i.$type === 'Init');
    if (init?.$type === 'Init' && init.perturb !== undefined) {
        if (init.kind !== 'zero') accept('error', `'perturb' applies to 'init zero' (a start at a critical point), not to ${init.kind}.`, { node: init, property: 'perturb', code: IssueCodes.OutOfRange });
        else if (!(init.perturb >= 0)) accept('error', `'perturb' must not be negative, got ${init.perturb}.`, { node: init, property: 'perturb', code: IssueCodes.OutOfRange });
    }
    const optimizer = t.items.find((i): i is Optimizer => i.$type === 'Optimizer');
    const model = t.model.ref;
    if (optimizer?.kind === 'ridge' && model) {
        const nonLinear = model.members.filter((m) => m.$type === 'NetworkSpec' && !m.linear);
        if (nonLinear.length > 0) {
            accept('error', `The closed-form ridge fit needs 'linear' networks; model '${model.name}' has hidden layers.`, { node: optimizer, property: 'kind', code: IssueCodes.OptimizerModel });
        }
    }
}

// ---------------------------------------------------------------- runs
type RunItemType = RunItem['$type'];
interface ProtocolRules {
    readonly required: ReadonlyArray<RunItemType | RunItemType[]>;
    readonly allowed: readonly RunItemType[];
}
const COMMON: readonly RunItemType[] = ['OutputDir', 'Seed'];
const SOURCE: RunItemType[] = ['FileStructure', 'CrystalStructure'];
/** What each protocol needs and accepts (a list in `required` = any one of them). */
export const PROTOCOL_RULES: Readonly<Record<Run['protocol'], ProtocolRules>> = {
    md: {
        required: [SOURCE, 'Ensemble', 'Timestep', 'Steps'],
        allowed: [...SOURCE, 'Ensemble', 'Timestep', 'Steps', 'Velocities', 'Dimension', 'OutputFile', 'Guard', 'Vdos', 'Compare'],
    },
    optimize: { required: [SOURCE], allowed: [...SOURCE, 'Method', 'Fmax', 'MaxSteps', 'CellRelax', 'Displacement', 'OutputFile', 'Dimension'] },
    phonons: { required: [SOURCE], allowed: [...SOURCE, 'Supercell', 'Displacement', 'Vdos', 'Compare', 'Method'] },
    neb: { required: ['NebEnds', 'Images'], allowed: ['BandGuess', 'NebEnds', 'Images', 'Spring', 'Climbing', 'VariableCell', 'RelaxEnds', 'Method', 'Fmax', 'MaxSteps', 'OutputFile'] },
    rank: { required: ['StructureList'], allowed: ['StructureList', 'Relax', 'Method', 'Fmax', 'MaxSteps', 'Compare'] },
    uncertainty: { required: ['UncertaintyOn'], allowed: ['UncertaintyOn', 'Distance', 'Select', 'Compare', 'GroupBy'] },
    path: { required: [SOURCE, 'PathAxis'], allowed: [...SOURCE, 'PathAxis', 'NebEnds'] },
    evaluate: { required: ['UncertaintyOn'], allowed: ['UncertaintyOn', 'Compare', 'GroupBy'] },
    curvature: { required: [], allowed: ['Lanczos', 'CurvatureAt'] },
    stiffness: { required: ['Compare'], allowed: ['Compare', 'Versus', 'StrainLoop'] },
};

/** The keyword that starts each run item, for messages. */
const ITEM_KEYWORD: Readonly<Record<RunItemType, string>> = {
    FileStructure: 'from', CrystalStructure: 'crystal', Ensemble: 'ensemble', Timestep: 'timestep', Steps: 'steps', Velocities: 'velocities',
    Dimension: 'dimension', OutputFile: 'trajectory/log/restart', OutputDir: 'output', Guard: 'guard', Method: 'method', Fmax: 'fmax',
    MaxSteps: 'max_steps', CellRelax: 'relax_cell', Supercell: 'supercell', Displacement: 'displacement', Vdos: 'vdos', Compare: 'compare',
    NebEnds: 'initial/final', Images: 'images', Spring: 'spring', Climbing: 'climbing', VariableCell: 'variable_cell', RelaxEnds: 'relax_ends', StructureList: 'structures', Relax: 'relax',
    UncertaintyOn: 'on', Distance: 'distance', Select: 'select', PathAxis: 'axis', Seed: 'seed', GroupBy: 'group by', BandGuess: 'guess',
    Lanczos: 'lanczos', CurvatureAt: 'at', Versus: 'versus', StrainLoop: 'loop',
};

/** Items that may appear more than once, keyed so that repeats of the same kind are still caught. */
function repeatKey(item: RunItem): string {
    switch (item.$type) {
        case 'OutputFile': return `OutputFile.${item.kind}`;
        case 'NebEnds': return `NebEnds.${item.kind}`;
        case 'PathAxis': return `PathAxis.${item.coordinate}`;
        case 'FileStructure': case 'CrystalStructure': return 'structure';
        default: return item.$type;
    }
}

export function checkRun(run: Run, accept: ValidationAcceptor): void {
    const rules = PROTOCOL_RULES[run.protocol];
    const present = new Set(run.items.map((i) => i.$type));
    const seen = new Set<string>();
    for (const item of run.items) {
        if (!COMMON.includes(item.$type) && !rules.allowed.includes(item.$type)) {
            accept('error', `'${ITEM_KEYWORD[item.$type]}' does not apply to ${run.protocol} runs.`, { node: item, code: IssueCodes.RunNotApplicable });
        }
        const key = repeatKey(item);
        if (seen.has(key)) accept('error', `'${ITEM_KEYWORD[item.$type]}' is given twice in this run.`, { node: item, code: IssueCodes.DuplicateSetting });
        seen.add(key);
    }
    for (const need of rules.required) {
        const options = Array.isArray(need) ? need : [need];
        if (!options.some((o) => present.has(o))) {
            accept('error', `This ${run.protocol} run needs '${options.map((o) => ITEM_KEYWORD[o]).join("' or '")}'.`, { node: run, property: 'protocol', code: IssueCodes.RunMissing, data: { missing: options } });
        }
    }
    if (run.protocol === 'neb') {
        for (const kind of ['initial', 'final']) {
            if (present.has('NebEnds') && !run.items.some((i) => i.$type === 'NebEnds' && i.kind === kind)) {
                accept('error', `This neb run needs an '${kind}' structure.`, { node: run, property: 'protocol', code: IssueCodes.RunMissing });
            }
        }
    }
    const axes = run.items.filter((i) => i.$type === 'PathAxis');
    if (run.protocol === 'path' && axes.length !== 2) {
        accept('error', 'A path search needs exactly two axes (e.g. axis x of atom 0 ... and axis y of atom 0 ...).', { node: run, property: 'protocol', code: IssueCodes.RunMissing });
    } else if (run.protocol === 'path' && axes[0]!.atom !== axes[1]!.atom) {
        accept('error', `Both axes of a path search move one probe atom, got atoms ${axes[0]!.atom} and ${axes[1]!.atom}.`, { node: axes[1]!, property: 'atom', code: IssueCodes.OutOfRange });
    }
    const calc = run.calculator.ref;
    const needsModel = run.protocol === 'uncertainty' || run.protocol === 'curvature' || run.items.some((i) => i.$type === 'Guard');
    if (calc && calc.$type === 'Potential' && needsModel) {
        const what = run.protocol === 'uncertainty' ? 'An uncertainty run' : run.protocol === 'curvature' ? 'A curvature run' : 'A guard';
        accept('error', `${what} needs a trained model; '${calc.name}' is an analytic potential.`,
            { node: run, property: 'calculator', code: IssueCodes.RunNeedsModel });
    }
    if (run.protocol === 'curvature' && calc && calc.$type === 'Model') {
        // the loss whose Hessian it analyses is the model's train block's (its data, loss weights, init)
        const root = run.$container;
        const trained = root?.items.some((i) => i.$type === 'Training' && i.model.ref === calc);
        if (root && !trained) accept('error', `A curvature run analyses the training loss of '${calc.name}', which has no train block.`, { node: run, property: 'calculator', code: IssueCodes.RunNeedsModel });
    }
    // an uncertainty run's `compare` is the reference of its true errors: the run's own model would give zero
    const compared = run.items.find((i) => i.$type === 'Compare');
    if (run.protocol === 'uncertainty' && calc && compared?.$type === 'Compare' && compared.other.ref === calc) {
        accept('error', `'compare' names the reference for the true errors: another model or an analytic potential, not '${calc.name}' itself.`,
            { node: compared, property: 'other', code: IssueCodes.RunNotApplicable });
    }
    for (const item of run.items) checkRunItem(run, item, accept);
}

function checkRunItem(run: Run, item: RunItem, accept: ValidationAcceptor): void {
    switch (item.$type) {
        case 'FileStructure': case 'NebEnds': case 'UncertaintyOn':
            checkInputFile(item, 'path', item.path, 'Structure file', accept, undefined, 'auto');
            break;
        case 'StructureList':
            item.paths.forEach((p, i) => checkInputFile(item, 'paths', p, 'Structure file', accept, i, 'auto'));
            break;
        case 'Select':
            checkInputFile(item, 'pool', item.pool, 'Pool file', accept, undefined, 'auto');
            break;
        case 'Timestep':
            checkTimestep(run, item.value.value > 0 ? toInternal(item.value) : Number.NaN, accept, item);
            break;
        case 'Fmax':
            if (!(item.value.value > 0)) accept('error', 'fmax must be positive.', { node: item, property: 'value', code: IssueCodes.OutOfRange });
            break;
        case 'Lanczos':
            if (!(Number.isInteger(item.steps) && item.steps >= 2)) accept('error', `Lanczos needs a whole number of steps ≥ 2, got ${item.steps}.`, { node: item, property: 'steps', code: IssueCodes.OutOfRange });
            break;
        case 'Spring':
            if (!(item.value.value > 0)) accept('error', 'The spring constant must be positive.', { node: item, property: 'value', code: IssueCodes.OutOfRange });
            break;
        case 'PathAxis':
            if (item.to.value === item.from.value) accept('error', "An axis needs 'from' ≠ 'to'.", { node: item, property: 'to', code: IssueCodes.OutOfRange });
            break;
        case 'Ensemble':
            if (item.damping && !(item.damping.value > 0)) accept('error', 'The damping time must be positive.', { node: item, property: 'damping', code: IssueCodes.OutOfRange });
            if (item.temperature && item.temperature.value < 0) accept('error', 'A temperature cannot be negative.', { node: item, property: 'temperature', code: IssueCodes.OutOfRange });
            break;
        case 'Guard':
            if (item.percentile !== undefined && !(item.percentile > 0 && item.percentile <= 100)) {
                accept('error', `A percentile lies in (0, 100], got ${item.percentile}.`, { node: item, property: 'percentile', code: IssueCodes.OutOfRange });
            }
            break;
        default:
            break;
    }
}

/**
 * Rule of thumb for velocity Verlet: the fastest vibration (period ≈ 9 fs for O–H) needs ≳ 10–20
 * steps per period, so dt ≲ 1 fs·√(m_min/amu): 1 fs with H, 3.5 fs with C, 5.3 fs with Si, 6.3 fs with Ar.
 */
function checkTimestep(run: Run, dt: number, accept: ValidationAcceptor, node: AstNode): void {
    if (Number.isNaN(dt)) {
        accept('error', 'The timestep must be positive.', { node, property: 'value', code: IssueCodes.OutOfRange });
        return;
    }
    const masses = calculatorMasses(run);
    if (masses.length === 0) return;
    const lightest = masses.reduce((a, b) => (b.mass < a.mass ? b : a));
    const limit = Math.sqrt(lightest.mass);
    if (dt > limit) {
        accept('warning', `A timestep of ${Number(dt.toPrecision(4))} fs is large for ${lightest.symbol} (${Number(lightest.mass.toPrecision(5))} amu): keep it below about ${Number(limit.toPrecision(2))} fs for stable dynamics.`,
            { node, property: 'value', code: IssueCodes.TimestepLarge });
    }
}

function calculatorMasses(run: Run): Array<{ symbol: string; mass: number }> {
    const calc = run.calculator.ref;
    if (!calc) return [];
    if (calc.$type === 'Model') {
        return calc.members.filter((m): m is ElementDecl => m.$type === 'ElementDecl').flatMap((e) => {
            const mass = e.mass ? toInternal(e.mass) : elementBySymbol(e.name)?.mass;
            return mass && mass > 0 ? [{ symbol: e.name, mass }] : [];
        });
    }
    if (calc.$type !== 'Potential') return []; // continuum materials and constitutive models have no atoms
    return potentialElements(calc).flatMap((s) => {
        const info = elementBySymbol(s);
        return info ? [{ symbol: s, mass: info.mass }] : [];
    });
}

export function checkWeightsFile(node: AstNode & { path: string }, accept: ValidationAcceptor): void {
    checkInputFile(node, 'path', node.path, 'Weights file', accept);
}

export function checkScalingFile(node: AstNode & { file?: string }, accept: ValidationAcceptor): void {
    if (node.file) checkInputFile(node, 'file', node.file, 'Scaling file', accept);
}
