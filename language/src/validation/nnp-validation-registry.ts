// After a syntax error the AST is incomplete (properties the grammar requires may be missing).
// A check that trips over such a node is skipped: the syntax error is already reported and says
// what to fix. In a document without syntax errors a failing check is a bug and is reported.
import { AstUtils, isOperationCancelled, ValidationRegistry, type AstNode, type ValidationAcceptor } from 'langium';
import { IssueCodes } from './issue-codes.js';

export class NnpValidationRegistry extends ValidationRegistry {
    protected override async handleException(functionality: () => unknown | Promise<unknown>, messageContext: string, accept: ValidationAcceptor, node: AstNode): Promise<void> {
        try {
            await functionality();
        } catch (err) {
            if (isOperationCancelled(err)) throw err;
            const parse = AstUtils.getDocument(node).parseResult;
            if (parse.parserErrors.length > 0 || parse.lexerErrors.length > 0) return;
            accept('error', `Internal error in nnp's checks (${messageContext}): ${err instanceof Error ? err.message : String(err)}. Please report it.`,
                { node, code: IssueCodes.InternalError });
        }
    }
}
