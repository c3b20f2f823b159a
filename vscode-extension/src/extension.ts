// The VS Code extension: starts the bundled .nnp language server and offers the nnp commands
// (check, compile and show the WGSL, train, run a protocol, show the results report) with progress and
// an output channel.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel('nnp', { log: true });
    const server = context.asAbsolutePath(join('out', 'server.cjs'));
    const serverOptions: ServerOptions = {
        run: { module: server, transport: TransportKind.stdio },
        debug: { module: server, transport: TransportKind.stdio },
    };
    const clientOptions: LanguageClientOptions = { documentSelector: [{ scheme: 'file', language: 'nnp' }], outputChannel: output };
    client = new LanguageClient('nnp', 'nnp language server', serverOptions, clientOptions);
    await client.start();

    const cli = context.asAbsolutePath(join('out', 'cli.cjs'));
    const activeSpec = (): string | undefined => {
        const doc = vscode.window.activeTextEditor?.document;
        if (!doc || doc.languageId !== 'nnp') {
            void vscode.window.showErrorMessage('nnp: open a .nnp spec first');
            return undefined;
        }
        return doc.uri.fsPath;
    };
    /** Runs the bundled CLI with progress, streaming its output to the channel; resolves to its exit code. */
    const run = (title: string, args: string[]): Thenable<number> => vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `nnp: ${title}`, cancellable: true },
        (_progress, token) => new Promise<number>((done) => {
            output.appendLine(`$ nnp ${args.join(' ')}`);
            const child = fork(cli, args, { silent: true });
            child.stdout?.on('data', (d: Buffer) => output.append(d.toString()));
            child.stderr?.on('data', (d: Buffer) => output.append(d.toString()));
            token.onCancellationRequested(() => child.kill());
            child.on('exit', (code) => {
                output.show(true);
                done(code ?? 1);
            });
        }),
    );
    const report = (what: string, code: number) => {
        if (code === 0) void vscode.window.showInformationMessage(`nnp: ${what} finished`);
        else if (code === 3) void vscode.window.showWarningMessage(`nnp: ${what} is not available in this version (see the nnp output)`);
        else void vscode.window.showErrorMessage(`nnp: ${what} failed (see the nnp output)`);
    };

    context.subscriptions.push(
        output,
        vscode.commands.registerCommand('nnp.check', async () => {
            const spec = activeSpec();
            if (spec) report('check', await run('checking', ['check', spec]));
        }),
        vscode.commands.registerCommand('nnp.compile', async () => {
            const spec = activeSpec();
            if (!spec) return;
            const out = mkdtempSync(join(tmpdir(), 'nnp-wgsl-'));
            const code = await run('compiling', ['compile', spec, '-o', out]);
            report('compile', code);
            if (code !== 0) return;
            for (const model of readdirSync(out, { withFileTypes: true }).filter((d) => d.isDirectory())) {
                for (const file of readdirSync(join(out, model.name)).filter((f) => f.endsWith('.wgsl'))) {
                    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(join(out, model.name, file)), { preview: false });
                }
            }
        }),
        vscode.commands.registerCommand('nnp.train', async () => {
            const spec = activeSpec();
            if (spec) report('training', await run('training', ['train', spec]));
        }),
        vscode.commands.registerCommand('nnp.run', async () => {
            const spec = activeSpec();
            if (!spec) return;
            const name = await vscode.window.showInputBox({ prompt: 'Run name (empty: every run of the spec)' });
            if (name === undefined) return;
            report('run', await run('running', ['run', spec, ...(name ? [name] : [])]));
        }),
        vscode.commands.registerCommand('nnp.report', async () => {
            // the spec's default output folder (out/ beside it): `nnp report` writes one self-contained
            // page (inline SVG and CSS, no script), shown in a webview beside the spec
            const spec = activeSpec();
            if (!spec) return;
            const folder = join(dirname(spec), 'out');
            const page = join(mkdtempSync(join(tmpdir(), 'nnp-report-')), 'report.html');
            const code = await run('writing the report', ['report', folder, '-o', page]);
            if (code !== 0) {
                report('report', code);
                return;
            }
            const panel = vscode.window.createWebviewPanel('nnpReport', `nnp report: ${folder}`, vscode.ViewColumn.Beside, { enableScripts: false });
            panel.webview.html = readFileSync(page, 'utf8');
        }),
    );
}

export async function deactivate(): Promise<void> {
    await client?.stop();
}
