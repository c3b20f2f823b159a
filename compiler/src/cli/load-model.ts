// A model ready to evaluate: its spec checked and lowered, its weights file read and shape-checked.
import { dirname, resolve } from 'node:path';
import type { ModelIR, SpecIR } from '../ir/model-ir.js';
import { lowerSpec } from '../lower/lower-spec.js';
import type { ModelParameters } from '../../../runtime/src/model/parameters.js';
import { readWeights } from '../../../runtime/src/model/weights-file.js';
import { CliError } from './cli-error.js';
import { checkFiles } from './commands/check.js';

export interface LoadedModel {
    readonly model: ModelIR;
    readonly params: ModelParameters;
}

/** The checked and lowered spec (with the files it imports); errors are printed and refused. */
export async function loadSpecIr(spec: string, err: (line: string) => void, command: string): Promise<SpecIR> {
    const result = await checkFiles([spec]);
    if (result.errors > 0) {
        for (const line of result.lines) err(line);
        throw new CliError(`${command}: ${spec} has ${result.errors} error${result.errors === 1 ? '' : 's'}`);
    }
    return lowerSpec(result.loaded.all.map((d) => d.parseResult.value));
}

export async function loadModel(spec: string, name: string | undefined, err: (line: string) => void, command: string): Promise<LoadedModel> {
    const ir = await loadSpecIr(spec, err, command);
    const models = ir.models;
    const model = name ? models.find((m) => m.name === name) : models[0];
    if (!model) {
        throw new CliError(name ? `${command}: no model named '${name}' in ${spec} (models: ${models.map((m) => m.name).join(', ') || 'none'})` : `${command}: ${spec} defines no model`);
    }
    if (!model.weights) throw new CliError(`${command}: model '${model.name}' has no weights yet (train it, or add 'weights "file.weights.json"')`);
    const params = readWeights(resolve(dirname(spec), model.weights), model);
    return { model, params };
}
