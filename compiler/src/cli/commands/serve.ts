// nnp serve <spec> --ipi <address> --structure <file>: answers i-PI force requests with the model
// (ASE's SocketIOCalculator, i-PI path-integral MD, LAMMPS fix ipi). The structure file gives the
// elements of the atoms, which the protocol does not carry.
import type { IpiResult } from '../../../../runtime/src/ipi/ipi-client.js';
import { readStructures } from '../../../../runtime/src/io/read-structures.js';
import type { Structure } from '../../../../runtime/src/structure.js';
import { CliError } from '../cli-error.js';
import { loadModel } from '../load-model.js';
import type { Backend } from './eval.js';

export interface ServeOptions {
    readonly spec: string;
    readonly address: string;
    readonly structure: string;
    readonly backend: Backend;
    readonly model?: string;
}

export async function serveCommand(o: ServeOptions, err: (line: string) => void): Promise<number> {
    const loaded = await loadModel(o.spec, o.model, err, 'nnp serve');
    const first = readStructures(o.structure)[0];
    if (!first) throw new CliError(`nnp serve: ${o.structure} holds no structure`);
    const { runIpiClient } = await import('../../../../runtime/src/ipi/ipi-client.js');
    let evaluate: (s: Structure) => Promise<IpiResult>;
    let close = async () => {};
    if (o.backend === 'reference') {
        const { evaluateReference } = await import('../../../../runtime/src/reference/evaluate.js');
        evaluate = async (s) => evaluateReference(loaded.model, loaded.params, s);
    } else {
        const { acquireGpu } = await import('../../../../runtime/src/gpu/device.js');
        const { GpuEvaluator } = await import('../../../../runtime/src/gpu/hdnnp-evaluator.js');
        const { SkinNeighborList } = await import('../../../../runtime/src/neighbors/skin-list.js');
        const ctx = await acquireGpu();
        // consecutive requests move atoms a little: a Verlet list with a 1 Å skin is rebuilt rarely
        const skin = new SkinNeighborList(loaded.model.maxCutoff, 1.0);
        const gpu = await GpuEvaluator.create(ctx, loaded.model, loaded.params, (s) => skin.update(s));
        evaluate = (s) => gpu.evaluate(s);
        close = async () => {
            gpu.destroy();
            await ctx.destroy();
        };
    }
    try {
        const n = await runIpiClient(o.address, first.symbols, evaluate);
        err(`nnp serve: session ended after ${n} evaluation${n === 1 ? '' : 's'}`);
        return 0;
    } catch (e) {
        if ((e as Error).name === 'IpiProtocolError' || e instanceof Error) throw new CliError(`nnp serve: ${(e as Error).message}`);
        throw e;
    } finally {
        await close();
    }
}
