// Running the built `nnp` command as users do: a separate process, its output and exit status.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'nnp.js');

export function nnp(args: string[], cwd = ROOT, timeoutMs = 600_000): { code: number | null; out: string; err: string } {
    if (!existsSync(join(ROOT, 'dist', 'compiler', 'src', 'cli', 'main.js'))) throw new Error('nnp is not built: run `npm run build` first');
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 << 20 });
    return { code: r.status, out: r.stdout, err: r.stderr };
}
