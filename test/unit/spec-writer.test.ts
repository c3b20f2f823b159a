// Writing a model IR back as .nnp text and lowering it again gives the same model.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeModelSpec, ANGSTROM_EV, type SpecUnits } from '../../compiler/src/emit/spec-writer.js';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { ModelIR } from '../../compiler/src/ir/model-ir.js';
import { loadSpecs } from '../../language/src/load-specs.js';
import { allTypesSpec, lowerModelText } from '../helpers/random-model.js';
import { checkText, describe } from '../helpers/specs.js';

const BOHR_HA: SpecUnits = { length: { symbol: 'bohr', factor: 0.529177210903 }, energy: { symbol: 'Ha', factor: 27.211386245988 } };

/** Deep equality with a relative tolerance on numbers. */
function expectClose(a: unknown, b: unknown, path = ''): void {
    if (typeof a === 'number' && typeof b === 'number') {
        expect(Math.abs(a - b), path).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(a)));
    } else if (Array.isArray(a) && Array.isArray(b)) {
        expect(a.length, path).toBe(b.length);
        a.forEach((x, i) => expectClose(x, b[i], `${path}[${i}]`));
    } else if (a && b && typeof a === 'object' && typeof b === 'object') {
        expect(Object.keys(a).sort(), path).toEqual(Object.keys(b).sort());
        for (const k of Object.keys(a)) expectClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    } else {
        expect(a, path).toEqual(b);
    }
}

async function roundTrip(model: ModelIR, units: SpecUnits): Promise<ModelIR> {
    const text = writeModelSpec(model, units);
    const doc = await checkText(text);
    expect((doc.diagnostics ?? []).filter((d) => d.severity === 1).map(describe), text).toEqual([]);
    return lowerSpec(doc.parseResult.value).models[0]!;
}

it('round-trips the water model in bohr/Ha and in Å/eV', async () => {
    const { all } = await loadSpecs([join(import.meta.dirname, '..', '..', 'examples', 'water', 'model.nnp')]);
    const water = lowerSpec(all.map((d) => d.parseResult.value)).models[0]!;
    expectClose(await roundTrip(water, BOHR_HA), water);
    expectClose(await roundTrip(water, ANGSTROM_EV), water);
});

it('round-trips every descriptor type, compact windows and normalisation', async () => {
    const model = await lowerModelText(allTypesSpec('poly3 5 A inner 0.2', 'sigma range 0 to 2', 'logistic'));
    expectClose(await roundTrip(model, ANGSTROM_EV), model);
    const normalized = { ...model, normalization: { kind: 'fixed' as const, meanEnergy: -12.5, convEnergy: 3.25, convLength: 1.75 } };
    expectClose(await roundTrip(normalized, BOHR_HA), normalized);
});
