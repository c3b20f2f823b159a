// Top-level definitions (models, potentials, datasets, sets) are exported to the global index,
// which the scope provider searches by name. Leaving them out of the root's local scope avoids
// a linear scan of every definition for every reference (quadratic on large specs).
import { DefaultScopeComputation, type AstNode, type LangiumDocument } from 'langium';
import { isSpec } from './generated/ast.js';

export class NnpScopeComputation extends DefaultScopeComputation {
    protected override addLocalSymbol(node: AstNode, document: LangiumDocument, symbols: Parameters<DefaultScopeComputation['addLocalSymbol']>[2]): void {
        if (isSpec(node.$container)) return;
        super.addLocalSymbol(node, document, symbols);
    }
}
