// The shipped examples are clean: no errors, no warnings.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadSpecs } from '../../language/src/load-specs.js';
import { describe } from '../helpers/specs.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const specs = readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(EXAMPLES, d.name, 'model.nnp'));

it('there are at least three examples (water, silicon, argon)', () => {
    expect(specs.map((s) => s.split('/').at(-2))).toEqual(expect.arrayContaining(['water', 'silicon', 'argon']));
});

for (const spec of specs) {
    it(`${spec.split('/').at(-2)} checks clean`, async () => {
        const { documents } = await loadSpecs([spec]);
        expect(documents[0]!.parseResult.parserErrors).toEqual([]);
        expect((documents[0]!.diagnostics ?? []).map(describe)).toEqual([]);
    });
}
