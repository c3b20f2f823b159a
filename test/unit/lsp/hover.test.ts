// Hover: keywords (formula and units), quantities (converted value), elements, model summaries.
import { URI } from 'langium';
import { expect, it } from 'vitest';
import { checkText, services } from '../../helpers/specs.js';

const SPEC = `model water {
  element H
  element O mass 15.999 amu
  cutoff tanhu 12 bohr
  descriptors for H, O {
    radial H eta [0.001 0.01] /bohr^2
    angular narrow O H eta 0.07 /bohr^2 lambda [-1 1] zeta 1
  }
  network for H, O { hidden 25 25 activation tanh }
}
`;

async function hoverAt(text: string, line: number, character: number): Promise<string | undefined> {
    const doc = await checkText(text);
    const hover = await services.lsp.HoverProvider!.getHoverContent(doc, { textDocument: { uri: URI.file('/x').toString() }, position: { line, character } });
    return hover ? (hover.contents as { value: string }).value : undefined;
}

it('explains keywords with their formula', async () => {
    expect(await hoverAt(SPEC, 5, 5)).toMatch(/^Radial function \(Behler G2, n2p2 type 2\): G = Σⱼ exp\(−η \(r_ij − r_s\)²\) f_c\(r_ij\)/);
    expect(await hoverAt(SPEC, 3, 10)).toBe('Unnormalised tanh cutoff (n2p2 type 2): f_c = tanh³(1 − r/r_c); f_c(0) ≈ 0.4417.');
    expect(await hoverAt(SPEC, 6, 24)).toMatch(/^Width η of the Gaussian/);
});

it('shows a number with a unit in internal units', async () => {
    expect(await hoverAt(SPEC, 3, 15)).toBe('`12 bohr` = 6.35013 Å (a length)');
    expect(await hoverAt(SPEC, 3, 19)).toBe('`12 bohr` = 6.35013 Å (a length)');
    expect(await hoverAt(SPEC, 5, 18)).toBe('`[0.001 0.01] /bohr^2` = [0.00357106, 0.0357106] Å⁻² (an inverse squared length)');
});

it('describes element symbols and summarises models', async () => {
    expect(await hoverAt(SPEC, 1, 10)).toBe('**Hydrogen** (H), Z = 1, mass 1.008 amu');
    expect(await hoverAt(SPEC, 2, 10)).toBe('**Oxygen** (O), Z = 8, mass 15.999 (declared) amu');
    const summary = await hoverAt(SPEC, 0, 8);
    expect(summary).toContain('**model water**: 2 elements');
    expect(summary).toContain('- H: 4 functions, network 4-25-25-1 (801 parameters)');
    expect(summary).toContain('- O: 4 functions, network 4-25-25-1 (801 parameters)');
});

it('says nothing over whitespace and comments', async () => {
    expect(await hoverAt(`${SPEC}\n// comment\n`, 11, 4)).toBeUndefined();
});

it('documents every keyword of the grammar', async () => {
    const { AstUtils, GrammarAST } = await import('langium');
    const { KEYWORD_DOCS } = await import('../../../language/src/lsp/keyword-docs.js');
    const words = [...new Set(AstUtils.streamAllContents(services.Grammar).filter(GrammarAST.isKeyword).map((k) => k.value))].filter((k) => /^[A-Za-z_]\w*$/.test(k));
    expect(words.length).toBeGreaterThan(150);
    expect(words.filter((w) => !KEYWORD_DOCS[w])).toEqual([]);
});
