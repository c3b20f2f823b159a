// Formatting: examples are already formatted (a fixed point), a squeezed spec is laid out, and
// formatting twice changes nothing more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'langium';
import { expect, it } from 'vitest';
import { checkText, services } from '../../helpers/specs.js';

async function format(text: string): Promise<string> {
    const doc = await checkText(text);
    const edits = await services.lsp.Formatter!.formatDocument(doc, { textDocument: { uri: doc.uri.toString() }, options: { tabSize: 2, insertSpaces: true } });
    return TextDocument.applyEdits(TextDocument.create(doc.uri.toString(), 'nnp', 1, text), edits);
}

it('leaves the examples as they are', async () => {
    for (const name of ['water', 'silicon', 'argon']) {
        const text = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', name, 'model.nnp'), 'utf8');
        expect(await format(text), name).toBe(text);
    }
});

it('lays out a squeezed spec and is idempotent', async () => {
    const squeezed = 'model m {element Si cutoff cosine 5 A descriptors for Si {radial Si eta 0.1 /A^2} network for Si { hidden 4 activation tanh }}\npotential lj = lennard_jones Ar { epsilon 1 eV sigma 3 A cutoff 8 A }';
    const once = await format(squeezed);
    expect(once).toBe(`model m {
  element Si
  cutoff cosine 5 A
  descriptors for Si {
    radial Si eta 0.1 /A^2
  }
  network for Si { hidden 4 activation tanh }
}
potential lj = lennard_jones Ar { epsilon 1 eV sigma 3 A cutoff 8 A }`);
    expect(await format(once)).toBe(once);
});
