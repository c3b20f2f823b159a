// The structures a spec item names: `crystal <lattice> <El> a … [supercell …]` or `from "file"`
// (every structure of the file). Used by dataset sampling and by the simulation protocols.
import type { PlainIR } from '../../../compiler/src/ir/model-ir.js';
import type { Structure } from '../structure.js';
import { crystal, type Lattice } from './crystal.js';

/** The structures of a CrystalStructure or FileStructure item; [] for other items. */
export function structuresOf(item: PlainIR, readFile?: (path: string) => Structure[]): Structure[] {
    if (item.type === 'CrystalStructure') {
        const supercell = item['supercell'] as number[] | undefined;
        return [crystal(item['lattice'] as Lattice, item['element'] as string, item['a'] as number, {
            ...(item['c'] !== undefined ? { c: item['c'] as number } : {}),
            ...(supercell?.length === 3 ? { supercell: supercell as [number, number, number] } : {}),
        })];
    }
    if (item.type === 'FileStructure') {
        if (!readFile) throw new Error('reading structures from files needs a file reader');
        return readFile(item['path'] as string);
    }
    return [];
}
