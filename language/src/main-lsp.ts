// The language server: `nnp lsp --stdio` (or any LSP transport vscode-languageserver supports).
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createNnpServices } from './nnp-module.js';

export function startNnpLanguageServer(): void {
    const connection = createConnection(ProposedFeatures.all);
    const { shared } = createNnpServices({ connection, ...NodeFileSystem });
    startLanguageServer(shared);
}
