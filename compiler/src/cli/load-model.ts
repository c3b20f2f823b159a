// A model ready to evaluate: its spec checked and lowered, its weights file read and shape-checked.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ModelIR, SpecIR } from '../ir/model-ir.js';
import { lowerSpec } from '../lower/lower-spec.js';
import type { ModelParameters } from '../../../runtime/src/model/parameters.js';
import { readWeights } from '../../../runtime/src/model/weights-file.js';
import { readCommitteeFile, type CommitteeFile } from '../../../runtime/src/uncertainty/committee.js';
import { CliError } from './cli-error.js';
import { checkFiles } from './commands/check.js';
import { trainingOutputs } from './commands/train.js';

export interface LoadedModel {
    readonly model: ModelIR;
    readonly params: ModelParameters;
    /** The committee trained with the weights (`committee K` in the train block), if any. */
    readonly committee?: LoadedCommittee;
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

/** With `withCommittee`: also the committee trained with the weights, when there is one (nnp eval). */
export async function loadModel(spec: string, name: string | undefined, err: (line: string) => void, command: string, withCommittee = false): Promise<LoadedModel> {
    const ir = await loadSpecIr(spec, err, command);
    const models = ir.models;
    const model = name ? models.find((m) => m.name === name) : models[0];
    if (!model) {
        throw new CliError(name ? `${command}: no model named '${name}' in ${spec} (models: ${models.map((m) => m.name).join(', ') || 'none'})` : `${command}: ${spec} defines no model`);
    }
    const committee = withCommittee ? modelCommittee(ir, model, dirname(spec), command) : undefined;
    return { model, params: modelParameters(ir, model, dirname(spec), command), ...(committee ? { committee } : {}) };
}

/** The fitted parameters of `model`, or a CliError `<who>: model '…' has no weights yet (…)`. */
export function modelParameters(ir: SpecIR, model: ModelIR, specDir: string, who: string): ModelParameters {
    const path = weightsPath(ir, model, specDir);
    if (!path) throw new CliError(`${who}: model '${model.name}' has no weights yet (train it with nnp train, or add 'weights "file.weights.json"')`);
    return readWeights(path, model);
}

/** The model's `weights` file, else the weights its train block saves (when training has written them). */
export function weightsPath(ir: SpecIR, model: ModelIR, specDir: string): string | undefined {
    if (model.weights) return resolve(specDir, model.weights);
    const training = ir.trainings.find((t) => t.model === model.name);
    if (!training) return undefined;
    const trained = trainingOutputs(specDir, training).weights;
    return existsSync(trained) ? trained : undefined;
}

export interface LoadedCommittee {
    /** The committee file. */
    readonly path: string;
    readonly file: CommitteeFile;
    /** Per member: its parameters (member 0 is the model's own weights). */
    readonly members: readonly ModelParameters[];
}

/** The committee trained with the model's weights (`<stem>.committee.json` next to them), if there is one. */
export function modelCommittee(ir: SpecIR, model: ModelIR, specDir: string, who: string): LoadedCommittee | undefined {
    const weights = weightsPath(ir, model, specDir);
    if (!weights) return undefined;
    const path = `${weights.replace(/(\.weights)?\.json$/i, '')}.committee.json`;
    if (!existsSync(path)) return undefined;
    try {
        const file = readCommitteeFile(path);
        return { path, file, members: file.memberPaths.map((p) => readWeights(p, model)) };
    } catch (e) {
        throw new CliError(`${who}: ${(e as Error).message}`);
    }
}
