// Inputs that are not a spec at all get diagnostics or a clear one-line error, never a crash.
// (Their speed, under 5 s each, is measured by `npm run bench`.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadSpecs, SpecFileError } from '../../language/src/load-specs.js';
import { MAX_SPEC_CHARS } from '../../language/src/nnp-parser.js';
import { checkText, describe } from '../helpers/specs.js';

const dir = mkdtempSync(join(tmpdir(), 'nnp-not-a-spec-'));
const file = (name: string, data: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
};

it('an empty file gets a warning', async () => {
    const { documents } = await loadSpecs([file('empty.nnp', '')]);
    expect(documents[0]!.diagnostics!.map(describe)).toEqual([['1:1', 'warning', 'empty-spec', expect.stringContaining('defines nothing')]]);
});

it('binary bytes are refused with a clear error', async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 256);
    await expect(loadSpecs([file('binary.nnp', bytes)])).rejects.toThrow(new SpecFileError(`${join(dir, 'binary.nnp')}: binary file (contains NUL bytes), not a .nnp spec`));
});

it('invalid UTF-8 is refused with its position', async () => {
    const bytes = Buffer.concat([Buffer.from('model m {\n  element '), Buffer.from([0xc3, 0x28]), Buffer.from(' }\n')]);
    await expect(loadSpecs([file('latin.nnp', bytes)])).rejects.toThrow(/latin\.nnp:2:11: not valid UTF-8 text \(byte 0xc3 at offset 20\)/);
});

it('control characters and replacement characters in an editor buffer give diagnostics', async () => {
    const doc = await checkText('model \u0000m { element \uFFFD }\u0007');
    expect(doc.diagnostics!.length).toBeGreaterThan(0);
    expect(doc.diagnostics!.every((d) => d.severity === 1 && d.range.start.line === 0)).toBe(true);
});

it('a 5 MB file of repeated blocks gets one clear diagnostic', async () => {
    const block = 'potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.4 A cutoff 8.5 A }\n';
    const text = block.repeat(Math.ceil((5 * 1024 * 1024) / block.length));
    expect(text.length).toBeGreaterThan(MAX_SPEC_CHARS);
    const { documents } = await loadSpecs([file('big.nnp', text)]);
    expect(documents[0]!.diagnostics!.map(describe)).toEqual([
        ['1:1', 'error', 'lexing-error', expect.stringMatching(/^This file has 5\.0 M characters; specs longer than 1 M characters are not parsed\./)],
    ]);
});

it('a file just under the size limit is parsed and checked', { timeout: 60_000 }, async () => {
    const block = 'potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.4 A cutoff 8.5 A }\n';
    const text = block.repeat(Math.floor(MAX_SPEC_CHARS / block.length));
    const { documents } = await loadSpecs([file('almost.nnp', text)]);
    const codes = new Set(documents[0]!.diagnostics!.map((d) => describe(d)[2]));
    expect(codes).toEqual(new Set(['duplicate-name']));
});

it('10 000 nested braces give syntax errors', async () => {
    for (const text of ['{'.repeat(10_000), `model m { ${'{'.repeat(10_000)}${'}'.repeat(10_000)} }`]) {
        const doc = await checkText(text);
        const errors = doc.diagnostics!.filter((d) => d.severity === 1);
        expect(errors.map((d) => describe(d)[2])).toContain('parsing-error');
        expect(errors[0]!.message).toMatch(/^Expecting token of type '(EOF|\}|)' but found `\{`\.$/);
    }
});

it('a folder or a missing file is a clear error', async () => {
    await expect(loadSpecs([dir])).rejects.toThrow(`${dir}: is a directory, not a spec file`);
    await expect(loadSpecs([join(dir, 'nope.nnp')])).rejects.toThrow(`${join(dir, 'nope.nnp')}: no such file`);
});
