// Checks of models: elements, descriptors (physics ranges, cutoffs, duplicates), networks,
// scaling and normalisation.
import { AstUtils, type ValidationAcceptor } from 'langium';
import type {
    AngularFunction, CompactAngularFunction, CompactRadialFunction, CutoffSpec, DescriptorBlock, DescriptorSet,
    ElementDecl, Model, NetworkSpec, NormalizationSpec, RadialFunction, ScalingSpec,
} from '../generated/ast.js';
import { expandItems, expandModelDescriptors, type ExpandedFunction } from '../descriptor-expansion.js';
import { closestElementSymbols, elementBySymbol } from '../elements.js';
import { toInternal } from '../quantities.js';
import { IssueCodes } from './issue-codes.js';

export function checkElementDecl(el: ElementDecl, accept: ValidationAcceptor): void {
    if (!elementBySymbol(el.name)) {
        const hint = closestElementSymbols(el.name);
        const did = hint.length > 0 ? ` Did you mean ${hint.map((h) => `'${h}'`).join(' or ')}?` : '';
        accept('error', `'${el.name}' is not a chemical element symbol.${did}`,
            { node: el, property: 'name', code: IssueCodes.UnknownElement, data: { suggestions: hint } });
    }
    if (el.mass && !(el.mass.value > 0)) {
        accept('error', `A mass must be positive, got ${el.mass.value}.`, { node: el, property: 'mass', code: IssueCodes.MassNonPositive });
    }
}

export function checkModel(model: Model, accept: ValidationAcceptor): void {
    const elements = model.members.filter((m): m is ElementDecl => m.$type === 'ElementDecl');
    if (elements.length === 0) {
        accept('error', `Model '${model.name}' declares no elements (add e.g. 'element Si').`, { node: model, property: 'name', code: IssueCodes.NoElements });
    }
    reportDuplicates(elements, (e) => e.name, (e) => accept('error', `Element '${e.name}' is declared twice in model '${model.name}'.`,
        { node: e, property: 'name', code: IssueCodes.DuplicateElement }));
    for (const type of ['CutoffSpec', 'ScalingSpec', 'NormalizationSpec', 'WeightsSpec'] as const) {
        const specs = model.members.filter((m) => m.$type === type);
        for (const extra of specs.slice(1)) {
            accept('error', `Model '${model.name}' has more than one '${keywordOf(type)}' statement.`, { node: extra, keyword: keywordOf(type), code: IssueCodes.DuplicateSetting });
        }
    }
    const declared = new Set(elements.map((e) => e.name));
    const networks = model.members.filter((m): m is NetworkSpec => m.$type === 'NetworkSpec');
    const blocks = model.members.filter((m): m is DescriptorBlock => m.$type === 'DescriptorBlock');
    const withNetwork = new Map<string, NetworkSpec>();
    for (const net of networks) {
        net.elements.forEach((ref, index) => {
            if (withNetwork.has(ref.$refText)) {
                accept('error', `Element '${ref.$refText}' already has a network in model '${model.name}'.`,
                    { node: net, property: 'elements', index, code: IssueCodes.DuplicateNetwork });
            } else withNetwork.set(ref.$refText, net);
        });
    }
    const withDescriptors = new Set(blocks.flatMap((b) => b.elements.map((r) => r.$refText)));
    for (const el of elements) {
        const hasD = withDescriptors.has(el.name);
        const hasN = withNetwork.has(el.name);
        if (hasD && !hasN) {
            accept('error', `Element '${el.name}' has descriptors but no network (add 'network for ${el.name} { hidden 16 16 activation tanh }').`,
                { node: el, property: 'name', code: IssueCodes.DescriptorsWithoutNetwork, data: { element: el.name } });
        } else if (hasN && !hasD) {
            accept('error', `Element '${el.name}' has a network but no descriptors (add 'descriptors for ${el.name} { ... }').`,
                { node: el, property: 'name', code: IssueCodes.NetworkWithoutDescriptors, data: { element: el.name } });
        } else if (!hasD && !hasN) {
            accept('error', `Element '${el.name}' has neither descriptors nor a network in model '${model.name}'.`,
                { node: el, property: 'name', code: IssueCodes.ElementUnused, data: { element: el.name } });
        }
    }
    for (const block of blocks) checkBlockNeighbors(block, declared, accept);
    for (const el of elements) checkExpandedFunctions(model, el.name, accept);
}

