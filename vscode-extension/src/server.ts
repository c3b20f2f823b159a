// Entry of the bundled language server (out/server.cjs), started by the extension over stdio.
import { startNnpLanguageServer } from '../../language/src/main-lsp.js';

startNnpLanguageServer();
