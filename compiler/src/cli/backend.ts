// An evaluator of a loaded model or of an analytic reference potential for the commands that compute
// (eval, serve, run): the WebGPU path or the float64 reference, behind one `evaluate`, with `close`
// releasing the device.
import type { PotentialIR } from '../ir/model-ir.js';
import type { GpuContext } from '../../../runtime/src/gpu/device.js';
import type { EnergyForces, GpuEvaluator, NeighborSource } from '../../../runtime/src/gpu/hdnnp-evaluator.js';
import type { Structure } from '../../../runtime/src/structure.js';
import type { LoadedModel } from './load-model.js';

export type Backend = 'webgpu' | 'reference';

export interface ModelEvaluator {
    evaluate(s: Structure): Promise<EnergyForces>;
    close(): Promise<void>;
    /** A model on WebGPU: its device and evaluator, for work that stays on the device (md). */
    readonly gpu?: { readonly ctx: GpuContext; readonly evaluator: GpuEvaluator };
}

/** `neighbors` overrides the GPU path's neighbour search (e.g. a skin list for consecutive requests). */
export async function createEvaluator(loaded: LoadedModel, backend: Backend, neighbors?: NeighborSource): Promise<ModelEvaluator> {
    const { model, params } = loaded;
    if (backend === 'reference') {
        const { evaluateReference } = await import('../../../runtime/src/reference/evaluate.js');
        return { evaluate: async (s) => evaluateReference(model, params, s), close: async () => {} };
    }
    const { GpuEvaluator } = await import('../../../runtime/src/gpu/hdnnp-evaluator.js');
    return onDevice(async (ctx, list) => {
        const evaluator = await GpuEvaluator.create(ctx, model, params, neighbors ?? list);
        return { evaluator, gpu: { ctx, evaluator } };
    });
}

/**
 * An analytic potential on WebGPU (its generated kernels, float32) or in float64 (the oracle).
 * `neighbors` overrides the GPU path's neighbour search; it is only asked for potentials with
 * neighbour terms, with the largest cutoff of their terms.
 */
export async function createPotentialEvaluator(potential: PotentialIR, backend: Backend, neighbors?: NeighborSource): Promise<ModelEvaluator> {
    if (backend === 'reference') {
        const { evaluatePotential } = await import('../../../runtime/src/reference/potentials.js');
        return { evaluate: async (s) => evaluatePotential(potential, s), close: async () => {} };
    }
    const { GpuPotentialEvaluator } = await import('../../../runtime/src/gpu/potential-evaluator.js');
    return onDevice(async (ctx, list) => ({ evaluator: await GpuPotentialEvaluator.create(ctx, potential, neighbors ?? list) }));
}

/** Acquires the device, builds an evaluator on it (default neighbour search: cell lists); `close` releases both. */
async function onDevice(
    build: (ctx: GpuContext, list: NeighborSource) => Promise<{ evaluator: { evaluate(s: Structure): Promise<EnergyForces>; destroy(): void }; gpu?: ModelEvaluator['gpu'] }>,
): Promise<ModelEvaluator> {
    const { acquireGpu } = await import('../../../runtime/src/gpu/device.js');
    const { buildNeighborList } = await import('../../../runtime/src/neighbors/cell-list.js');
    const ctx = await acquireGpu();
    try {
        const { evaluator, gpu } = await build(ctx, buildNeighborList);
        return {
            evaluate: (s) => evaluator.evaluate(s),
            close: async () => {
                evaluator.destroy();
                await ctx.destroy();
            },
            ...(gpu ? { gpu } : {}),
        };
    } catch (e) {
        await ctx.destroy();
        throw e;
    }
}
