// Bundles the VS Code extension: the client (out/extension.cjs), the language server
// (out/server.cjs) and the command line its commands run (out/cli.cjs), as CommonJS for the
// extension host. The Object.groupBy polyfill (Node 20) goes first in each bundle.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const polyfill = readFileSync(new URL('./polyfill-groupby.cjs', import.meta.url), 'utf8');
const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    logLevel: 'warning',
    banner: { js: polyfill },
    // vscode is provided by the host; webgpu is a native module, needed only by GPU commands
    external: ['vscode', 'webgpu'],
};
await build({
    ...common,
    entryPoints: {
        extension: 'vscode-extension/src/extension.ts',
        server: 'vscode-extension/src/server.ts',
        cli: 'vscode-extension/src/cli.ts',
    },
    outdir: 'vscode-extension/out',
    outExtension: { '.js': '.cjs' },
});
