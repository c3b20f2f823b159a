// `nnp train` and `nnp run` check the spec and name what it asks for; the training and
// simulation runtimes are not part of this version, and the CLI says so instead of pretending.
import type { Run, Training } from '../../../../language/src/generated/ast.js';
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

export async function trainCommand(spec: string, err: (line: string) => void): Promise<number> {
    const result = await checkFiles([spec]);
    for (const line of result.lines) err(line);
    if (result.errors > 0) return 1;
    const trainings = result.loaded.documents[0]!.parseResult.value.items.filter((i): i is Training => i.$type === 'Training');
    if (trainings.length === 0) {
        err(`nnp train: ${spec} has no train blocks`);
        return 1;
    }
    err(`nnp train: training is not available in this version of nnp (the spec is checked, nothing was trained: ${trainings.map((t) => t.model.$refText).join(', ')})`);
    return 3;
}
