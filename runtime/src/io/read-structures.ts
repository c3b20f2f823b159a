// Structure files by path: the format from the extension (or given), errors as DataFileError.
// `nnp convert` and the trainer read and write through here.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Structure } from '../structure.js';
import { writeFileAtomic } from './atomic-write.js';
import type { ReadOptions } from './data-file-error.js';
import { parseExtxyz, writeExtxyz } from './extxyz.js';
import { INTERNAL_UNITS, parseN2p2Data, writeN2p2Data, type Units } from './n2p2-data.js';

export type StructureFormat = 'extxyz' | 'n2p2';

export interface ReadStructuresOptions extends ReadOptions {
    /** Overrides the extension. */
    readonly format?: StructureFormat;
    /** Factors from file units to Å and eV; n2p2 files only (extended XYZ is in Å and eV, as in ASE). */
    readonly units?: Units;
}

const BY_EXTENSION: Readonly<Record<string, StructureFormat>> = { '.xyz': 'extxyz', '.extxyz': 'extxyz', '.data': 'n2p2' };

/** The format of `path`: `format` if given, else from the extension (.xyz/.extxyz, .data). */
export function structureFormat(path: string, format?: StructureFormat): StructureFormat {
    if (format) return format;
    const byExtension = BY_EXTENSION[extname(path).toLowerCase()];
    if (byExtension) return byExtension;
    throw new Error(`${path}: cannot tell the structure format from the extension (.xyz and .extxyz are extended XYZ, .data is n2p2); name the format`);
}

function checkExtxyzUnits(path: string, units: Units | undefined): void {
    if (units && (units.length !== 1 || units.energy !== 1)) {
        throw new Error(`${path}: extended XYZ files are in Å and eV (ASE's convention); unit factors apply to n2p2 files only`);
    }
}

export function readStructures(path: string, options: ReadStructuresOptions = {}): Structure[] {
    const format = structureFormat(path, options.format);
    const text = readFileSync(path, 'utf8');
    if (format === 'n2p2') return parseN2p2Data(text, path, options.units ?? INTERNAL_UNITS, options);
    checkExtxyzUnits(path, options.units);
    return parseExtxyz(text, path, options);
}

/** Writes atomically (temporary file, then rename); `units` as for reading, n2p2 only. */
export function writeStructures(path: string, structures: readonly Structure[], format?: StructureFormat, units?: Units): void {
    const chosen = structureFormat(path, format);
    if (chosen === 'extxyz') checkExtxyzUnits(path, units);
    writeFileAtomic(path, chosen === 'n2p2' ? writeN2p2Data(structures, units) : writeExtxyz(structures));
}