/** Neighbour elements named by a block's functions (directly or through included sets) must be in the model. */
function checkBlockNeighbors(block: DescriptorBlock, declared: Set<string>, accept: ValidationAcceptor): void {
    const modelCutoff = (block.$container as Model).members.find((m): m is CutoffSpec => m.$type === 'CutoffSpec');
    for (const item of block.items) {
        const functions = expandItems([item], modelCutoff, new Set());
        const missing = [...new Set(functions.flatMap((f) => f.neighbors).filter((s) => !declared.has(s)))];
        for (const symbol of missing) {
            const where = item.$type === 'IncludeSet' ? `set '${item.set.$refText}' names` : 'names';
            accept('error', `This function ${where} element '${symbol}', which model '${(block.$container as Model).name}' does not declare.`,
                { node: item, property: item.$type === 'IncludeSet' ? 'set' : undefined, code: IssueCodes.NeighborNotInModel, data: { element: symbol } });
        }
        if (item.$type !== 'IncludeSet' && item.$type !== 'CutoffSpec' && item.$type !== 'CompactRadialFunction'
            && item.$type !== 'CompactAngularFunction' && functions.some((f) => !f.cutoff)) {
            accept('error', 'No cutoff for this function: add \'cutoff <kind> <radius>\' to the model or the descriptor block, or \'cutoff <radius>\' here.',
                { node: item, keyword: item.$type === 'RadialFunction' ? 'radial' : 'angular', code: IssueCodes.MissingCutoff });
        }
    }
}

function checkExpandedFunctions(model: Model, element: string, accept: ValidationAcceptor): void {
    const functions = expandModelDescriptors(model, element);
    const document = AstUtils.getDocument(model);
    const seen = new Map<string, ExpandedFunction>();
    for (const f of functions) {
        const key = functionKey(f);
        const first = seen.get(key);
        if (first && !key.includes('null')) { // NaN (from a unit error, reported elsewhere) serialises as null
            const node = AstUtils.getDocument(f.source) === document ? f.source : model;
            accept('error', `Duplicate symmetry function for '${element}': ${describeFunction(f)} is defined twice.`,
                { node, code: IssueCodes.DuplicateFunction });
        } else seen.set(key, f);
        if (f.cutoff && f.cutoff.radius > 0 && f.rshift !== undefined && f.rshift >= f.cutoff.radius && AstUtils.getDocument(f.source) === document) {
            accept('warning', `The shift r_s = ${round(f.rshift)} Å lies at or beyond the cutoff ${round(f.cutoff.radius)} Å: this function is nearly zero everywhere.`,
                { node: f.source, property: 'rshift', code: IssueCodes.RshiftBeyondCutoff });
        }
    }
}

/** Identity of a function; angular neighbour pairs are unordered. */
export function functionKey(f: ExpandedFunction): string {
    const neighbors = f.kind.includes('angular') ? [...f.neighbors].sort() : f.neighbors;
    const { source: _source, ...rest } = f;
    return JSON.stringify({ ...rest, neighbors });
}

function describeFunction(f: ExpandedFunction): string {
    const parts = [f.kind, ...f.neighbors];
    if (f.eta !== undefined) parts.push(`η=${round(f.eta)}/Å²`);
    if (f.rshift) parts.push(`r_s=${round(f.rshift)} Å`);
    if (f.lambda !== undefined) parts.push(`λ=${f.lambda}`);
    if (f.zeta !== undefined) parts.push(`ζ=${f.zeta}`);
    return parts.join(' ');
}

function round(x: number): string {
    return Number(x.toPrecision(6)).toString();
}

export function checkCutoff(c: CutoffSpec, accept: ValidationAcceptor): void {
    if (c.radius.value <= 0) accept('error', `A cutoff radius must be positive, got ${c.radius.value}.`, { node: c, property: 'radius', code: IssueCodes.CutoffNonPositive });
    if (c.inner) {
        const alpha = c.inner.value;
        if (!(alpha >= 0 && alpha < 1)) {
            accept('error', `The inner-cutoff fraction must lie in [0, 1), got ${alpha}.`, { node: c, property: 'inner', code: IssueCodes.InnerFractionRange });
        } else if (['hard', 'tanh', 'tanhu'].includes(c.kind) && alpha > 0) {
            accept('warning', `The '${c.kind}' cutoff has no inner cutoff; 'inner ${alpha}' is ignored.`, { node: c, property: 'inner', code: IssueCodes.InnerFractionUnused });
        }
    }
}

