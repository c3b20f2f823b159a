// Quick fixes for the diagnostics that have an obvious repair: add a missing unit, correct a
// misspelled unit, element, name or keyword, declare an element, add a missing network or descriptors.
import { AstUtils, CstUtils, GrammarAST, type Grammar, type LangiumDocument } from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import type { CodeAction, CodeActionParams, Diagnostic, Position, Range } from 'vscode-languageserver';
import { diagnosticCode } from '../diagnostic-code.js';
import { isModel, type ElementDecl, type Model } from '../generated/ast.js';
import { DIMENSIONS, editDistance, type DimensionName } from '../units.js';
import { IssueCodes } from '../validation/issue-codes.js';

interface FixData {
    readonly expected?: DimensionName;
    readonly suggestions?: readonly string[];
    readonly symbol?: string;
    readonly element?: string;
}

export class NnpCodeActionProvider implements CodeActionProvider {
    /** Every keyword of the grammar, for fixing a misspelled one. */
    private readonly keywords: readonly string[];

    constructor(grammar: Grammar) {
        this.keywords = [...new Set(AstUtils.streamAllContents(grammar).filter(GrammarAST.isKeyword).map((k) => k.value).filter((k) => /^[a-z_]{3,}$/.test(k)))];
    }

    getCodeActions(document: LangiumDocument, params: CodeActionParams): CodeAction[] {
        return params.context.diagnostics.flatMap((d) => this.fixes(document, d));
    }

    private fixes(document: LangiumDocument, d: Diagnostic): CodeAction[] {
        const data = (d.data ?? {}) as FixData;
        const text = document.textDocument.getText(d.range);
        const edit = (title: string, range: Range, newText: string, preferred = false): CodeAction => ({
            title, kind: 'quickfix', diagnostics: [d], isPreferred: preferred,
            edit: { changes: { [document.uri.toString()]: [{ range, newText }] } },
        });
        switch (diagnosticCode(d)) {
            case IssueCodes.MissingUnit: {
                const examples = data.expected ? DIMENSIONS[data.expected].examples : [];
                return examples.map((u, i) => edit(`Add unit ${u}`, { start: d.range.end, end: d.range.end }, ` ${u}`, i === 0));
            }
            case IssueCodes.UnknownUnit:
                return (data.suggestions ?? []).map((s, i) => edit(`Change to '${s}'`, d.range, text.replace(data.symbol ?? text, s), i === 0));
            case IssueCodes.UnknownElement:
            case IssueCodes.UnresolvedReference:
                return (data.suggestions ?? []).map((s, i) => edit(`Change to '${s}'`, d.range, s, i === 0));
            case IssueCodes.NeighborNotInModel: {
                const model = modelAt(document, d.range.start);
                const last = model?.members.filter((m): m is ElementDecl => m.$type === 'ElementDecl').at(-1)?.$cstNode?.range.end.line;
                if (!model || last === undefined || !data.element) return [];
                return [edit(`Declare element ${data.element} in model '${model.name}'`, point(last + 1), `  element ${data.element}\n`, true)];
            }
            case IssueCodes.DescriptorsWithoutNetwork: {
                const at = closingLine(document, d.range.start);
                if (at === undefined || !data.element) return [];
                return [edit(`Add a network for ${data.element}`, point(at), `  network for ${data.element} { hidden 16 16 activation tanh }\n`, true)];
            }
            case IssueCodes.NetworkWithoutDescriptors: {
                const at = closingLine(document, d.range.start);
                if (at === undefined || !data.element) return [];
                const el = data.element;
                return [edit(`Add descriptors for ${el}`, point(at), `  descriptors for ${el} {\n    radial ${el} eta [0.01 0.1 1] /A^2\n  }\n`, true)];
            }
            case 'parsing-error': {
                // a misspelled keyword: the unexpected word is within two edits of a keyword
                const word = text.trim();
                if (!/^[A-Za-z_]\w*$/.test(word)) return [];
                const close = this.keywords.map((k) => ({ k, d: editDistance(k, word.toLowerCase()) })).filter((x) => x.d > 0 && x.d <= 2)
                    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k)).slice(0, 3);
                return close.map(({ k }, i) => edit(`Change to '${k}'`, d.range, k, i === 0));
            }
            default:
                return [];
        }
    }
}

function point(line: number): Range {
    return { start: { line, character: 0 }, end: { line, character: 0 } };
}

function modelAt(document: LangiumDocument, position: Position): Model | undefined {
    const root = document.parseResult.value.$cstNode;
    const leaf = root && CstUtils.findLeafNodeAtOffset(root, document.textDocument.offsetAt(position));
    return leaf ? AstUtils.getContainerOfType(leaf.astNode, isModel) : undefined;
}

/** The line of the model's closing brace, where new members are inserted. */
function closingLine(document: LangiumDocument, position: Position): number | undefined {
    return modelAt(document, position)?.$cstNode?.range.end.line;
}
