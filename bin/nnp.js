#!/usr/bin/env node
// Entry point of the `nnp` command (the package's bin). Node 20 lacks Object.groupBy, which the
// parser library calls: the polyfill must load first.
import '../scripts/polyfill-groupby.cjs';
import { existsSync } from 'node:fs';

const entry = new URL('../dist/compiler/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
    console.error('nnp: not built yet; run `npm run build` in the nnp folder first');
    process.exit(2);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
// The language server keeps running on its own; everything else exits with its status.
if (process.argv[2] !== 'lsp') process.exit(code);