export function checkRadial(f: RadialFunction, accept: ValidationAcceptor): void {
    if (f.grid) {
        const from = toInternal(f.grid.from);
        const to = toInternal(f.grid.to);
        if (!(to > from)) accept('error', `A grid needs 'from' < 'to', got ${f.grid.from.value} to ${f.grid.to.value}.`, { node: f.grid, property: 'to', code: IssueCodes.GridInvalid });
        else if (f.grid.mode === 'centered' && !(from > 0)) {
            accept('error', 'A centered grid starts at a positive radius (η = 1/(2 r²) is infinite at r = 0).', { node: f.grid, property: 'from', code: IssueCodes.GridInvalid });
        }
        return;
    }
    if (!f.eta) accept('error', "A radial function needs 'eta' (a value or a list, in /A^2 or /bohr^2).", { node: f, keyword: 'radial', code: IssueCodes.MissingParameter, data: { parameter: 'eta' } });
    checkEta(f, accept);
    checkRshift(f, accept);
}

export function checkAngular(f: AngularFunction, accept: ValidationAcceptor): void {
    if (f.shape === 'wide' && f.weighted) {
        accept('error', "There is no element-weighted wide angular function; use 'angular narrow weighted' (n2p2 type 13) or 'angular compact wide weighted' (type 25).",
            { node: f, property: 'shape', code: IssueCodes.UnsupportedFunction });
    }
    for (const p of ['eta', 'lambda', 'zeta'] as const) {
        if (!f[p]) accept('error', `An angular function needs '${p}'.`, { node: f, keyword: 'angular', code: IssueCodes.MissingParameter, data: { parameter: p } });
    }
    checkEta(f, accept);
    checkRshift(f, accept);
    f.zeta?.values.forEach((z) => {
        if (z < 1) accept('error', `ζ must be at least 1, got ${z}.`, { node: f, property: 'zeta', code: IssueCodes.ZetaBelowOne });
    });
    f.lambda?.values.forEach((l) => {
        if (l < -1 || l > 1) accept('warning', `λ is normally −1 or +1; ${l} lies outside [−1, 1], so (1 + λ cos θ) changes sign.`, { node: f, property: 'lambda', code: IssueCodes.LambdaRange });
    });
}

function checkEta(f: RadialFunction | AngularFunction, accept: ValidationAcceptor): void {
    f.eta?.values.forEach((e) => {
        if (e < 0) accept('error', `η must not be negative, got ${e}.`, { node: f, property: 'eta', code: IssueCodes.EtaNegative });
    });
}

function checkRshift(f: RadialFunction | AngularFunction, accept: ValidationAcceptor): void {
    f.rshift?.values.forEach((r) => {
        if (r < 0) accept('warning', `A negative shift r_s = ${r} is unusual: distances are never negative.`, { node: f, property: 'rshift', code: IssueCodes.RshiftNegative });
    });
}

export function checkCompactRadial(f: CompactRadialFunction, accept: ValidationAcceptor): void {
    checkRadialWindow(f, accept);
}

function checkRadialWindow(f: CompactRadialFunction | CompactAngularFunction, accept: ValidationAcceptor): void {
    const low = toInternal(f.low);
    const high = toInternal(f.high);
    if (!(low < high)) accept('error', `The radial window needs 'from' < 'to', got ${f.low.value} to ${f.high.value}.`, { node: f, property: 'high', code: IssueCodes.CompactWindow });
    else if (!(high > 0)) accept('error', 'The radial window must end at a positive radius.', { node: f, property: 'high', code: IssueCodes.CompactWindow });
}

/** Angle-window rules of n2p2's SymFncBaseCompAng (angles in degrees). */
export function checkCompactAngular(f: CompactAngularFunction, accept: ValidationAcceptor): void {
    checkRadialWindow(f, accept);
    const deg = 180 / Math.PI;
    const left = toInternal(f.angleLow) * deg;
    const right = toInternal(f.angleHigh) * deg;
    if (Number.isNaN(left) || Number.isNaN(right)) return; // unit error reported elsewhere
    const centre = (left + right) / 2;
    const fail = (message: string) => accept('error', message, { node: f, property: 'angleHigh', code: IssueCodes.AngleWindow });
    if (!(left < right)) fail(`The angle window needs a left edge below the right edge, got ${fmt(left)}° to ${fmt(right)}°.`);
    else if (right - left > 360) fail(`The angle window is wider than 360° (${fmt(right - left)}°).`);
    else if (left < 0 && Math.abs(centre) > 1e-9) fail(`A window reaching below 0° must be centred on 0°, got centre ${fmt(centre)}°.`);
    else if (right > 180 && Math.abs(centre - 180) > 1e-9) fail(`A window reaching beyond 180° must be centred on 180°, got centre ${fmt(centre)}°.`);
}

function fmt(x: number): string {
    return Number(x.toFixed(6)).toString();
}

