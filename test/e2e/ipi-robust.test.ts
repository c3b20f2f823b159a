// `nnp serve` against a misbehaving i-PI server: a size mismatch, a malformed message and a
// connection closed mid-message each end the driver with one clear line and status 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SPEC = `model m {
  element Ar
  cutoff cosine 5 A
  descriptors for Ar { radial Ar eta 0.5 /A^2 }
  network for Ar { linear }
  weights "m.weights.json"
}
`;
const WEIGHTS = JSON.stringify({ format: 'nnp-weights', version: 1, model: 'm', networks: [{ element: 'Ar', layers: [{ weights: [0.5], biases: [0.1] }] }], scaling: [] });

const header = (t: string) => Buffer.from(t.padEnd(12, ' '));

/** Runs `nnp serve` against a server that plays `script` on the accepted socket. */
async function serveAgainst(script: (socket: Socket) => void): Promise<{ code: number | null; err: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-ipi-'));
    writeFileSync(join(dir, 'm.nnp'), SPEC);
    writeFileSync(join(dir, 'm.weights.json'), WEIGHTS);
    writeFileSync(join(dir, 'ar.xyz'), '2\nLattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3 pbc="T T T"\nAr 0 0 0\nAr 3.5 0 0\n');
    const path = join(dir, 'socket');
    const server = createServer(script);
    await new Promise<void>((done) => server.listen(path, done));
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'nnp.js'), 'serve', join(dir, 'm.nnp'), '--ipi', `unix:${path}`, '--structure', join(dir, 'ar.xyz'), '--backend', 'reference']);
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    server.close();
    return { code, err: err.trim() };
}

it('reports a size mismatch', async () => {
    const r = await serveAgainst((socket) => {
        socket.write(header('STATUS'));
        socket.once('data', () => {
            const msg = Buffer.alloc(12 + 144 + 4 + 24 * 3);
            header('POSDATA').copy(msg);
            msg.writeInt32LE(3, 156);
            socket.write(msg);
        });
    });
    expect([r.code, r.err]).toEqual([1, 'nnp serve: the server sent 3 atoms, the structure given to nnp has 2']);
});

it('reports a malformed message', async () => {
    const r = await serveAgainst((socket) => socket.write(header('HELLO?')));
    expect([r.code, r.err]).toEqual([1, "nnp serve: unexpected message 'HELLO?' from the server"]);
});

it('reports a connection closed inside a message, and ends cleanly on EXIT', async () => {
    const broken = await serveAgainst((socket) => {
        const msg = Buffer.alloc(12 + 40);
        header('POSDATA').copy(msg);
        socket.end(msg);
    });
    expect([broken.code, broken.err]).toEqual([1, 'nnp serve: the server closed the connection in the middle of a message (40 of 72 bytes)']);
    const clean = await serveAgainst((socket) => socket.end(header('EXIT')));
    expect([clean.code, clean.err]).toEqual([0, 'nnp serve: session ended after 0 evaluations']);
});
