// 500 random edit sequences sent to `nnp lsp --stdio` as an editor would (incremental didChange,
// then hover, completion, formatting, semantic tokens): the server never crashes and answers
// every request.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { rng } from '../helpers/random-model.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SNIPPETS = ['{', '}', 'model', ' eV', ' /A^2', '[', ']', '1e9', '"', 'element K ', 'radial', '%', '\n', ' A ', 'include x', 'import "y.nnp"\n'];

/** Position of a character offset in `text`. */
function positionAt(text: string, offset: number): { line: number; character: number } {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before.at(-1)!.length };
}

it('survives 500 random edit sequences over LSP', { timeout: 300_000 }, async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'nnp.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let crashed = '';
    child.on('exit', (code) => { crashed ||= `server exited with ${code}`; });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await connection.sendNotification('initialized', {});
    const uri = pathToFileURL(join(ROOT, 'test', 'files', 'fuzz-live.nnp')).toString();
    let text = readFileSync(join(ROOT, 'examples', 'silicon', 'model.nnp'), 'utf8');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nnp', version: 1, text } });
    const random = rng(424242);
    const pick = (n: number) => Math.floor(random() * n);
    /** Every request must be answered within 10 s. */
    const answered = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error('request not answered')), 10_000))]);
    for (let seq = 0; seq < 500; seq++) {
        for (let e = 0; e < 1 + pick(3); e++) {
            const from = pick(text.length + 1);
            const to = Math.min(text.length, from + (random() < 0.5 ? 0 : pick(30)));
            const insert = random() < 0.7 ? SNIPPETS[pick(SNIPPETS.length)]! : '';
            const range = { start: positionAt(text, from), end: positionAt(text, to) };
            text = text.slice(0, from) + insert + text.slice(to);
            await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 + seq * 4 + e }, contentChanges: [{ range, text: insert }] });
        }
        const position = positionAt(text, pick(text.length + 1));
        const doc = { textDocument: { uri } };
        switch (seq % 4) {
            case 0: await answered(connection.sendRequest('textDocument/hover', { ...doc, position })); break;
            case 1: await answered(connection.sendRequest('textDocument/completion', { ...doc, position })); break;
            case 2: await answered(connection.sendRequest('textDocument/formatting', { ...doc, options: { tabSize: 2, insertSpaces: true } })); break;
            default: await answered(connection.sendRequest('textDocument/semanticTokens/full', doc));
        }
        expect(crashed).toBe('');
    }
    await answered(connection.sendRequest('shutdown'));
    await connection.sendNotification('exit');
    await new Promise((done) => child.once('exit', done));
});