export function checkNetwork(n: NetworkSpec, accept: ValidationAcceptor): void {
    if (n.linear && n.sizes.length > 0) {
        accept('error', "A 'linear' model has no hidden layers: remove 'hidden' or 'linear'.", { node: n, keyword: 'linear', code: IssueCodes.NetworkLayers });
    } else if (!n.linear && n.sizes.length === 0) {
        accept('error', "A network needs hidden layer sizes (e.g. 'hidden 16 16') or 'linear' for a ridge-regression model.", { node: n, keyword: 'network', code: IssueCodes.NetworkLayers });
    }
    if (n.linear && n.activations.length > 0) {
        accept('warning', "A 'linear' model has no hidden layers, so 'activation' is ignored.", { node: n, keyword: 'activation', code: IssueCodes.ActivationCount });
    } else if (!n.linear && n.sizes.length > 0) {
        if (n.activations.length === 0) {
            accept('error', "Give the hidden layers' activation (e.g. 'activation tanh').", { node: n, keyword: 'network', code: IssueCodes.ActivationCount });
        } else if (n.activations.length !== 1 && n.activations.length !== n.sizes.length) {
            accept('error', `Give one activation for all hidden layers or one per layer (${n.sizes.length}), got ${n.activations.length}.`,
                { node: n, keyword: 'activation', code: IssueCodes.ActivationCount });
        }
    }
    if (n.output && n.output !== 'linear') {
        accept('warning', `A '${n.output}' output bounds or distorts the atomic energy; HDNNPs use a linear output.`, { node: n, property: 'output', code: IssueCodes.OutputActivation });
    }
}

export function checkScaling(s: ScalingSpec, accept: ValidationAcceptor): void {
    if (s.min === undefined || s.max === undefined) return;
    if (s.mode === 'none' || s.mode === 'center') {
        accept('warning', `Scaling '${s.mode}' does not use a target range; 'range' is ignored.`, { node: s, keyword: 'range', code: IssueCodes.ScalingRangeUnused });
    } else if (!(s.min < s.max)) {
        accept('error', `The scaling range needs min < max, got ${s.min} to ${s.max}.`, { node: s, property: 'max', code: IssueCodes.ScalingRange });
    }
}

export function checkNormalization(n: NormalizationSpec, accept: ValidationAcceptor): void {
    if (n.auto) return;
    const missing = (['meanEnergy', 'convEnergy', 'convLength'] as const).filter((p) => !n[p]);
    if (missing.length > 0) {
        const names = { meanEnergy: 'mean_energy', convEnergy: 'conv_energy', convLength: 'conv_length' };
        accept('error', `Energy normalisation needs mean_energy, conv_energy and conv_length; missing ${missing.map((m) => names[m]).join(', ')}.`,
            { node: n, keyword: 'normalization', code: IssueCodes.NormalizationIncomplete });
    }
    for (const p of ['convEnergy', 'convLength'] as const) {
        const q = n[p];
        if (q && !(q.value > 0)) accept('error', `A conversion factor must be positive, got ${q.value}.`, { node: n, property: p, code: IssueCodes.OutOfRange });
    }
}

/** A descriptor set that includes itself, directly or through others. */
export function checkDescriptorSet(set: DescriptorSet, accept: ValidationAcceptor): void {
    const path: string[] = [];
    const visit = (s: DescriptorSet, stack: Set<DescriptorSet>): boolean => {
        for (const item of s.items) {
            if (item.$type !== 'IncludeSet' || !item.set.ref) continue;
            const next = item.set.ref;
            path.push(next.name);
            if (next === set) return true;
            if (!stack.has(next)) {
                stack.add(next);
                if (visit(next, stack)) return true;
            }
            path.pop();
        }
        return false;
    };
    if (visit(set, new Set([set]))) {
        accept('error', `Descriptor set '${set.name}' includes itself (${[set.name, ...path].join(' → ')}).`, { node: set, property: 'name', code: IssueCodes.IncludeCycle });
    }
}

export function reportDuplicates<T>(items: readonly T[], key: (t: T) => string, report: (t: T) => void): void {
    const seen = new Set<string>();
    for (const item of items) {
        const k = key(item);
        if (seen.has(k)) report(item);
        else seen.add(k);
    }
}

function keywordOf(type: 'CutoffSpec' | 'ScalingSpec' | 'NormalizationSpec' | 'WeightsSpec'): string {
    return { CutoffSpec: 'cutoff', ScalingSpec: 'scaling', NormalizationSpec: 'normalization', WeightsSpec: 'weights' }[type];
}

