// The VS Code extension package: built offline, its manifest declares the language and the
// commands, and the bundled server inside it starts and answers `initialize`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The files of a zip archive (enough of the format for a .vsix: stored or deflated entries). */
function unzip(zip: Buffer): Map<string, Buffer> {
    let eocd = zip.length - 22;
    while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
    if (eocd < 0) throw new Error('not a zip archive');
    const count = zip.readUInt16LE(eocd + 10);
    let p = zip.readUInt32LE(eocd + 16);
    const files = new Map<string, Buffer>();
    for (let k = 0; k < count; k++) {
        if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
        const method = zip.readUInt16LE(p + 10);
        const size = zip.readUInt32LE(p + 20);
        const nameLength = zip.readUInt16LE(p + 28);
        const extra = zip.readUInt16LE(p + 30);
        const comment = zip.readUInt16LE(p + 32);
        const local = zip.readUInt32LE(p + 42);
        const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(start, start + size);
        files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
        p += 46 + nameLength + extra + comment;
    }
    return files;
}

it('packages the extension offline with a working bundled server', { timeout: 300_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'nnp-vsix-'));
    const bundle = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-extension.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(bundle.status, bundle.stderr).toBe(0);
    const vsix = join(out, 'nnp.vsix');
    const pack = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix],
        { cwd: join(ROOT, 'vscode-extension'), encoding: 'utf8' });
    expect(pack.status, pack.stderr + pack.stdout).toBe(0);
    const files = unzip(readFileSync(vsix));
    for (const f of ['extension/package.json', 'extension/out/extension.cjs', 'extension/out/server.cjs', 'extension/out/cli.cjs',
        'extension/syntaxes/nnp.tmLanguage.json', 'extension/language-configuration.json']) expect(files.has(f), f).toBe(true);
    expect([...files.keys()].some((f) => f.includes('/src/'))).toBe(false);
    const manifest = JSON.parse(files.get('extension/package.json')!.toString());
    expect(manifest.main).toBe('./out/extension.cjs');
    expect(manifest.contributes.languages[0]).toMatchObject({ id: 'nnp', extensions: ['.nnp'] });
    expect(manifest.contributes.commands.map((c: { title: string }) => c.title)).toEqual(['Check', 'Compile (show WGSL)', 'Train', 'Run protocol', 'Show results report']);

    const server = join(out, 'server.cjs');
    writeFileSync(server, files.get('extension/out/server.cjs')!);
    const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.listen();
    const init = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null })) as { capabilities: Record<string, unknown> };
    expect(init.capabilities).toHaveProperty('completionProvider');
    expect(init.capabilities).toHaveProperty('hoverProvider');
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    await new Promise((done) => child.once('exit', done));
});
