// An i-PI protocol client ("driver"): connects to an i-PI server (i-PI itself, ASE's
// SocketIOCalculator, LAMMPS fix ipi) and answers force requests with a model.
// Protocol (i-PI docs; atomic units: bohr, hartree, little endian):
//   server → STATUS            client → NEEDINIT | READY | HAVEDATA       (12-byte space-padded headers)
//   server → INIT  i32 bead, i32 n, n bytes                                  (accepted and ignored)
//   server → POSDATA  f64[9] cell h (row-major, columns = lattice vectors), f64[9] h⁻¹, i32 N, f64[3N] r
//   server → GETFORCE          client → FORCEREADY f64 E, i32 N, f64[3N] F, f64[9] virial, i32 n, n bytes
//   server → EXIT              client closes and returns
import { connect, type Socket } from 'node:net';
import { BOHR_A, HARTREE_EV } from '../../../language/src/units.js';
import type { Structure } from '../structure.js';


export interface IpiResult {
    /** eV */
    readonly energy: number;
    /** (N, 3) eV/Å */
    readonly forces: Float64Array;
    /** (3, 3) W = ∂E/∂ε, eV (i-PI's virial is −W). */
    readonly virial: Float64Array;
}

export type IpiEvaluate = (s: Structure) => Promise<IpiResult>;

export class IpiProtocolError extends Error {}

/** Where to connect: `host:port` (TCP) or `unix:path` (a bare name means /tmp/ipi_<name>, as i-PI and ASE do). */
export function parseAddress(address: string): { path: string } | { host: string; port: number } {
    if (address.startsWith('unix:')) {
        const name = address.slice(5);
        if (!name) throw new IpiProtocolError(`i-PI address '${address}': missing socket name`);
        return { path: name.includes('/') ? name : `/tmp/ipi_${name}` };
    }
    const m = /^(.+):(\d+)$/.exec(address);
    if (!m) throw new IpiProtocolError(`i-PI address '${address}': expected host:port or unix:path`);
    return { host: m[1]!, port: Number(m[2]) };
}

/** Reads exact byte counts from a socket. */
class ByteReader {
    private chunks: Buffer[] = [];
    private length = 0;
    private waiter: (() => void) | undefined;
    private ended = false;

    constructor(socket: Socket) {
        socket.on('data', (d: Buffer) => {
            this.chunks.push(d);
            this.length += d.length;
            this.waiter?.();
        });
        socket.on('close', () => {
            this.ended = true;
            this.waiter?.();
        });
    }

    /** True once the peer closed and every byte it sent was read. */
    get closed(): boolean {
        return this.ended && this.length === 0;
    }

    /** Waits until data arrives or the peer closes. */
    async ready(): Promise<void> {
        while (this.length === 0 && !this.ended) {
            await new Promise<void>((done) => { this.waiter = done; });
            this.waiter = undefined;
        }
    }

    async read(n: number): Promise<Buffer> {
        while (this.length < n) {
            if (this.ended) throw new IpiProtocolError(`the server closed the connection in the middle of a message (${this.length} of ${n} bytes)`);
            await new Promise<void>((done) => { this.waiter = done; });
            this.waiter = undefined;
        }
        const all = Buffer.concat(this.chunks);
        this.chunks = [all.subarray(n)];
        this.length -= n;
        return all.subarray(0, n);
    }
}

const header = (text: string) => Buffer.from(text.padEnd(12, ' '), 'ascii');

async function connectWithRetry(address: ReturnType<typeof parseAddress>, timeoutMs: number): Promise<Socket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            return await new Promise<Socket>((done, fail) => {
                const socket = 'path' in address ? connect(address.path) : connect(address.port, address.host);
                socket.once('connect', () => done(socket));
                socket.once('error', fail);
            });
        } catch (e) {
            if (Date.now() > deadline) throw new IpiProtocolError(`cannot connect to the i-PI server (${(e as Error).message})`);
            await new Promise((r) => setTimeout(r, 100));
        }
    }
}

