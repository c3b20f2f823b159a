// Document symbols (outline) and folding ranges.
import { URI } from 'langium';
import { expect, it } from 'vitest';
import { checkText, services } from '../../helpers/specs.js';

const SPEC = `potential sw = stillinger_weber Si { }
model si {
  element Si
  cutoff cosine 5 A
  descriptors for Si {
    radial Si eta 0.1 /A^2
  }
  network for Si { hidden 4 activation tanh }
}
dataset d {
  sample sw { crystal diamond Si a 5.431 A rattle 0.05 A frames 4 }
}
`;

it('outlines potentials, models (with their elements) and datasets', async () => {
    const doc = await checkText(SPEC);
    const symbols = await services.lsp.DocumentSymbolProvider!.getSymbols(doc, { textDocument: { uri: URI.file('/x').toString() } });
    const names = (list: typeof symbols): unknown[] => list.map((s) => ('children' in s && s.children?.length ? [s.name, names(s.children)] : s.name));
    expect(names(symbols)).toEqual(['sw', ['si', ['Si']], 'd']);
});

it('folds every multi-line block', async () => {
    const doc = await checkText(SPEC);
    const ranges = await services.lsp.FoldingRangeProvider!.getFoldingRanges(doc, { textDocument: { uri: URI.file('/x').toString() } });
    expect(ranges.map((r) => [r.startLine, r.endLine])).toEqual(expect.arrayContaining([[1, 7], [4, 5], [9, 10]]));
});
