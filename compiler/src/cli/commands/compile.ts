// nnp compile <spec> -o <dir>: checks the spec, then writes its model IR as JSON, and the WGSL
// kernels of its models and analytic potentials with their manifest.
// The output depends only on the spec text: no timestamps, no absolute paths.
import { dirname, join, resolve } from 'node:path';
import { compileKernels } from '../../emit/kernel-manifest.js';
import { networkConstants } from '../../../../runtime/src/gpu/network-constants.js';
import { readWeights } from '../../../../runtime/src/model/weights-file.js';
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
    const specDir = dirname(resolve(spec));
    const artefacts = compileKernels(ir.models, (model) => {
        if (!model.weights) return undefined;
        try {
            return networkConstants(model, readWeights(resolve(specDir, model.weights), model));
        } catch {
            return undefined; // weights not there yet: the network kernel is left out (manifest says so)
        }
    }, ir.potentials);
    for (const [file, text] of artefacts.files) writeFileAtomic(join(outDir, file), text);
    writeFileAtomic(join(outDir, 'manifest.json'), serializeIr(artefacts.manifest));
    out(`wrote ${path}, manifest.json and ${artefacts.files.size} kernel${artefacts.files.size === 1 ? '' : 's'}`);
    return 0;
}
