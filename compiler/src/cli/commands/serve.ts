// nnp serve <spec> --ipi <address> --structure <file>: answers i-PI force requests with the model
// (ASE's SocketIOCalculator, i-PI path-integral MD, LAMMPS fix ipi). The structure file gives the
// elements of the atoms, which the protocol does not carry.
import { readStructures } from '../../../../runtime/src/io/read-structures.js';
import { CliError } from '../cli-error.js';
import { loadModel } from '../load-model.js';
import { createEvaluator, type Backend } from '../backend.js';

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
    const { SkinNeighborList } = await import('../../../../runtime/src/neighbors/skin-list.js');
    // consecutive requests move atoms a little: a Verlet list with a 1 Å skin is rebuilt rarely
    const skin = new SkinNeighborList(loaded.model.maxCutoff, 1.0);
    const evaluator = await createEvaluator(loaded, o.backend, (s) => skin.update(s));
    try {
        const n = await runIpiClient(o.address, first.symbols, (s) => evaluator.evaluate(s));
        err(`nnp serve: session ended after ${n} evaluation${n === 1 ? '' : 's'}`);
        return 0;
    } catch (e) {
        // protocol and connection failures end the driver with one line (no stack)
        throw e instanceof Error && !(e instanceof CliError) ? new CliError(`nnp serve: ${e.message}`) : e;
    } finally {
        await evaluator.close();
    }
}
