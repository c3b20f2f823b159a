// Hover: keywords explain themselves (meaning, formula, units); numbers with units show their
// value in internal units; element symbols show Z and mass; models summarise their size.
import { AstUtils, CstUtils, GrammarAST, type AstNode, type LangiumDocument } from 'langium';
import type { HoverProvider } from 'langium/lsp';
import type { Hover, HoverParams } from 'vscode-languageserver';
import { isModel, isQuantity, isValues, type ElementDecl, type Model, type NetworkSpec, type Quantity, type Values } from '../generated/ast.js';
import { expandModelDescriptors } from '../descriptor-expansion.js';
import { elementBySymbol } from '../elements.js';
import { checkUnit, expectedDimension } from '../quantities.js';
import { DIMENSIONS } from '../units.js';
import { KEYWORD_DOCS } from './keyword-docs.js';

const INTERNAL_UNIT: Readonly<Record<string, string>> = {
    length: 'Å', inverseLength: 'Å⁻¹', inverseArea: 'Å⁻²', energy: 'eV', inverseEnergy: 'eV⁻¹', force: 'eV/Å',
    springConstant: 'eV/Å²', energyLength9: 'eV·Å⁹', time: 'fs', frequency: 'fs⁻¹', mass: 'amu', temperature: 'K',
    angle: 'rad', pressure: 'eV/Å³', dimensionless: '',
};

export class NnpHoverProvider implements HoverProvider {
    getHoverContent(document: LangiumDocument, params: HoverParams): Hover | undefined {
        const root = document.parseResult.value.$cstNode;
        if (!root) return undefined;
        const leaf = CstUtils.findLeafNodeAtOffset(root, document.textDocument.offsetAt(params.position));
        if (!leaf) return undefined;
        const node = leaf.astNode;
        const markdown = this.quantity(node) ?? this.element(node, leaf.text) ?? this.model(node, leaf.text)
            ?? (GrammarAST.isKeyword(leaf.grammarSource) ? KEYWORD_DOCS[leaf.grammarSource.value] : undefined);
        return markdown ? { contents: { kind: 'markdown', value: markdown }, range: leaf.range } : undefined;
    }

    /** `6.35 bohr` → "6.35 bohr = 3.3604 Å (a length)". */
    private quantity(node: AstNode): string | undefined {
        const q = AstUtils.getContainerOfType(node, (n): n is Quantity | Values => isQuantity(n) || isValues(n));
        if (!q) return undefined;
        const dim = expectedDimension(q);
        if (!dim) return undefined;
        const check = checkUnit(q, dim);
        const named = DIMENSIONS[dim];
        if (check.kind !== 'ok') return `Expected ${named.name}${named.examples.length ? ` (e.g. ${named.examples.join(', ')})` : ''}.`;
        const values = 'value' in q ? [q.value] : q.values;
        const unit = INTERNAL_UNIT[dim] ?? '';
        const converted = values.map((v) => format(v * check.factor)).join(', ');
        const written = q.$cstNode?.text.trim() ?? '';
        return `\`${written}\` = ${values.length > 1 ? `[${converted}]` : converted}${unit ? ` ${unit}` : ''} (${named.name})`;
    }

    private element(node: AstNode, text: string): string | undefined {
        const info = elementBySymbol(text);
        if (!info) return undefined;
        const decl = node.$type === 'ElementDecl' ? (node as ElementDecl) : undefined;
        const mass = decl?.mass ? `${decl.mass.value} (declared)` : `${info.mass}`;
        return `**${info.name}** (${info.symbol}), Z = ${info.z}, mass ${mass} amu`;
    }

    /** The model name: element count, functions and network size per element, device memory. */
    private model(node: AstNode, text: string): string | undefined {
        if (!isModel(node) || node.name !== text) return undefined;
        return modelSummary(node);
    }
}

export function modelSummary(model: Model): string {
    const elements = model.members.filter((m): m is ElementDecl => m.$type === 'ElementDecl');
    const lines = [`**model ${model.name}**: ${elements.length} element${elements.length === 1 ? '' : 's'}`, ''];
    let totalParameters = 0;
    let maxFunctions = 0;
    for (const el of elements) {
        const functions = expandModelDescriptors(model, el.name).length;
        maxFunctions = Math.max(maxFunctions, functions);
        const net = model.members.find((m): m is NetworkSpec => m.$type === 'NetworkSpec' && m.elements.some((r) => r.$refText === el.name));
        const sizes = [functions, ...(net && !net.linear ? net.sizes : []), 1];
        let parameters = 0;
        for (let l = 1; l < sizes.length; l++) parameters += (sizes[l - 1]! + 1) * sizes[l]!;
        totalParameters += parameters;
        lines.push(`- ${el.name}: ${functions} functions, network ${sizes.join('-')} (${parameters} parameters)`);
    }
    // float32: parameters + per atom G, dE/dG (functions) and, per neighbour slot (~100), 2 vec4
    const perAtomBytes = 4 * (2 * maxFunctions + 8 * 100 + 16);
    lines.push('', `${totalParameters} parameters; device memory ≈ ${format((4 * totalParameters) / 1024)} KiB + ${format(perAtomBytes / 1024)} KiB per atom`);
    return lines.join('\n');
}

function format(x: number): string {
    return Number(x.toPrecision(6)).toString();
}
