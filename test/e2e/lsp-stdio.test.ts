// The language server as an editor sees it: `nnp lsp --stdio` in its own process, driven over
// JSON-RPC: initialize, open, diagnostics, hover, completion, change, document symbols, shutdown.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
    createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const ROOT = resolve(import.meta.dirname, '..', '..');
const URI = pathToFileURL(join(ROOT, 'test', 'files', 'lsp-demo.nnp')).toString();
const BROKEN = 'model m {\n  element Si\n  cutoff cosine 5.0\n  descriptors for Si { radial Si eta 0.1 /A^2 }\n  network for Si { hidden 4 activation tanh }\n}\n';

let connection: ProtocolConnection;
let child: ReturnType<typeof spawn>;
const diagnostics: PublishDiagnosticsParams[] = [];

function nextDiagnostics(): Promise<PublishDiagnosticsParams> {
    const seen = diagnostics.length;
    return new Promise((done) => {
        const poll = setInterval(() => {
            if (diagnostics.length > seen) {
                clearInterval(poll);
                done(diagnostics.at(-1)!);
            }
        }, 10);
    });
}

beforeAll(async () => {
    child = spawn(process.execPath, [join(ROOT, 'bin', 'nnp.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
        diagnostics.push(p);
    });
    connection.listen();
    const init = await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(ROOT).toString(), capabilities: {}, workspaceFolders: null });
    expect((init as { capabilities: Record<string, unknown> }).capabilities).toHaveProperty('hoverProvider');
    await connection.sendNotification('initialized', {});
});

afterAll(async () => {
    await connection?.sendRequest('shutdown');
    await connection?.sendNotification('exit');
    await new Promise((done) => child.once('exit', done));
});

it('publishes diagnostics as the user types, and clears them when fixed', async () => {
    const first = nextDiagnostics();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'nnp', version: 1, text: BROKEN } });
    const d = await first;
    expect(d.diagnostics.map((x) => [x.range.start.line, x.range.start.character, x.message])).toEqual([[2, 16, 'Missing unit: expected a length (e.g. A, bohr, nm).']]);
    const second = nextDiagnostics();
    // an incremental edit: insert " A" after "5.0"
    await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: URI, version: 2 },
        contentChanges: [{ range: { start: { line: 2, character: 19 }, end: { line: 2, character: 19 } }, text: ' A' }],
    });
    expect((await second).diagnostics).toEqual([]);
});

it('answers hover, completion and document symbols', async () => {
    const hover = (await connection.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: { line: 3, character: 25 } })) as { contents: { value: string } };
    expect(hover.contents.value).toMatch(/^Radial function \(Behler G2/);
    const completion = (await connection.sendRequest('textDocument/completion', { textDocument: { uri: URI }, position: { line: 1, character: 10 } })) as { items: Array<{ label: string }> };
    expect(completion.items.map((i) => i.label)).toContain('Si');
    const symbols = (await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: URI } })) as Array<{ name: string }>;
    expect(symbols.map((s) => s.name)).toEqual(['m']);
});

it('answers definition, references, rename, formatting, semantic tokens and code actions', async () => {
    const uri2 = pathToFileURL(join(ROOT, 'test', 'files', 'lsp-demo-2.nnp')).toString();
    const text = 'potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.4 A cutoff 8.5 A }\nrun md lj { crystal fcc Ar a 5.26 A ensemble nve timestep 2 fs steps 10 }\nrun optimize lj {crystal fcc Ar a 5.26 A fmax 0.1}\n';
    const opened = nextDiagnostics();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri2, languageId: 'nnp', version: 1, text } });
    const diags = await opened;
    const doc = { textDocument: { uri: uri2 } };
    const definition = (await connection.sendRequest('textDocument/definition', { ...doc, position: { line: 1, character: 8 } })) as Array<{ targetSelectionRange: { start: { line: number } } }>;
    expect(definition.map((d) => d.targetSelectionRange.start.line)).toEqual([0]);
    const references = (await connection.sendRequest('textDocument/references', { ...doc, position: { line: 0, character: 11 }, context: { includeDeclaration: true } })) as Array<{ range: { start: { line: number } } }>;
    expect(references.map((r) => r.range.start.line).sort()).toEqual([0, 1, 2]);
    const rename = (await connection.sendRequest('textDocument/rename', { ...doc, position: { line: 0, character: 11 }, newName: 'argon' })) as { changes: Record<string, unknown[]> };
    expect(rename.changes[uri2]).toHaveLength(3);
    const formatting = (await connection.sendRequest('textDocument/formatting', { ...doc, options: { tabSize: 2, insertSpaces: true } })) as unknown[];
    expect(formatting.length).toBeGreaterThan(0);
    const tokens = (await connection.sendRequest('textDocument/semanticTokens/full', doc)) as { data: number[] };
    expect(tokens.data.length % 5).toBe(0);
    expect(tokens.data.length).toBeGreaterThan(5 * 10);
    const missing = diags.diagnostics.find((d) => (d as { code?: string }).code === 'missing-unit');
    expect(missing, JSON.stringify(diags.diagnostics)).toBeDefined();
    const actions = (await connection.sendRequest('textDocument/codeAction', { ...doc, range: missing!.range, context: { diagnostics: [missing] } })) as Array<{ title: string }>;
    expect(actions.map((a) => a.title)).toEqual(['Add unit eV/A', 'Add unit Ha/bohr']);
});
