// nnp convert <in> <out>: structures between extended XYZ, n2p2 input.data and (one structure)
// LAMMPS data files. Formats come from the extensions (.xyz/.extxyz, .data, .lmp) or the flags.
import { extname } from 'node:path';
import { readStructures, writeStructures, type StructureFormat } from '../../../../runtime/src/io/read-structures.js';
import { writeLammpsData } from '../../../../runtime/src/io/lammps-data.js';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import { CliError, ExitCode } from '../cli-error.js';

export interface ConvertOptions {
    readonly input: string;
    readonly output: string;
    readonly from?: StructureFormat;
    readonly to?: StructureFormat | 'lammps';
    /** Unit factors (Å, eV per file unit) of n2p2 files on either side. */
    readonly units: { readonly length: number; readonly energy: number };
    /** LAMMPS atom types: these elements in this order (a potential's `pair_coeff` order). */
    readonly elements?: readonly string[];
}

export function convertCommand(o: ConvertOptions, out: (line: string) => void): number {
    const structures = readStructures(o.input, { ...(o.from ? { format: o.from } : {}), ...(o.from === 'n2p2' || /\.data$/i.test(o.input) ? { units: o.units } : {}) });
    const to = o.to ?? (extname(o.output).toLowerCase() === '.lmp' ? 'lammps' : undefined);
    if (to === 'lammps') {
        if (structures.length !== 1) throw new CliError(`nnp convert: a LAMMPS data file holds one structure; ${o.input} has ${structures.length}`, ExitCode.InputErrors);
        let text: string;
        try {
            text = writeLammpsData(structures[0]!, o.elements);
        } catch (e) {
            throw new CliError(`nnp convert: ${o.input}: ${(e as Error).message}`, ExitCode.InputErrors);
        }
        writeFileAtomic(o.output, text);
    } else {
        const toN2p2 = to === 'n2p2' || (!to && /\.data$/i.test(o.output));
        writeStructures(o.output, structures, to, toN2p2 ? o.units : undefined);
    }
    out(`wrote ${structures.length} structure${structures.length === 1 ? '' : 's'} to ${o.output}`);
    return 0;
}
