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
// The language server keeps running on its own; everything else exits with its status, once stdout and
// stderr are drained: to a pipe they may be asynchronous, and exiting at once would cut off a large
// output (seen: `nnp eval --json | …` stopped at 64 KiB, the pipe's buffer).
if (process.argv[2] !== 'lsp') {
    const drained = (stream) => new Promise((resolve) => stream.write('', resolve));
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    process.exit(code);
}
