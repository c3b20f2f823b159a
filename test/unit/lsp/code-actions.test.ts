// Quick fixes: applying the preferred fix removes the diagnostic it was offered for.
import { URI } from 'langium';
import { TextDocument } from 'langium';
import type { CodeAction } from 'vscode-languageserver';
import { expect, it } from 'vitest';
import { checkText, codeOf, services } from '../../helpers/specs.js';

async function fix(text: string, code: string): Promise<{ titles: string[]; fixed: string; codesAfter: string[] }> {
    const doc = await checkText(text);
    const diagnostics = (doc.diagnostics ?? []).filter((d) => codeOf(d) === code);
    expect(diagnostics, `no ${code} diagnostic`).toHaveLength(1);
    const actions = (await services.lsp.CodeActionProvider!.getCodeActions(doc, {
        textDocument: { uri: doc.uri.toString() }, range: diagnostics[0]!.range, context: { diagnostics },
    })) as CodeAction[];
    const preferred = actions.find((a) => a.isPreferred)!;
    const edits = Object.values(preferred.edit!.changes!)[0]!;
    const fixed = TextDocument.applyEdits(TextDocument.create(URI.file('/x').toString(), 'nnp', 1, text), edits);
    const after = await checkText(fixed);
    return { titles: actions.map((a) => a.title), fixed, codesAfter: (after.diagnostics ?? []).map((d) => codeOf(d)!) };
}

const MODEL = (body: string) => `model m {
  element Si
  cutoff cosine 5.0 A
${body}
}
`;

it('adds a missing unit', async () => {
    const r = await fix(MODEL('  descriptors for Si { radial Si eta 0.1 }\n  network for Si { hidden 4 activation tanh }'), 'missing-unit');
    expect(r.titles).toEqual(['Add unit /A^2', 'Add unit /bohr^2']);
    expect(r.fixed).toContain('radial Si eta 0.1 /A^2');
    expect(r.codesAfter).toEqual([]);
});

it('corrects a misspelled unit inside a compound unit', async () => {
    const r = await fix(MODEL('  descriptors for Si { radial Si eta 0.1 /Ang2 }\n  network for Si { hidden 4 activation tanh }').replace('/Ang2', '/Ang2^2'), 'unknown-unit');
    expect(r.fixed).toContain('eta 0.1 /Ang^2');
    expect(r.codesAfter).toEqual([]);
});

it('corrects an element symbol and a misspelled name', async () => {
    const a = await fix(MODEL('  descriptors for Si { radial Si eta 0.1 /A^2 }\n  network for Si { hidden 4 activation tanh }').replace('element Si', 'element si').replaceAll('for Si', 'for si').replace('radial Si', 'radial si'), 'unknown-element');
    expect(a.titles[0]).toBe("Change to 'Si'");
    const b = await fix(`potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.4 A cutoff 8.5 A }\nrun md ljj { crystal fcc Ar a 5.26 A ensemble nve timestep 2 fs steps 10 }\n`, 'unresolved-reference');
    expect(b.fixed).toContain('run md lj {');
    expect(b.codesAfter).toEqual([]);
});

it('declares a missing element, adds a missing network and missing descriptors', async () => {
    const a = await fix(MODEL('  descriptors for Si { angular narrow Si Ge eta 0.1 /A^2 lambda 1 zeta 1 }\n  network for Si { hidden 4 activation tanh }'), 'neighbor-not-in-model');
    expect(a.fixed).toContain('  element Si\n  element Ge\n');
    const b = await fix(MODEL('  descriptors for Si { radial Si eta 0.1 /A^2 }'), 'descriptors-without-network');
    expect(b.fixed).toContain('  network for Si { hidden 16 16 activation tanh }\n}');
    expect(b.codesAfter).toEqual([]);
    const c = await fix(MODEL('  network for Si { hidden 4 activation tanh }'), 'network-without-descriptors');
    expect(c.codesAfter).toEqual([]);
});

it('fixes a misspelled keyword', async () => {
    const r = await fix(MODEL('  descriptors for Si { radail Si eta 0.1 /A^2 }\n  network for Si { hidden 4 activation tanh }'), 'parsing-error');
    expect(r.titles[0]).toBe("Change to 'radial'");
    expect(r.fixed).toContain('{ radial Si eta 0.1 /A^2 }');
    expect(r.codesAfter).toEqual([]);
});
