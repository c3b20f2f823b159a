// Which dimension each number of a spec must have, and its value in internal units.
// One table serves the validator (missing/wrong units) and the lowering to the model IR.
import type { AstNode } from 'langium';
import type { PotentialParamName, Quantity, Unit, Values } from './generated/ast.js';
import { DIMENSIONS, evaluateUnit, sameDimension, type DimensionName, type UnitTerm, type UnitValue } from './units.js';

/** Expected dimension by `<container type>.<property>`. */
const DIMENSION_OF_PROPERTY: Readonly<Record<string, DimensionName>> = {
    'ElementDecl.mass': 'mass',
    'ElementDecl.energy': 'energy',
    'CutoffSpec.radius': 'length',
    'CutoffSpec.inner': 'dimensionless',
    'RadialFunction.eta': 'inverseArea',
    'RadialFunction.rshift': 'length',
    'RadialFunction.cutoff': 'length',
    'RadialGrid.from': 'length',
    'RadialGrid.to': 'length',
    'AngularFunction.eta': 'inverseArea',
    'AngularFunction.lambda': 'dimensionless',
    'AngularFunction.zeta': 'dimensionless',
    'AngularFunction.rshift': 'length',
    'AngularFunction.cutoff': 'length',
    'CompactRadialFunction.low': 'length',
    'CompactRadialFunction.high': 'length',
    'CompactAngularFunction.low': 'length',
    'CompactAngularFunction.high': 'length',
    'CompactAngularFunction.angleLow': 'angle',
    'CompactAngularFunction.angleHigh': 'angle',
    'NormalizationSpec.meanEnergy': 'energy',
    'NormalizationSpec.convEnergy': 'inverseEnergy',
    'NormalizationSpec.convLength': 'inverseLength',
    'SampleMd.temperature': 'temperature',
    'SampleMd.temperatureEnd': 'temperature',
    'SampleMd.timestep': 'time',
    'SampleRattle.amplitude': 'length',
    'SampleStrain.rattle': 'length',
    'CrystalStructure.a': 'length',
    'CrystalStructure.c': 'length',
    'Ensemble.temperature': 'temperature',
    'Ensemble.pressure': 'pressure',
    'Material.shear': 'pressure',
    'Material.bulk': 'pressure',
    'Ensemble.damping': 'time',
    'Ensemble.barostatDamping': 'time',
    'Timestep.value': 'time',
    'Velocities.temperature': 'temperature',
    'Fmax.value': 'force',
    'Displacement.value': 'length',
    'Vdos.smearing': 'frequency',
    'Vdos.max': 'frequency',
    'Spring.value': 'springConstant',
    'PathAxis.from': 'length',
    'PathAxis.to': 'length',
    'TwoStateGrid.xFrom': 'length',
    'TwoStateGrid.xTo': 'length',
    'TwoStateGrid.yFrom': 'length',
    'TwoStateGrid.yTo': 'length',
};

/** Dimensions of the two_state surface's parameters (runtime/src/excited/two-state.ts). */
const SURFACE_PARAM_DIMENSION: Readonly<Record<string, DimensionName>> = {
    k: 'springConstant',
    a: 'length',
    offset: 'energy',
    c: 'force',
};

/** Dimensions of analytic-potential parameters (LJ, Morse, Stillinger–Weber, ATM, Müller–Brown). */
export const POTENTIAL_PARAM_DIMENSION: Readonly<Record<PotentialParamName, DimensionName>> = {
    epsilon: 'energy',
    sigma: 'length',
    cutoff: 'length',
    shift: 'dimensionless',
    depth: 'energy',
    alpha: 'inverseLength',
    r0: 'length',
    a: 'dimensionless',
    lambda: 'dimensionless',
    gamma: 'dimensionless',
    A_pair: 'dimensionless',
    B_pair: 'dimensionless',
    p: 'dimensionless',
    q: 'dimensionless',
    costheta0: 'dimensionless',
    c9: 'energyLength9',
    scale: 'energy',
};

/** The dimension the number at this node must have, or undefined if the position is unknown. */
export function expectedDimension(node: Quantity | Values): DimensionName | undefined {
    const container = node.$container as AstNode & { name?: string; measure?: string };
    if (container.$type === 'PotentialParam') return POTENTIAL_PARAM_DIMENSION[container.name as PotentialParamName];
    if (container.$type === 'SurfaceParam') return SURFACE_PARAM_DIMENSION[container.name as string];
    if (container.$type === 'Guard') return container.measure === 'committee' ? 'force' : 'dimensionless';
    return DIMENSION_OF_PROPERTY[`${container.$type}.${node.$containerProperty}`];
}

export function unitTerms(unit: Unit): UnitTerm[] {
    const terms: UnitTerm[] = unit.factors.map((f) => ({ name: f.name, power: f.power ?? 1 }));
    for (const op of unit.ops) {
        const power = op.factor.power ?? 1;
        terms.push({ name: op.factor.name, power: op.op === '/' ? -power : power });
    }
    return terms;
}

export type UnitCheck =
    | { readonly kind: 'ok'; readonly factor: number }
    | { readonly kind: 'missing'; readonly expected: DimensionName }
    | { readonly kind: 'unexpected' }
    | { readonly kind: 'unknown'; readonly symbol: string }
    | { readonly kind: 'wrong'; readonly expected: DimensionName; readonly got: UnitValue };

/**
 * Checks a unit against the expected dimension and returns the conversion factor.
 * A number that is exactly zero needs no unit (zero is zero in every unit).
 */
export function checkUnit(node: Quantity | Values, expected: DimensionName): UnitCheck {
    const allZero = ('value' in node ? [node.value] : node.values).every((v) => v === 0);
    if (!node.unit) {
        if (expected === 'dimensionless' || allZero) return { kind: 'ok', factor: 1 };
        return { kind: 'missing', expected };
    }
    const result = evaluateUnit(unitTerms(node.unit));
    if (!result.ok) return { kind: 'unknown', symbol: result.unknown };
    if (expected === 'dimensionless') {
        // Only pure numbers ("percent", "mol/mol") may carry a unit here.
        return sameDimension(result.value.dimension, {}) ? { kind: 'ok', factor: result.value.factor } : { kind: 'unexpected' };
    }
    if (!sameDimension(result.value.dimension, DIMENSIONS[expected].dimension)) return { kind: 'wrong', expected, got: result.value };
    return { kind: 'ok', factor: result.value.factor };
}

/** Value(s) in internal units; NaN where the unit is unusable (the validator reports why). */
export function toInternal(node: Quantity, expected?: DimensionName): number;
export function toInternal(node: Values, expected?: DimensionName): number[];
export function toInternal(node: Quantity | Values, expected = expectedDimension(node)): number | number[] {
    const check = expected ? checkUnit(node, expected) : ({ kind: 'ok', factor: 1 } as const);
    const factor = check.kind === 'ok' ? check.factor : Number.NaN;
    return 'value' in node ? node.value * factor : node.values.map((v) => v * factor);
}
