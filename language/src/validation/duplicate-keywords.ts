// A keyword that sets a property may appear once per statement (`hidden 8 hidden 16` would
// silently keep one of them). The grammar allows any order, so the check reads the CST.
import { CstUtils, GrammarAST, type AstNode, type ValidationAcceptor } from 'langium';
import { IssueCodes } from './issue-codes.js';

/** Setting keywords per AST type that may occur at most once in one statement. */
const SINGLE_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
    ElementDecl: ['mass', 'energy'],
    NetworkSpec: ['hidden', 'activation', 'output', 'normalize_nodes'],
    NormalizationSpec: ['mean_energy', 'conv_energy', 'conv_length'],
    Split: ['train', 'validation', 'test'],
    Loss: ['energy', 'forces'],
    Schedule: ['factor', 'patience', 'min_lr'],
    Vdos: ['bins', 'smearing', 'max'],
    RadialFunction: ['eta', 'rshift'],
    AngularFunction: ['eta', 'lambda', 'zeta', 'rshift'],
};

export function checkDuplicateKeywords(node: AstNode, accept: ValidationAcceptor): void {
    const keywords = SINGLE_KEYWORDS[node.$type];
    if (!keywords || !node.$cstNode) return;
    const seen = new Set<string>();
    for (const leaf of CstUtils.flattenCst(node.$cstNode)) {
        if (leaf.astNode !== node || !GrammarAST.isKeyword(leaf.grammarSource)) continue;
        const word = leaf.grammarSource.value;
        if (!keywords.includes(word)) continue;
        if (seen.has(word)) {
            accept('error', `'${word}' is given twice; only the last would count.`, { node, range: leaf.range, code: IssueCodes.DuplicateSetting });
        }
        seen.add(word);
    }
}
