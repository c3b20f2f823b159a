// Formatting: blocks open on their statement's line, their members go one per line, indented, and
// the closing brace on its own line; blank lines and comments the author put between them stay. Short inline blocks (networks, potential
// parameters) stay on one line. Formatting is idempotent (tested).
import type { AstNode } from 'langium';
import { AbstractFormatter, Formatting } from 'langium/lsp';

/** Blocks whose members go one per line. */
const BLOCKS = new Set(['Model', 'DescriptorBlock', 'DescriptorSet', 'Dataset', 'Sample', 'Training', 'Run']);

export class NnpFormatter extends AbstractFormatter {
    protected format(node: AstNode): void {
        if (node.$type === 'Spec') {
            const f = this.getNodeFormatter(node);
            const items = (node as unknown as { items: AstNode[] }).items;
            f.nodes(...items.slice(1)).prepend(Formatting.newLine({ allowMore: true }));
            return;
        }
        if (!BLOCKS.has(node.$type)) return;
        const f = this.getNodeFormatter(node);
        const open = f.keyword('{');
        const close = f.keyword('}');
        open.prepend(Formatting.oneSpace());
        // the interior (members and the comments between them) is indented; members start lines
        f.interior(open, close).prepend(Formatting.indent({ allowMore: true }));
        close.prepend(Formatting.newLine());
    }
}
