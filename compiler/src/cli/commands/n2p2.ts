// nnp import n2p2 <dir> -o <spec.nnp>: an n2p2 potential as a readable spec plus its weights file.
// nnp export n2p2 <spec> -o <dir>: the files back (for LAMMPS pair_style hdnnp).
import { basename, dirname, join, relative, resolve } from 'node:path';
import { writeModelSpec, type SpecUnits } from '../../emit/spec-writer.js';
import { readN2p2Potential } from '../../../../runtime/src/io/n2p2-potential.js';
import { writeN2p2Potential } from '../../../../runtime/src/io/n2p2-potential-writer.js';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import { writeWeights } from '../../../../runtime/src/model/weights-file.js';
import { loadModel } from '../load-model.js';

export async function importN2p2(dir: string, spec: string, units: SpecUnits, out: (line: string) => void, err: (line: string) => void): Promise<number> {
    const potential = readN2p2Potential(dir, { length: units.length.factor, energy: units.energy.factor });
    for (const w of potential.warnings ?? []) err(`nnp import: ${w}`);
    const weightsFile = `${basename(spec).replace(/\.nnp$/, '')}.weights.json`;
    const model = { ...potential.model, weights: weightsFile };
    const header = [
        `Imported from the n2p2 potential in ${relative(dirname(resolve(spec)), resolve(dir)) || '.'} by nnp import n2p2`,
        `(file units: length ${units.length.symbol}, energy ${units.energy.symbol}).`,
    ];
    writeWeights(join(dirname(spec), weightsFile), potential.parameters);
    writeFileAtomic(spec, writeModelSpec(model, units, header));
    out(`wrote ${spec} and ${join(dirname(spec), weightsFile)}`);
    return 0;
}

export async function exportN2p2(spec: string, dir: string, units: SpecUnits, modelName: string | undefined, out: (line: string) => void, err: (line: string) => void): Promise<number> {
    const { model, params } = await loadModel(spec, modelName, err, 'nnp export');
    const files = writeN2p2Potential(dir, model, params, { length: units.length.factor, energy: units.energy.factor });
    out(`wrote ${files.map((f) => join(dir, f)).join(', ')}`);
    return 0;
}