/**
 * Serves force requests until the server sends EXIT or closes between messages (resolves with the
 * number of evaluations); a connection that breaks inside a message rejects with a clear error. `symbols` fixes the species of the atoms,
 * which i-PI does not send.
 */
export async function runIpiClient(address: string, symbols: readonly string[], evaluate: IpiEvaluate, options: { connectTimeoutMs?: number; log?: (line: string) => void } = {}): Promise<number> {
    const socket = await connectWithRetry(parseAddress(address), options.connectTimeoutMs ?? 30_000);
    socket.setNoDelay(true);
    const reader = new ByteReader(socket);
    let result: IpiResult | undefined;
    let evaluations = 0;
    try {
        for (;;) {
            // a server may close instead of sending EXIT (ASE does): between messages that is an end
            await reader.ready();
            if (reader.closed) {
                options.log?.('the server closed the connection');
                return evaluations;
            }
            const msg = (await reader.read(12)).toString('ascii').trim();
            switch (msg) {
                case 'STATUS':
                    socket.write(header(result ? 'HAVEDATA' : 'READY'));
                    break;
                case 'INIT': {
                    await reader.read(4); // bead index
                    const n = (await reader.read(4)).readInt32LE(0);
                    if (n < 0 || n > 1 << 20) throw new IpiProtocolError(`INIT string of ${n} bytes`);
                    await reader.read(n);
                    break;
                }
                case 'POSDATA': {
                    const h = await reader.read(72);
                    await reader.read(72); // h⁻¹: recomputed from h
                    const natoms = (await reader.read(4)).readInt32LE(0);
                    if (natoms !== symbols.length) {
                        throw new IpiProtocolError(`the server sent ${natoms} atoms, the structure given to nnp has ${symbols.length}`);
                    }
                    const r = await reader.read(24 * natoms);
                    // h is row-major with the lattice vectors as columns: our cell rows are its columns
                    const cell = new Float64Array(9);
                    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cell[3 * j + i] = h.readDoubleLE(8 * (3 * i + j)) * BOHR_A;
                    const positions = Float64Array.from({ length: 3 * natoms }, (_, k) => r.readDoubleLE(8 * k) * BOHR_A);
                    const periodic = cell.some((x) => x !== 0);
                    const s: Structure = { symbols, positions, pbc: periodic ? [true, true, true] : [false, false, false], info: {}, ...(periodic ? { cell } : {}) };
                    result = await evaluate(s);
                    evaluations++;
                    break;
                }
                case 'GETFORCE': {
                    if (!result) throw new IpiProtocolError('GETFORCE before POSDATA');
                    const n = symbols.length;
                    const out = Buffer.alloc(12 + 8 + 4 + 24 * n + 72 + 4 + 1);
                    header('FORCEREADY').copy(out, 0);
                    out.writeDoubleLE(result.energy / HARTREE_EV, 12);
                    out.writeInt32LE(n, 20);
                    for (let k = 0; k < 3 * n; k++) out.writeDoubleLE((result.forces[k]! * BOHR_A) / HARTREE_EV, 24 + 8 * k);
                    // i-PI's virial is −∂E/∂ε, sent transposed (row-major of vᵀ)
                    const v = 24 + 24 * n;
                    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out.writeDoubleLE(-result.virial[3 * j + i]! / HARTREE_EV, v + 8 * (3 * i + j));
                    out.writeInt32LE(1, v + 72);
                    out.writeUInt8(0, v + 76);
                    socket.write(out);
                    result = undefined;
                    break;
                }
                case 'EXIT':
                    socket.end();
                    return evaluations;
                default:
                    throw new IpiProtocolError(`unexpected message '${msg.replace(/[^\x20-\x7e]/g, '?')}' from the server`);
            }
        }
    } finally {
        socket.destroy();
    }
}
