// The kernels of a spec's models and analytic potentials as WGSL files plus a JSON manifest
// (bindings, workgroup sizes, dispatch plan): what `nnp compile` writes so that compiled artefacts
// can be read and diffed.
import { createHash } from 'node:crypto';
import type { ModelIR, PotentialIR } from '../ir/model-ir.js';
import { generateKernel, type KernelDefinition, type KernelParams } from '../kernel/wgsl-builder.js';
import { descriptorKernel, forceKernel, gatherKernel, networkKernel, slotCapacity, type NetworkConstants } from '../kernel/hdnnp/hdnnp-kernels.js';
import { potentialKernels } from '../kernel/potential/potential-kernels.js';

/** Slot capacity the written kernels are specialised to; the runtime compiles others on demand. */
export const MANIFEST_CAPACITY = slotCapacity(128);

export interface CompiledArtefacts {
    /** Relative path → file text. */
    readonly files: ReadonlyMap<string, string>;
    readonly manifest: unknown;
}

/**
 * WGSL files (`<name>/<Kernel>.wgsl`) and manifest entries of the models, then of the analytic
 * potentials (their kernels need no slot capacity: each atom's terms read its slots in place).
 */
export function compileKernels(
    models: readonly ModelIR[], constants: (model: ModelIR) => { consts: NetworkConstants; weights: Float32Array } | undefined, potentials: readonly PotentialIR[] = [],
): CompiledArtefacts {
    const files = new Map<string, string>();
    const emit = (owner: string, defs: ReadonlyArray<KernelDefinition<KernelParams>>) => defs.map((def) => {
        const k = generateKernel(def);
        const file = `${owner}/${k.name}.wgsl`;
        files.set(file, k.wgsl);
        return {
            name: k.name,
            file,
            // the key itself holds the whole model or potential; its digest identifies it compactly
            cacheKey: createHash('sha256').update(k.cacheKey).digest('hex').slice(0, 16),
            workgroupSize: k.workgroupSize,
            invocations: k.itemsPerWorkgroup === 1 ? 'one workgroup per atom' : 'one per atom',
            bindings: k.bindings.map((b) => ({ binding: b.index, name: b.name, kind: b.kind, type: b.wgslType })),
        };
    });
    const entries = models.map((model) => {
        const network = constants(model);
        const kernels = emit(model.name, [
            descriptorKernel(model, MANIFEST_CAPACITY),
            ...(network ? [networkKernel(model, network.consts, undefined, undefined, network.weights)] : []),
            forceKernel(model, MANIFEST_CAPACITY),
            gatherKernel(),
        ]);
        return {
            model: model.name,
            slotCapacity: MANIFEST_CAPACITY,
            dispatchPlan: kernels.map((k) => k.name),
            ...(network ? {} : { note: "the Network kernel bakes the model's scaling statistics and is written once the model has weights" }),
            kernels,
        };
    });
    const potentialEntries = potentials.map((potential) => {
        const kernels = emit(potential.name, potentialKernels(potential));
        return { potential: potential.name, dispatchPlan: kernels.map((k) => k.name), kernels };
    });
    return { files, manifest: { format: 'nnp-kernels', version: 1, models: entries, potentials: potentialEntries } };
}
