// Inlay hints: how many symmetry functions a statement expands to (lists are Cartesian products,
// grids generate functions, sets are inlined), so a spec's network input size is visible as typed.
import { AstUtils, type AstNode } from 'langium';
import { AbstractInlayHintProvider, type InlayHintAcceptor } from 'langium/lsp';
import { InlayHintKind } from 'vscode-languageserver';
import { expandItems } from '../descriptor-expansion.js';
import { isDescriptorBlock, isDescriptorSet, isModel, type CutoffSpec, type DescriptorItem } from '../generated/ast.js';

const EXPANDING = new Set(['RadialFunction', 'AngularFunction', 'IncludeSet']);

export class NnpInlayHintProvider extends AbstractInlayHintProvider {
    computeInlayHint(node: AstNode, acceptor: InlayHintAcceptor): void {
        if (!EXPANDING.has(node.$type) || !node.$cstNode) return;
        const container = node.$container;
        if (!isDescriptorBlock(container) && !isDescriptorSet(container)) return;
        // counting needs no real cutoff: functions without one still expand
        const model = AstUtils.getContainerOfType(node, isModel);
        const cutoff = model?.members.find((m): m is CutoffSpec => m.$type === 'CutoffSpec');
        const count = expandItems([node as DescriptorItem], cutoff, new Set()).length;
        if (count <= 1 && node.$type !== 'IncludeSet') return;
        acceptor({
            position: node.$cstNode.range.end,
            label: ` → ${count} function${count === 1 ? '' : 's'}`,
            kind: InlayHintKind.Type,
            paddingLeft: true,
        });
    }
}
