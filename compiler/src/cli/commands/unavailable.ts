// `nnp run` checks the spec and names what it asks for; the simulation protocols are not part of
// this version, and the CLI says so instead of pretending.
import type { Run } from '../../../../language/src/generated/ast.js';
import { checkFiles } from './check.js';

export async function runCommand(spec: string, name: string | undefined, err: (line: string) => void): Promise<number> {
    const result = await checkFiles([spec]);
    for (const line of result.lines) err(line);
    if (result.errors > 0) return 1;
    const runs = result.loaded.documents[0]!.parseResult.value.items.filter((i): i is Run => i.$type === 'Run');
    const selected = name ? runs.filter((r) => (r.name ?? r.protocol) === name) : runs;
    if (runs.length === 0) {
        err(`nnp run: ${spec} has no run blocks`);
        return 1;
    }
    if (selected.length === 0) {
        err(`nnp run: no run named '${name}' in ${spec} (runs: ${runs.map((r) => r.name ?? r.protocol).join(', ')})`);
        return 1;
    }
    for (const r of selected) {
        err(`nnp run: '${r.name ?? r.protocol}': the ${r.protocol} protocol is not available in this version of nnp (the spec was checked; nothing was run)`);
    }
    return 3;
}
