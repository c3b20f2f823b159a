// Semantic tokens for what a TextMate grammar cannot tell apart: numbers, units (identifiers after
// a number), element symbols, and the names of models, potentials and datasets.
import type { AstNode } from 'langium';
import { AbstractSemanticTokenProvider, type SemanticTokenAcceptor } from 'langium/lsp';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver';

const NAMED_DEFINITIONS = new Set(['Model', 'Potential', 'Dataset', 'DescriptorSet']);

export class NnpSemanticTokenProvider extends AbstractSemanticTokenProvider {
    protected highlightElement(node: AstNode, acceptor: SemanticTokenAcceptor): void {
        const n = node as AstNode & Record<string, unknown>;
        switch (node.$type) {
            case 'Quantity':
            case 'Percent':
                acceptor({ node, property: 'value', type: SemanticTokenTypes.number });
                return;
            case 'Values':
                (n['values'] as number[]).forEach((_, index) => acceptor({ node, property: 'values', index, type: SemanticTokenTypes.number }));
                return;
            case 'UnitFactor':
                acceptor({ node, property: 'name', type: SemanticTokenTypes.type });
                return;
            case 'ElementDecl':
                acceptor({ node, property: 'name', type: SemanticTokenTypes.enumMember, modifier: SemanticTokenModifiers.declaration });
                return;
            case 'RadialFunction':
            case 'CompactRadialFunction':
                if (n['neighbor']) acceptor({ node, property: 'neighbor', type: SemanticTokenTypes.enumMember });
                return;
            case 'AngularFunction':
            case 'CompactAngularFunction':
                if (n['neighbor1']) acceptor({ node, property: 'neighbor1', type: SemanticTokenTypes.enumMember });
                if (n['neighbor2']) acceptor({ node, property: 'neighbor2', type: SemanticTokenTypes.enumMember });
                return;
            case 'DescriptorBlock':
            case 'NetworkSpec':
                (n['elements'] as unknown[]).forEach((_, index) => acceptor({ node, property: 'elements', index, type: SemanticTokenTypes.enumMember }));
                return;
            default:
                if (NAMED_DEFINITIONS.has(node.$type)) acceptor({ node, property: 'name', type: SemanticTokenTypes.class, modifier: SemanticTokenModifiers.declaration });
        }
    }
}
