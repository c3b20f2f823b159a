// `path:line:col: error|warning: message [code]`, the format compilers and editors understand.
import { relative } from 'node:path';
import type { LangiumDocument } from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import { diagnosticCode } from '../../../language/src/diagnostic-code.js';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'] as const;

export { diagnosticCode };

export function formatDiagnostic(displayPath: string, d: Diagnostic): string {
    const code = diagnosticCode(d);
    const severity = SEVERITY[d.severity ?? 1] ?? 'error';
    return `${displayPath}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severity}: ${d.message}${code ? ` [${code}]` : ''}`;
}

/** Path as the user would type it: relative to the working directory when below it. */
export function displayPath(doc: LangiumDocument, cwd = process.cwd()): string {
    const rel = relative(cwd, doc.uri.fsPath);
    return rel.startsWith('..') ? doc.uri.fsPath : rel;
}

export function sortedDiagnostics(doc: LangiumDocument): Diagnostic[] {
    return [...(doc.diagnostics ?? [])].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
