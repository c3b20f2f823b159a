// Go to definition, find references and rename across a spec and a file it imports.
import { URI, type LangiumDocument } from 'langium';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { services } from '../../helpers/specs.js';

const SETS = URI.file('/nav/sets.nnp');
const MAIN = URI.file('/nav/main.nnp');
const SETS_TEXT = 'descriptor_set si_radial {\n  radial Si eta [0.1 0.2] /A^2\n}\n';
const MAIN_TEXT = `import "sets.nnp"
potential sw = stillinger_weber Si { }
dataset d {
  sample sw { crystal diamond Si a 5.431 A rattle 0.05 A frames 4 }
}
model m {
  element Si
  cutoff cosine 4 A
  descriptors for Si { include si_radial }
  network for Si { hidden 4 activation tanh }
}
train m on d { epochs 1 }
`;

let main: LangiumDocument;
let sets: LangiumDocument;
beforeAll(async () => {
    const documents = services.shared.workspace.LangiumDocuments;
    sets = documents.createDocument(SETS, SETS_TEXT);
    main = documents.createDocument(MAIN, MAIN_TEXT);
    await services.shared.workspace.DocumentBuilder.build([sets, main], { validation: true });
});
afterAll(() => {
    services.shared.workspace.LangiumDocuments.deleteDocument(MAIN);
    services.shared.workspace.LangiumDocuments.deleteDocument(SETS);
});

const at = (line: number, character: number) => ({ textDocument: { uri: MAIN.toString() }, position: { line, character } });

it('resolves an imported descriptor set without errors', () => {
    expect((main.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
});

it('goes to the definition of a dataset, a potential and an imported set', async () => {
    const d = await services.lsp.DefinitionProvider!.getDefinition(main, at(11, 11));
    expect(d?.map((l) => [l.targetUri, l.targetSelectionRange.start.line])).toEqual([[MAIN.toString(), 2]]);
    const p = await services.lsp.DefinitionProvider!.getDefinition(main, at(3, 10));
    expect(p?.map((l) => l.targetSelectionRange.start.line)).toEqual([1]);
    const s = await services.lsp.DefinitionProvider!.getDefinition(main, at(8, 33));
    expect(s?.map((l) => [l.targetUri, l.targetSelectionRange.start.line])).toEqual([[SETS.toString(), 0]]);
});

it('finds the references of a model and renames it everywhere', async () => {
    const refs = await services.lsp.ReferencesProvider!.findReferences(main, { ...at(5, 6), context: { includeDeclaration: true } });
    expect(refs.map((r) => r.range.start.line).sort((a, b) => a - b)).toEqual([5, 11]);
    const edit = await services.lsp.RenameProvider!.rename(main, { ...at(5, 6), newName: 'silicon' });
    const edits = edit?.changes?.[MAIN.toString()] ?? [];
    expect(edits.map((e) => [e.range.start.line, e.newText]).sort()).toEqual([[11, 'silicon'], [5, 'silicon']].sort());
});

it('renames a descriptor set across the file that defines it and the file that uses it', async () => {
    const edit = await services.lsp.RenameProvider!.rename(main, { ...at(8, 33), newName: 'si_g2' });
    expect(Object.keys(edit?.changes ?? {}).sort()).toEqual([MAIN.toString(), SETS.toString()].sort());
    expect(edit!.changes![SETS.toString()]!.map((e) => [e.range.start.line, e.newText])).toEqual([[0, 'si_g2']]);
    expect(edit!.changes![MAIN.toString()]!.map((e) => [e.range.start.line, e.newText])).toEqual([[8, 'si_g2']]);
});
