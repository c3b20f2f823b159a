// Completion: units that fit the number being written, element symbols, the model's elements.
import { URI } from 'langium';
import { expect, it } from 'vitest';
import { checkText, services } from '../../helpers/specs.js';

/** Completion labels at the `|` in `text`, in the order the client would sort them. */
async function complete(text: string): Promise<string[]> {
    const offset = text.indexOf('|');
    const doc = await checkText(text.replace('|', ''));
    const position = doc.textDocument.positionAt(offset);
    const list = await services.lsp.CompletionProvider!.getCompletion(doc, { textDocument: { uri: URI.file('/x').toString() }, position });
    return (list?.items ?? []).sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);
}

it('offers length units first after a cutoff radius', async () => {
    const labels = await complete('model m { element Si cutoff cosine 5.0 | }');
    expect(labels.slice(0, 8)).toEqual(expect.arrayContaining(['A', 'bohr', 'nm']));
    expect(labels.indexOf('bohr')).toBeLessThan(labels.indexOf('eV'));
    expect(labels).toContain('fs');
});

it('offers time units first after a timestep', async () => {
    const labels = await complete('potential lj = lennard_jones Ar { epsilon 1 eV sigma 3 A cutoff 8 A }\nrun md lj { timestep 2 | }');
    expect(labels.indexOf('fs')).toBeLessThan(labels.indexOf('A'));
    expect(labels.indexOf('ps')).toBeLessThan(labels.indexOf('eV'));
});

it('offers chemical elements after `element` and the model\'s elements for neighbours', async () => {
    const all = await complete('model m { element | }');
    expect(all.slice(0, 3)).toEqual(['H', 'He', 'Li']);
    expect(all).toContain('Og');
    const own = await complete('model m { element Si element O cutoff cosine 5 A descriptors for Si { radial | } }');
    expect(own).toEqual(expect.arrayContaining(['Si', 'O', 'weighted', 'compact']));
    expect(own).not.toContain('Ge');
});

it('offers structure files next to the spec after `from`, and specs after `import`', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'nnp-files-'));
    mkdirSync(join(dir, 'data'));
    for (const f of ['a.xyz', 'data/b.data', 'data/c.extxyz', 'notes.txt', 'other.nnp']) writeFileSync(join(dir, f), '');
    const at = async (text: string) => {
        const offset = text.indexOf('|');
        const { checkText: check } = await import('../../helpers/specs.js');
        const doc = await check(text.replace('|', ''), join(dir, 'main.nnp'));
        const list = await services.lsp.CompletionProvider!.getCompletion(doc, { textDocument: { uri: doc.uri.toString() }, position: doc.textDocument.positionAt(offset) });
        return (list?.items ?? []).map((i) => i.label);
    };
    expect(await at('dataset d { from | }')).toEqual(expect.arrayContaining(['"a.xyz"', '"data/b.data"', '"data/c.extxyz"']));
    expect(await at('dataset d { from | }')).not.toContain('"notes.txt"');
    expect(await at('import |')).toEqual(['"other.nnp"']);
});

it('offers the names of models, datasets and potentials where they are referenced', async () => {
    const spec = `potential sw = stillinger_weber Si { }
dataset hot { sample sw { crystal diamond Si a 5.431 A rattle 0.05 A frames 2 } }
model si { element Si cutoff cosine 5 A descriptors for Si { radial Si eta 0.1 /A^2 } network for Si { hidden 4 activation tanh } }
`;
    expect(await complete(`${spec}train | on hot { epochs 1 }`)).toContain('si');
    expect(await complete(`${spec}train si on | { epochs 1 }`)).toContain('hot');
    const calculators = await complete(`${spec}run md | { timestep 1 fs }`);
    expect(calculators).toEqual(expect.arrayContaining(['si', 'sw']));
});
