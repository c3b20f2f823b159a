import { expect, it } from 'vitest';
import { describeDimension, evaluateUnit, sameDimension, suggestUnits, DIMENSIONS } from '../../language/src/units.js';
import { checkText } from '../helpers/specs.js';
import { toInternal } from '../../language/src/quantities.js';
import type { Model, CutoffSpec } from '../../language/src/generated/ast.js';

const unit = (...terms: Array<[string, number]>) => {
    const r = evaluateUnit(terms.map(([name, power]) => ({ name, power })));
    if (!r.ok) throw new Error(r.unknown);
    return r.value;
};

it('converts to eV, Å, fs, amu (CODATA 2018)', () => {
    expect(unit(['bohr', 1]).factor).toBe(0.529177210903);
    expect(unit(['Ha', 1]).factor).toBe(27.211386245988);
    expect(unit(['kcal', 1], ['mol', -1]).factor).toBeCloseTo(0.0433641043, 9);
    expect(unit(['kJ', 1], ['mol', -1]).factor).toBeCloseTo(0.0103642697, 9);
    expect(unit(['ps', 1]).factor).toBe(1000);
    expect(unit(['g', 1], ['mol', -1]).factor).toBeCloseTo(1, 12);
    expect(unit(['GPa', 1]).factor).toBeCloseTo(1 / 160.21766208, 9);
    expect(unit(['bohr', -2]).factor).toBeCloseTo(1 / 0.529177210903 ** 2, 12);
    expect(unit(['deg', 1]).factor).toBeCloseTo(Math.PI / 180, 15);
});

it('combines dimensions', () => {
    expect(sameDimension(unit(['eV', 1], ['A', -1]).dimension, DIMENSIONS.force.dimension)).toBe(true);
    expect(sameDimension(unit(['kcal', 1], ['mol', -1]).dimension, DIMENSIONS.energy.dimension)).toBe(true);
    expect(describeDimension(unit(['eV', 1], ['fs', 1]).dimension)).toBe('energy·time');
    expect(evaluateUnit([{ name: 'parsec', power: 1 }])).toEqual({ ok: false, unknown: 'parsec' });
});

it('suggests close unit symbols', () => {
    expect(suggestUnits('ev')).toEqual(['eV']);
    expect(suggestUnits('Bohr')).toEqual(['bohr']);
    expect(suggestUnits('fss')).toContain('fs');
});

it('reads quantities from a spec in internal units', async () => {
    const doc = await checkText('model m { element H cutoff cosine 12 bohr descriptors for H { radial H eta 0.5 /bohr^2 } network for H { hidden 2 activation tanh } }');
    const model = doc.parseResult.value.items[0] as Model;
    const cutoff = model.members.find((m): m is CutoffSpec => m.$type === 'CutoffSpec')!;
    expect(toInternal(cutoff.radius)).toBeCloseTo(12 * 0.529177210903, 12);
});
