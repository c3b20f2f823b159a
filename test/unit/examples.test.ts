// The shipped examples are clean: no errors, no warnings.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadSpecs } from '../../language/src/load-specs.js';
import { checkText, describe } from '../helpers/specs.js';

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

it("the README's language tour is valid syntax (only names it elides are unresolved)", async () => {
    const readme = readFileSync(join(EXAMPLES, '..', 'README.md'), 'utf8');
    const block = /```nnp\n([\s\S]*?)```/.exec(readme)![1]!;
    const doc = await checkText(block);
    expect(doc.parseResult.lexerErrors).toEqual([]);
    expect(doc.parseResult.parserErrors).toEqual([]);
    const errorCodes = new Set((doc.diagnostics ?? []).filter((d) => d.severity === 1).map((d) => describe(d)[2]));
    expect(errorCodes).toEqual(new Set(['unresolved-reference']));
});
