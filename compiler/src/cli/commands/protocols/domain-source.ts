// The model of a run with its domain of applicability (runtime/src/uncertainty/domain.ts), for the
// uncertainty protocol and the md guard: the weights (for the scaling) and the training split of the
// model's train block, read or sampled again exactly as `nnp train` did (same datasets, same split).
import type { ModelIR } from '../../../ir/model-ir.js';
import type { ModelParameters } from '../../../../../runtime/src/model/parameters.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import type { DescriptorDomain } from '../../../../../runtime/src/uncertainty/domain.js';
import { CliError } from '../../cli-error.js';
import { modelParameters } from '../../load-model.js';
import type { ProtocolContext } from './context.js';

export interface RunModel {
    readonly model: ModelIR;
    readonly params: ModelParameters;
}

/** The run's model and its weights (a CliError for analytic potentials and untrained models). */
export function runModel(ctx: Pick<ProtocolContext, 'run' | 'ir' | 'specDir'>, what: string): RunModel {
    const who = `nnp run: '${ctx.run.name}'`;
    const model = ctx.ir.models.find((m) => m.name === ctx.run.calculator.name);
    if (!model) throw new CliError(`${who}: ${what} needs a model; '${ctx.run.calculator.name}' is an analytic potential`);
    return { model, params: modelParameters(ctx.ir, model, ctx.specDir, who) };
}

/**
 * The domain of the model's training split (sampled or read again; that takes the time sampling took);
 * the split's labelled structures ride along as `trainingSet` (the Laplace fit needs them).
 */
export async function trainingDomain(ctx: Pick<ProtocolContext, 'run' | 'ir' | 'specDir' | 'err'>, { model, params }: RunModel, what: string): Promise<DescriptorDomain & { readonly trainingSet: readonly Structure[] }> {
    const who = `nnp run: '${ctx.run.name}'`;
    const training = ctx.ir.trainings.find((t) => t.model === model.name);
    if (!training) {
        throw new CliError(`${who}: ${what} measures distances from the training data of model '${model.name}', and the spec has no 'train ${model.name} on …' block naming them (add the train block its weights were fitted with)`);
    }
    const { loadTrainingData } = await import('../../../../../runtime/src/train/dataset.js');
    const { DescriptorDomain } = await import('../../../../../runtime/src/uncertainty/domain.js');
    const t0 = performance.now();
    let structures;
    try {
        structures = loadTrainingData(ctx.ir, training.datasets, model, { baseDir: ctx.specDir, needForces: training.loss.forces > 0 }).train.map((l) => l.structure);
    } catch (e) {
        throw new CliError(`${who}: the training data of model '${model.name}': ${(e as Error).message}`);
    }
    const domain = DescriptorDomain.fromTraining(model, params, structures);
    const atoms = domain.elements.map((el) => `${el.vectors.count} ${el.element}`).join(', ');
    ctx.err(`${ctx.run.name}: the training split of model '${model.name}': ${domain.trainingStructures} structures (${atoms} atoms), descriptors in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (domain.mismatch) {
        ctx.err(`${ctx.run.name}: warning: the training data differ from those the weights of '${model.name}' were fitted on (${domain.mismatch}); distances are measured from the data as they are now`);
    }
    return Object.assign(domain, { trainingSet: structures });
}
