// An evaluator of a loaded model or of an analytic reference potential for the commands that compute
// (eval, serve, run): the WebGPU path or the float64 reference, behind one `evaluate`, with `close`
// releasing the device.
import type { PotentialIR } from '../ir/model-ir.js';
import type { EnergyForces, NeighborSource } from '../../../runtime/src/gpu/hdnnp-evaluator.js';
import type { Structure } from '../../../runtime/src/structure.js';
import type { LoadedModel } from './load-model.js';

export type Backend = 'webgpu' | 'reference';

export interface ModelEvaluator {
    evaluate(s: Structure): Promise<EnergyForces>;
    close(): Promise<void>;
}

/** `neighbors` overrides the GPU path's neighbour search (e.g. a skin list for consecutive requests). */
export async function createEvaluator(loaded: LoadedModel, backend: Backend, neighbors?: NeighborSource): Promise<ModelEvaluator> {
    const { model, params } = loaded;
    if (backend === 'reference') {
        const { evaluateReference } = await import('../../../runtime/src/reference/evaluate.js');
        return { evaluate: async (s) => evaluateReference(model, params, s), close: async () => {} };
    }
    const { acquireGpu } = await import('../../../runtime/src/gpu/device.js');
    const { GpuEvaluator } = await import('../../../runtime/src/gpu/hdnnp-evaluator.js');
    const { buildNeighborList } = await import('../../../runtime/src/neighbors/cell-list.js');
    const ctx = await acquireGpu();
    try {
        const gpu = await GpuEvaluator.create(ctx, model, params, neighbors ?? buildNeighborList);
        return {
            evaluate: (s) => gpu.evaluate(s),
            close: async () => {
                gpu.destroy();
                await ctx.destroy();
            },
        };
    } catch (e) {
        await ctx.destroy();
        throw e;
    }
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
    const { acquireGpu } = await import('../../../runtime/src/gpu/device.js');
    const { GpuPotentialEvaluator } = await import('../../../runtime/src/gpu/potential-evaluator.js');
    const { buildNeighborList } = await import('../../../runtime/src/neighbors/cell-list.js');
    const ctx = await acquireGpu();
    try {
        const gpu = await GpuPotentialEvaluator.create(ctx, potential, neighbors ?? buildNeighborList);
        return {
            evaluate: (s) => gpu.evaluate(s),
            close: async () => {
                gpu.destroy();
                await ctx.destroy();
            },
        };
    } catch (e) {
        await ctx.destroy();
        throw e;
    }
}
