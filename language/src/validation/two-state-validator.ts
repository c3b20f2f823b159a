// Two-state (excited-state) items: the surface's parameters, what a fit needs, one fit per model.
import type { ValidationAcceptor } from 'langium';
import type { Fit, Scan, Surface, TwoStateGrid } from '../generated/ast.js';
import { toInternal } from '../quantities.js';
import { reportDuplicates } from './model-validator.js';
import { IssueCodes } from './issue-codes.js';

export function checkSurface(s: Surface, accept: ValidationAcceptor): void {
    reportDuplicates(s.params, (p) => p.name, (p) => accept('error', `Parameter '${p.name}' is given twice.`, { node: p, property: 'name', code: IssueCodes.DuplicateSetting }));
    for (const p of s.params) {
        // k > 0: bound diabats; a > 0: the seam x_c = offset/(2ka) exists
        const v = toInternal(p.value); // NaN with a wrong unit: reported by the unit check
        if ((p.name === 'k' || p.name === 'a') && Number.isFinite(v) && !(v > 0)) {
            accept('error', `'${p.name}' must be positive.`, { node: p, property: 'value', code: IssueCodes.PotentialParamValue });
        }
    }
}

export function checkTwoStateGrid(g: TwoStateGrid, accept: ValidationAcceptor): void {
    if (toInternal(g.xTo) <= toInternal(g.xFrom)) accept('error', "The grid's x range must run from low to high.", { node: g, property: 'xTo', code: IssueCodes.GridInvalid });
    if (toInternal(g.yTo) <= toInternal(g.yFrom)) accept('error', "The grid's y range must run from low to high.", { node: g, property: 'yTo', code: IssueCodes.GridInvalid });
}

export function checkFit(f: Fit, accept: ValidationAcceptor): void {
    if (!f.items.some((i) => i.$type === 'TwoStateGrid')) {
        accept('error', "A fit needs its data: 'grid x from … to … points n y from … to … points m'.", { node: f, property: 'model', code: IssueCodes.MissingParameter });
    }
    const opt = f.items.find((i) => i.$type === 'Optimizer');
    if (opt && opt.kind !== 'adam') accept('error', `Two-state models are fitted with adam, not ${opt.kind}.`, { node: opt, property: 'kind', code: IssueCodes.OptimizerOption });
    const spec = f.$container;
    const first = spec.items.find((i): i is Fit => i.$type === 'Fit' && i.model.$refText === f.model.$refText);
    if (first !== f) accept('error', `Model '${f.model.$refText}' already has a fit block.`, { node: f, property: 'model', code: IssueCodes.DuplicateSetting });
}

export function checkScan(s: Scan, accept: ValidationAcceptor): void {
    for (const [i, m] of s.models.entries()) {
        if (!s.$container.items.some((x) => x.$type === 'Fit' && x.model.$refText === m.$refText)) {
            accept('error', `Model '${m.$refText}' has no fit block, so it has no weights to scan.`, { node: s, property: 'models', index: i, code: IssueCodes.MissingParameter });
        }
    }
}
