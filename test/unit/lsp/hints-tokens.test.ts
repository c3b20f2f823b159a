// Inlay hints (how many functions a statement expands to) and semantic tokens.
import { URI } from 'langium';
import { SemanticTokensDecoder } from 'langium/lsp';
import { expect, it } from 'vitest';
import { checkText, services } from '../../helpers/specs.js';

const SPEC = `model m {
  element Si
  cutoff cosine 5 A
  descriptors for Si {
    radial Si eta [0.1 0.2 0.3] /A^2 rshift [0 1] A
    radial Si grid shifted 8 from 1 A to 4 A
    angular narrow Si Si eta 0.01 /A^2 lambda [-1 1] zeta [1 2 4]
    radial Si eta 0.5 /A^2
  }
  network for Si { hidden 4 activation tanh }
}
`;

it('shows how many functions each statement expands to', async () => {
    const doc = await checkText(SPEC);
    const range = { start: { line: 0, character: 0 }, end: { line: 11, character: 0 } };
    const hints = await services.lsp.InlayHintProvider!.getInlayHints(doc, { textDocument: { uri: URI.file('/x').toString() }, range });
    expect((hints ?? []).map((h) => [h.position.line, h.label])).toEqual([[4, ' → 6 functions'], [5, ' → 8 functions'], [6, ' → 6 functions']]);
});

it('marks numbers, units and element symbols', async () => {
    const doc = await checkText(SPEC);
    const tokens = await services.lsp.SemanticTokenProvider!.semanticHighlight(doc, { textDocument: { uri: URI.file('/x').toString() } });
    const decoded = SemanticTokensDecoder.decode(tokens, services.lsp.SemanticTokenProvider!.tokenTypes, doc);
    const at = (line: number) => decoded.filter((t) => doc.textDocument.positionAt(t.offset).line === line)
        .map((t) => `${doc.textDocument.getText().slice(t.offset, t.offset + t.text.length)}:${t.tokenType}`);
    expect(at(1)).toEqual(['Si:enumMember']);
    expect(at(2)).toEqual(['5:number', 'A:type']);
    expect(at(4)).toEqual(['Si:enumMember', '0.1:number', '0.2:number', '0.3:number', 'A:type', '0:number', '1:number', 'A:type']);
});
