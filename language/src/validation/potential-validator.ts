// Checks of analytic reference potentials: parameters per kind, element lists, sums without cycles.
import type { ValidationAcceptor } from 'langium';
import type { AnalyticPotential, Potential, PotentialKind, PotentialParamName } from '../generated/ast.js';
import { closestElementSymbols, elementBySymbol } from '../elements.js';
import { IssueCodes } from './issue-codes.js';
import { reportDuplicates } from './model-validator.js';

interface KindRules {
    readonly allowed: readonly PotentialParamName[];
    readonly required: readonly PotentialParamName[];
    /** Parameters that must be positive. */
    readonly positive: readonly PotentialParamName[];
    readonly elements: 'one' | 'any';
}

/** Parameter rules per potential kind. Stillinger–Weber defaults are the 1985 silicon values. */
export const POTENTIAL_RULES: Readonly<Record<PotentialKind, KindRules>> = {
    lennard_jones: { allowed: ['epsilon', 'sigma', 'cutoff', 'shift'], required: ['epsilon', 'sigma', 'cutoff'], positive: ['epsilon', 'sigma', 'cutoff'], elements: 'any' },
    morse: { allowed: ['depth', 'alpha', 'r0', 'cutoff', 'shift'], required: ['depth', 'alpha', 'r0', 'cutoff'], positive: ['depth', 'alpha', 'r0', 'cutoff'], elements: 'any' },
    stillinger_weber: {
        allowed: ['epsilon', 'sigma', 'a', 'lambda', 'gamma', 'A_pair', 'B_pair', 'p', 'q', 'costheta0'],
        required: [], positive: ['epsilon', 'sigma', 'a', 'gamma'], elements: 'one',
    },
    axilrod_teller: { allowed: ['c9', 'cutoff'], required: ['c9', 'cutoff'], positive: ['cutoff'], elements: 'any' },
    // a one-body model landscape (x, y of each atom); `scale` multiplies it (default 1 eV)
    muller_brown: { allowed: ['scale'], required: [], positive: ['scale'], elements: 'any' },
};

export function checkAnalyticPotential(p: AnalyticPotential, accept: ValidationAcceptor): void {
    const rules = POTENTIAL_RULES[p.kind];
    p.elements.forEach((symbol, index) => {
        if (!elementBySymbol(symbol)) {
            const hint = closestElementSymbols(symbol);
            const did = hint.length > 0 ? ` Did you mean ${hint.map((h) => `'${h}'`).join(' or ')}?` : '';
            accept('error', `'${symbol}' is not a chemical element symbol.${did}`, { node: p, property: 'elements', index, code: IssueCodes.UnknownElement, data: { suggestions: hint } });
        }
    });
    if (p.elements.length === 0) {
        accept('error', `Name the element(s) this ${p.kind} potential acts on (e.g. '${p.kind} Ar { ... }').`, { node: p, property: 'kind', code: IssueCodes.PotentialElements });
    } else if (rules.elements === 'one' && p.elements.length > 1) {
        accept('error', `A ${p.kind} potential here describes one element, got ${p.elements.length}.`, { node: p, property: 'elements', index: 1, code: IssueCodes.PotentialElements });
    }
    reportDuplicates(p.params, (x) => x.name, (x) => accept('error', `Parameter '${x.name}' is given twice.`, { node: x, property: 'name', code: IssueCodes.DuplicateSetting }));
    for (const param of p.params) {
        if (!rules.allowed.includes(param.name)) {
            accept('error', `'${param.name}' is not a parameter of ${p.kind} (allowed: ${rules.allowed.join(', ')}).`, { node: param, property: 'name', code: IssueCodes.PotentialParamUnknown });
        } else if (param.name === 'shift' && param.value) {
            accept('error', "'shift' takes no value: it shifts the pair energy to zero at the cutoff.", { node: param, property: 'value', code: IssueCodes.PotentialParamValue });
        } else if (param.name !== 'shift' && !param.value) {
            accept('error', `Parameter '${param.name}' needs a value.`, { node: param, property: 'name', code: IssueCodes.PotentialParamValue });
        } else if (param.value && rules.positive.includes(param.name) && !(param.value.value > 0)) {
            accept('error', `Parameter '${param.name}' must be positive, got ${param.value.value}.`, { node: param, property: 'value', code: IssueCodes.PotentialParamValue });
        }
    }
    const given = new Set(p.params.map((x) => x.name));
    const missing = rules.required.filter((r) => !given.has(r));
    if (p.kind === 'stillinger_weber' && p.elements.length === 1 && p.elements[0] !== 'Si') {
        missing.push(...POTENTIAL_RULES.stillinger_weber.allowed.filter((r) => !given.has(r)));
    }
    if (missing.length > 0) {
        const why = p.kind === 'stillinger_weber' ? ' (defaults exist only for Si)' : '';
        accept('error', `${p.kind} needs ${missing.join(', ')}${why}.`, { node: p, property: 'kind', code: IssueCodes.PotentialParamMissing, data: { missing } });
    }
}

/** `potential a = b + ...` must not reach `a` again. */
export function checkPotentialCycle(p: Potential, accept: ValidationAcceptor): void {
    const visiting = new Set<Potential>();
    const reaches = (q: Potential): boolean => {
        for (const term of q.terms) {
            if (term.$type !== 'PotentialRef' || !term.ref.ref) continue;
            const next = term.ref.ref;
            if (next === p) return true;
            if (!visiting.has(next)) {
                visiting.add(next);
                if (reaches(next)) return true;
            }
        }
        return false;
    };
    if (reaches(p)) accept('error', `Potential '${p.name}' refers to itself.`, { node: p, property: 'name', code: IssueCodes.PotentialCycle });
}

/** Element symbols of a (possibly summed) potential. */
export function potentialElements(p: Potential, seen = new Set<Potential>()): string[] {
    if (seen.has(p)) return [];
    seen.add(p);
    return [...new Set(p.terms.flatMap((t) => (t.$type === 'AnalyticPotential' ? t.elements : t.ref.ref ? potentialElements(t.ref.ref, seen) : [])))];
}
