// Checks of continuum constitutive statements: `material`, `constitutive` and `run stiffness`.
import type { ValidationAcceptor } from 'langium';
import type { ConstitutiveModel, Material, Run } from '../generated/ast.js';
import { IssueCodes } from './issue-codes.js';

export function checkMaterial(m: Material, accept: ValidationAcceptor): void {
    for (const key of ['shear', 'bulk'] as const) {
        const q = m[key];
        if (!q) accept('error', `A neo_hookean material needs '${key}' (a modulus, e.g. ${key === 'shear' ? '1 GPa' : '3 GPa'}).`, { node: m, property: 'name', code: IssueCodes.RunMissing });
        else if (!(q.value > 0)) accept('error', `The ${key} modulus must be positive.`, { node: m, property: key, code: IssueCodes.OutOfRange });
    }
}

export function checkConstitutiveModel(c: ConstitutiveModel, accept: ValidationAcceptor): void {
    const data = c.items.find((i) => i.$type === 'StrainStates');
    if (!data) {
        accept('error', `Constitutive model '${c.name}' needs 'fit <material> { strain … states … }' (its training data).`, { node: c, property: 'name', code: IssueCodes.RunMissing });
        return;
    }
    if (data.$type !== 'StrainStates') return;
    if (data.amount !== undefined && !(data.amount > 0 && data.amount <= 0.5)) {
        accept('error', `The strain amplitude must lie in (0, 0.5], got ${data.amount}.`, { node: data, property: 'amount', code: IssueCodes.OutOfRange });
    }
    if (data.count !== undefined && !(Number.isInteger(data.count) && data.count >= 10)) {
        accept('error', `Fit to at least 10 strain states, got ${data.count}.`, { node: data, property: 'count', code: IssueCodes.OutOfRange });
    }
    if (data.test && !(data.test.value > 0 && data.test.value < 100)) {
        accept('error', 'The held-out share must lie strictly between 0 and 100 %.', { node: data, property: 'test', code: IssueCodes.OutOfRange });
    }
    const net = c.items.find((i) => i.$type === 'ConstitutiveNetwork');
    if (net?.$type === 'ConstitutiveNetwork' && (net.activation === 'relu' || net.activation === 'linear') && c.kind === 'energy') {
        accept('warning', `An energy model needs a smooth activation: with '${net.activation}' the stress ∂W/∂E is piecewise constant or linear and the tangent is zero almost everywhere.`, { node: net, property: 'activation', code: IssueCodes.OutOfRange });
    }
}

/** A stiffness run evaluates a constitutive model against a material; other protocols need atoms. */
export function checkConstitutiveRun(run: Run, accept: ValidationAcceptor): void {
    const calc = run.calculator.ref;
    if (!calc) return;
    const continuum = calc.$type === 'Material' || calc.$type === 'ConstitutiveModel';
    if (run.protocol === 'stiffness') {
        if (calc.$type !== 'ConstitutiveModel') accept('error', `A stiffness run evaluates a constitutive model; '${calc.name}' is not one.`, { node: run, property: 'calculator', code: IssueCodes.RunNeedsModel });
        for (const item of run.items) {
            if (item.$type === 'Compare' && item.other.ref && item.other.ref.$type !== 'Material') {
                accept('error', `'compare' names the reference material of a stiffness run; '${item.other.ref.name}' is not a material.`, { node: item, property: 'other', code: IssueCodes.RunNotApplicable });
            }
            if (item.$type === 'Versus') {
                item.others.forEach((o, i) => {
                    if (o.ref && o.ref.$type !== 'ConstitutiveModel') accept('error', `'versus' names other constitutive models; '${o.ref.name}' is not one.`, { node: item, property: 'others', index: i, code: IssueCodes.RunNotApplicable });
                });
            }
            if (item.$type === 'StrainLoop' && !(item.amplitude > 0 && item.amplitude <= 0.5)) {
                accept('error', `The loop amplitude must lie in (0, 0.5], got ${item.amplitude}.`, { node: item, property: 'amplitude', code: IssueCodes.OutOfRange });
            }
        }
    } else if (continuum) {
        accept('error', `A ${run.protocol} run needs atoms: a model or a potential, not the continuum ${calc.$type === 'Material' ? 'material' : 'constitutive model'} '${calc.name}'.`, { node: run, property: 'calculator', code: IssueCodes.RunNeedsModel });
    }
}
