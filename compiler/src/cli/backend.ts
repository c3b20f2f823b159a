// An evaluator of a loaded model or of an analytic reference potential for the commands that compute
// (eval, serve, run): the WebGPU path or the float64 reference, behind one `evaluate`, with `close`
// releasing the device.
import type { PotentialIR } from '../ir/model-ir.js';
import type { GpuContext } from '../../../runtime/src/gpu/device.js';
import type { DeviceForceField } from '../../../runtime/src/gpu/device-md.js';
import type { EnergyForces, NeighborSource } from '../../../runtime/src/gpu/hdnnp-evaluator.js';
import type { Structure } from '../../../runtime/src/structure.js';
import type { LoadedModel } from './load-model.js';

export type Backend = 'webgpu' | 'reference';

export interface ModelEvaluator {
    evaluate(s: Structure): Promise<EnergyForces>;
    close(): Promise<void>;
    /** On WebGPU: the force field for work that stays on the device (md; gpu/device-md.ts). */
    readonly device?: DeviceForceField;
}

/** `neighbors` overrides the GPU path's neighbour search (e.g. a skin list for consecutive requests). */
export async function createEvaluator(loaded: LoadedModel, backend: Backend, neighbors?: NeighborSource): Promise<ModelEvaluator> {
    const { model, params } = loaded;
    if (backend === 'reference') {
        const { evaluateReference } = await import('../../../runtime/src/reference/evaluate.js');
        return { evaluate: async (s) => evaluateReference(model, params, s), close: async () => {} };
    }
    const { GpuEvaluator } = await import('../../../runtime/src/gpu/hdnnp-evaluator.js');
    const { modelField } = await import('../../../runtime/src/gpu/device-md.js');
    return onDevice(async (ctx, list) => {
        const evaluator = await GpuEvaluator.create(ctx, model, params, neighbors ?? list);
        return { evaluator, device: modelField(ctx, evaluator, model, params) };
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
    const { potentialField } = await import('../../../runtime/src/gpu/device-md.js');
    return onDevice(async (ctx, list) => {
        const evaluator = await GpuPotentialEvaluator.create(ctx, potential, neighbors ?? list);
        return { evaluator, ...(evaluator.bindable ? { device: potentialField(ctx, evaluator) } : {}) };
    });
}

/** Acquires the device, builds an evaluator on it (default neighbour search: cell lists); `close` releases both. */
async function onDevice(
    build: (ctx: GpuContext, list: NeighborSource) => Promise<{ evaluator: { evaluate(s: Structure): Promise<EnergyForces>; destroy(): void }; device?: DeviceForceField }>,
): Promise<ModelEvaluator> {
    const { acquireGpu } = await import('../../../runtime/src/gpu/device.js');
    const { buildNeighborList } = await import('../../../runtime/src/neighbors/cell-list.js');
    const ctx = await acquireGpu();
    try {
        const { evaluator, device } = await build(ctx, buildNeighborList);
        return {
            evaluate: (s) => evaluator.evaluate(s),
            close: async () => {
                evaluator.destroy();
                await ctx.destroy();
            },
            ...(device ? { device } : {}),
        };
    } catch (e) {
        await ctx.destroy();
        throw e;
    }
}
