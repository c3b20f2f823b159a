// Completion beyond keywords and names: units valid at the position (by the dimension the number
// needs), chemical element symbols where an element is declared, and the model's own elements
// where descriptors name neighbours.
import { readdirSync, type Dirent } from 'node:fs';
import { dirname, join } from 'node:path';
import { AstUtils, GrammarAST, TextDocument, type AstNode, type MaybePromise } from 'langium';
import { DefaultCompletionProvider, type CompletionAcceptor, type CompletionContext, type NextFeature } from 'langium/lsp';
import { CompletionItemKind } from 'vscode-languageserver';
import { isModel, isQuantity, isValues, type ElementDecl, type Quantity, type Values } from '../generated/ast.js';
import { ELEMENTS } from '../elements.js';
import { expectedDimension } from '../quantities.js';
import { DIMENSIONS, UNITS, sameDimension } from '../units.js';

/** String positions that name files, and which files fit there. */
const FILE_FEATURES: Readonly<Record<string, 'structures' | 'spec'>> = {
    'Import.path': 'spec', 'DataFile.path': 'structures', 'FileStructure.path': 'structures', 'NebEnds.path': 'structures',
    'StructureList.paths': 'structures', 'UncertaintyOn.path': 'structures', 'Select.pool': 'structures',
};

/** A top-level statement starts at the beginning of a line with one of these keywords. */
const ITEM_START = /^(?:model|potential|dataset|train|run|descriptor_set)\b/gm;

export class NnpCompletionProvider extends DefaultCompletionProvider {
    /**
     * Langium finds the next grammar features by parsing the text from its start to the cursor,
     * which costs ~80 ms at the end of a 3 000-line spec. Top-level statements are independent, so
     * parsing from the start of the statement at the cursor gives the same features.
     */
    protected override findFeaturesAt(document: TextDocument, offset: number): NextFeature[] {
        const text = document.getText();
        let start = 0;
        ITEM_START.lastIndex = 0;
        for (let m = ITEM_START.exec(text); m && m.index < offset; m = ITEM_START.exec(text)) start = m.index;
        if (start === 0) return super.findFeaturesAt(document, offset);
        const tail = TextDocument.create(document.uri, document.languageId, document.version, text.slice(start));
        return super.findFeaturesAt(tail, offset - start);
    }

    protected override completionFor(context: CompletionContext, next: NextFeature, acceptor: CompletionAcceptor): MaybePromise<void> {
        const assignment = AstUtils.getContainerOfType(next.feature, GrammarAST.isAssignment);
        const rule = AstUtils.getContainerOfType(next.feature, GrammarAST.isParserRule)?.name;
        if (rule === 'UnitFactor' && assignment?.feature === 'name') return this.units(context, acceptor);
        const fileKind = rule && assignment ? FILE_FEATURES[`${rule}.${assignment.feature}`] : undefined;
        if (fileKind) return this.files(context, acceptor, fileKind);
        if (rule === 'ElementSymbol') {
            // an element symbol: any chemical element where one is declared (or a potential names
            // its elements), the model's own elements where a descriptor names neighbours
            const inDescriptors = context.node && AstUtils.getContainerOfType(context.node, (n): n is AstNode => n.$type === 'DescriptorBlock' || n.$type === 'DescriptorSet');
            return inDescriptors ? this.modelElements(context, acceptor) : this.allElements(context, acceptor);
        }
        return super.completionFor(context, next, acceptor);
    }

    /** Files next to the spec (and one folder down) whose extension fits the position. */
    private files(context: CompletionContext, acceptor: CompletionAcceptor, kind: 'structures' | 'spec'): void {
        const uri = context.document.uri;
        if (uri.scheme !== 'file') return;
        const base = dirname(uri.fsPath);
        const fits = (name: string) => (kind === 'spec' ? name.endsWith('.nnp') : /\.(xyz|extxyz|data)$/i.test(name)) && join(base, name) !== uri.fsPath;
        const found: string[] = [];
        const visit = (rel: string, depth: number) => {
            let entries: Dirent[];
            try {
                entries = readdirSync(join(base, rel), { withFileTypes: true });
            } catch {
                return;
            }
            for (const e of entries) {
                const path = rel ? `${rel}/${e.name}` : e.name;
                if (e.isDirectory() && depth < 1 && !e.name.startsWith('.') && e.name !== 'node_modules') visit(path, depth + 1);
                else if (e.isFile() && fits(e.name)) found.push(path);
            }
        };
        visit('', 0);
        for (const path of found.sort()) acceptor(context, { label: JSON.stringify(path), kind: CompletionItemKind.File, detail: kind === 'spec' ? 'spec' : 'structure file' });
    }

    /** Units whose dimension fits the number before the cursor (all units if unknown). */
    private units(context: CompletionContext, acceptor: CompletionAcceptor): void {
        const quantity = findQuantity(context.node);
        const dim = quantity ? expectedDimension(quantity) : undefined;
        const named = dim ? DIMENSIONS[dim] : undefined;
        for (const [symbol, unit] of UNITS) {
            // a compound unit (eV/A) is built from these factors; offer the factors of the right base
            // dimension first, the rest after
            const fits = !named || named.examples.some((e) => e === symbol || e.startsWith(`${symbol}/`) || e.startsWith(`/${symbol}`))
                || sameDimension(unit.dimension, named.dimension);
            acceptor(context, { label: symbol, kind: CompletionItemKind.Unit, detail: named ? `${named.name}` : undefined, sortText: `${fits ? 0 : 1}${symbol}` });
        }
    }

    private allElements(context: CompletionContext, acceptor: CompletionAcceptor): void {
        for (const e of ELEMENTS) acceptor(context, { label: e.symbol, kind: CompletionItemKind.Constant, detail: `${e.name}, Z = ${e.z}, ${e.mass} amu`, sortText: String(e.z).padStart(3, '0') });
    }

    private modelElements(context: CompletionContext, acceptor: CompletionAcceptor): void {
        const model = context.node ? AstUtils.getContainerOfType(context.node, isModel) : undefined;
        for (const el of model?.members.filter((m): m is ElementDecl => m.$type === 'ElementDecl') ?? []) {
            acceptor(context, { label: el.name, kind: CompletionItemKind.Constant, detail: `element of model ${model!.name}` });
        }
    }
}

/** The quantity being written at the cursor: the node itself, a container, or its last quantity child. */
function findQuantity(node: AstNode | undefined): Quantity | Values | undefined {
    if (!node) return undefined;
    const up = AstUtils.getContainerOfType(node, (n): n is Quantity | Values => isQuantity(n) || isValues(n));
    if (up) return up;
    const children = AstUtils.streamContents(node).filter((n): n is Quantity | Values => isQuantity(n) || isValues(n)).toArray();
    return children.at(-1);
}
