// The stable code of a diagnostic: validator checks put it in `code`, Langium's lexer, parser and
// linker (and our linker messages) in `data.code`.
import type { Diagnostic } from 'vscode-languageserver-types';

export function diagnosticCode(d: Diagnostic): string | undefined {
    const data = d.data as { code?: string } | undefined;
    return data?.code ?? (typeof d.code === 'string' ? d.code : undefined);
}
