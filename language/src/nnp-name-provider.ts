// Only declarations have names. Several statements use a `name` property for other things (a unit
// symbol, a potential parameter, an optimiser option); without this they would appear in the
// outline and in scopes as if they were declarations.
import { DefaultNameProvider, type AstNode, type CstNode } from 'langium';

const DECLARATIONS = new Set(['Model', 'Potential', 'Dataset', 'DescriptorSet', 'ElementDecl', 'Run', 'Surface', 'States', 'Scan', 'Material', 'ConstitutiveModel']);

export class NnpNameProvider extends DefaultNameProvider {
    override getName(node: AstNode): string | undefined {
        return DECLARATIONS.has(node.$type) ? super.getName(node) : undefined;
    }

    override getNameNode(node: AstNode): CstNode | undefined {
        return DECLARATIONS.has(node.$type) ? super.getNameNode(node) : undefined;
    }
}
