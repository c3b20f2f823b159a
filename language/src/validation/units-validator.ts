// Units and plain numbers: every dimensioned number has a unit of the right dimension, counts
// are integers in range, percentages lie in [0, 100].
import type { AstNode, ValidationAcceptor } from 'langium';
import type { Percent, Quantity, Values } from '../generated/ast.js';
import { checkUnit, expectedDimension } from '../quantities.js';
import { DIMENSIONS, describeDimension, suggestUnits } from '../units.js';
import { IssueCodes } from './issue-codes.js';

/** Integer-valued properties and their allowed range, by `<type>.<property>`. */
const INTEGER_PROPERTIES: Readonly<Record<string, { min: number; max?: number }>> = {
    'NetworkSpec.sizes': { min: 1 },
    'RadialGrid.count': { min: 1 },
    'SampleMd.frames': { min: 1 },
    'SampleMd.every': { min: 1 },
    'SampleRattle.frames': { min: 1 },
    'SampleStrain.frames': { min: 1 },
    'Split.seed': { min: 0 },
    'Seed.value': { min: 0 },
    'CrystalStructure.supercell': { min: 1 },
    'Epochs.value': { min: 1 },
    'Batch.value': { min: 1 },
    'EarlyStop.patience': { min: 1 },
    'Checkpoint.every': { min: 1 },
    'Committee.size': { min: 2 },
    'Schedule.patience': { min: 1 },
    'Steps.value': { min: 0 },
    'Dimension.value': { min: 2, max: 3 },
    'OutputFile.every': { min: 1 },
    'MaxSteps.value': { min: 1 },
    'Supercell.n': { min: 1 },
    'Vdos.bins': { min: 2 },
    'Images.value': { min: 1 },
    'Select.count': { min: 1 },
    'PathAxis.atom': { min: 0 },
    'PathAxis.points': { min: 2 },
    'TwoStateGrid.nx': { min: 2 },
    'TwoStateGrid.ny': { min: 2 },
    'States.sizes': { min: 1 },
    'Ensemble.chain': { min: 1 },
};

/** The same table grouped by AST type, so each node looks up only its own properties. */
const INTEGERS_BY_TYPE = new Map<string, Array<{ property: string; min: number; max?: number }>>();
for (const [key, range] of Object.entries(INTEGER_PROPERTIES)) {
    const [type, property] = key.split('.') as [string, string];
    INTEGERS_BY_TYPE.set(type, [...(INTEGERS_BY_TYPE.get(type) ?? []), { property, ...range }]);
}

export function checkIntegers(node: AstNode, accept: ValidationAcceptor): void {
    for (const range of INTEGERS_BY_TYPE.get(node.$type) ?? []) {
        const property = range.property;
        const raw = (node as unknown as Record<string, unknown>)[property];
        const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
        values.forEach((value, i) => {
            if (typeof value !== 'number') return;
            const index = Array.isArray(raw) ? i : undefined;
            if (!Number.isInteger(value)) {
                accept('error', `Expected a whole number, got ${value}.`, { node, property, index, code: IssueCodes.NotInteger });
            } else if (value < range.min || (range.max !== undefined && value > range.max)) {
                const allowed = range.max !== undefined ? `between ${range.min} and ${range.max}` : `at least ${range.min}`;
                accept('error', `Expected a value ${allowed}, got ${value}.`, { node, property, index, code: IssueCodes.OutOfRange });
            }
        });
    }
}

export function checkUnits(node: Quantity | Values, accept: ValidationAcceptor): void {
    const expected = expectedDimension(node);
    if (!expected) return;
    const check = checkUnit(node, expected);
    const named = DIMENSIONS[expected];
    switch (check.kind) {
        case 'ok':
            return;
        case 'missing':
            accept('error', `Missing unit: expected ${named.name} (e.g. ${named.examples.join(', ')}).`,
                { node, code: IssueCodes.MissingUnit, data: { expected } });
            return;
        case 'unexpected':
            accept('error', 'This number is dimensionless and takes no unit.', { node, property: 'unit', code: IssueCodes.UnexpectedUnit });
            return;
        case 'unknown': {
            const hint = suggestUnits(check.symbol);
            const did = hint.length > 0 ? ` Did you mean ${hint.map((h) => `'${h}'`).join(' or ')}?` : '';
            accept('error', `Unknown unit '${check.symbol}'.${did}`, { node, property: 'unit', code: IssueCodes.UnknownUnit, data: { suggestions: hint, symbol: check.symbol } });
            return;
        }
        case 'wrong':
            accept('error', `Wrong unit: expected ${named.name} (e.g. ${named.examples.join(', ')}), got ${describeDimension(check.got.dimension)}.`,
                { node, property: 'unit', code: IssueCodes.WrongUnit, data: { expected } });
            return;
    }
}

export function checkPercent(node: Percent, accept: ValidationAcceptor): void {
    if (node.value < 0 || node.value > 100) {
        accept('error', `A percentage lies between 0% and 100%, got ${node.value}%.`, { node, property: 'value', code: IssueCodes.OutOfRange });
    }
}
