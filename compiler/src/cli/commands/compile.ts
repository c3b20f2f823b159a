// nnp compile <spec> -o <dir>: checks the spec, then writes its model IR as JSON.
// The output depends only on the spec text: no timestamps, no absolute paths.
import { join } from 'node:path';
import { lowerSpec } from '../../lower/lower-spec.js';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import { checkFiles } from './check.js';

export function serializeIr(value: unknown): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}

export async function compileCommand(spec: string, outDir: string, out: (line: string) => void, err: (line: string) => void): Promise<number> {
    const result = await checkFiles([spec]);
    for (const line of result.lines) err(line);
    if (result.errors > 0) {
        err(`nnp compile: ${spec} has ${result.errors} error${result.errors === 1 ? '' : 's'}; nothing written`);
        return 1;
    }
    const ir = lowerSpec(result.loaded.all.map((d) => d.parseResult.value));
    const path = join(outDir, 'ir.json');
    writeFileAtomic(path, serializeIr(ir));
    out(`wrote ${path}`);
    return 0;
}
