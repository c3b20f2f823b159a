// Extended XYZ (ASE's ase.io.extxyz conventions), in Å and eV like ASE.
//
//   <atom count>
//   Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1.5 pbc="T T T"
//   Si  x y z  fx fy fz
//
// Followed from ASE: Lattice rows are the lattice vectors; without `pbc` a frame with a Lattice is
// periodic along all three; `stress`/`virial` with 9 values are 3×3 in Fortran (column) order,
// `stress` with 6 is Voigt (xx yy zz yz xz xy); `virial` alone becomes stress = −virial/V;
// booleans are T/F/True/False/true/false/TRUE/FALSE; a key without a value is true; values may be
// quoted with "", '', {} or [] and a backslash escapes the next character; species are
// capitalised ("SI" → "Si"); a Z column wins over species. A comment line without any `=` is a
// plain XYZ title. Unknown keys go to `info`, unknown columns are skipped.
// Deliberately stricter than ASE: every atom line must have exactly the columns that Properties
// declares, an unclosed quote is an error, and NaN/inf values are reported.

import { closestElementSymbols, elementByNumber, elementBySymbol } from '../../../language/src/elements.js';
import type { Structure } from '../structure.js';
import { DataFileError, NumberReader, numberToken, quoted, type ReadOptions } from './data-file-error.js';

type InfoValue = string | number | boolean;

/** Comment-line keys that are Structure fields; the writer refuses them in `info`. */
const FIELD_KEYS = new Set(['Lattice', 'Properties', 'pbc', 'energy', 'stress', 'comment', 'total_charge']);

const BOOLEANS: Readonly<Record<string, boolean>> = {
    T: true, F: false, True: true, False: false, true: true, false: false, TRUE: true, FALSE: false,
};

/** Values are split as ASE splits them: on whitespace and commas. */
function valueTokens(value: string): string[] {
    return value.match(/[^\s,]+/g) ?? [];
}

export function parseExtxyz(text: string, file: string, options: ReadOptions = {}): Structure[] {
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop(); // the final newline ends the last line
    const out: Structure[] = [];
    let i = 0;
    let previous: { line: number; count: number } | undefined;
    while (i < lines.length) {
        if (lines[i]!.trim() === '') {
            i++; // blank lines between frames (and at the end) are allowed
            continue;
        }
        const numbers = new NumberReader(file, options.onNonFinite !== undefined);
        const structure = readFrame(lines, i, numbers, previous);
        previous = { line: i + 1, count: structure.symbols.length };
        i += 2 + structure.symbols.length;
        if (numbers.nonFinite) options.onNonFinite!(numbers.nonFinite);
        else out.push(structure);
    }
    return out;
}

/** One frame starting at 0-based line index `start` (the atom count line). */
function readFrame(lines: readonly string[], start: number, numbers: NumberReader, previous: { line: number; count: number } | undefined): Structure {
    const file = numbers.file;
    const countLine = start + 1;
    const countText = lines[start]!.trim();
    if (!/^\d+$/.test(countText)) {
        const hint = previous ? ` (the frame at line ${previous.line} declares ${previous.count} atoms)` : '';
        throw new DataFileError(file, countLine, `an atom count at the start of a frame${hint}`, quoted(countText));
    }
    const n = Number(countText);
    if (start + 1 >= lines.length) throw new DataFileError(file, countLine, `a comment line and ${n} atom lines after the atom count`, 'end of file');
    const available = lines.length - start - 2;
    if (available < n) throw new DataFileError(file, countLine, `${n} atom lines after the comment line`, `${available} before the end of the file`);

    const header = readHeader(lines[start + 1]!, countLine + 1, numbers);
    const columns = header.properties;
    const symbols: string[] = [];
    const positions = new Float64Array(3 * n);
    const forces = columns.forces === undefined ? undefined : new Float64Array(3 * n);
    const charges = columns.charges === undefined ? undefined : new Float64Array(n);
    for (let a = 0; a < n; a++) {
        const line = countLine + 2 + a;
        const text = lines[start + 2 + a]!.trim();
        const tokens = text === '' ? [] : text.split(/\s+/);
        if (columns.exact ? tokens.length !== columns.total : tokens.length < columns.total) {
            const expected = columns.exact ? `${columns.total} columns (Properties=${columns.text})` : `at least 4 columns (species x y z)`;
            throw new DataFileError(file, line, expected, String(tokens.length));
        }
        symbols.push(columns.z === undefined ? species(tokens[columns.species!]!, a, file, line) : atomicNumber(tokens[columns.z]!, a, file, line));
        for (let c = 0; c < 3; c++) {
            positions[3 * a + c] = numbers.read(tokens[columns.pos + c], `pos ${'xyz'[c]} of atom ${a + 1}`, line);
            if (forces) forces[3 * a + c] = numbers.read(tokens[columns.forces! + c], `forces ${'xyz'[c]} of atom ${a + 1}`, line);
        }
        if (charges) charges[a] = numbers.read(tokens[columns.charges!], `charges of atom ${a + 1}`, line);
    }
    return {
        symbols, positions, pbc: header.pbc, info: header.info, source: { file, line: countLine },
        ...(header.cell && { cell: header.cell }),
        ...(header.energy !== undefined && { energy: header.energy }),
        ...(forces && { forces }),
        ...(header.stress && { stress: header.stress }),
        ...(charges && { charges }),
        ...(header.totalCharge !== undefined && { totalCharge: header.totalCharge }),
        ...(header.comment !== undefined && { comment: header.comment }),
    };
}

function species(token: string, atom: number, file: string, line: number): string {
    // ASE capitalises species ("SI", "si" → "Si") before looking them up.
    const symbol = token.charAt(0).toUpperCase() + token.slice(1).toLowerCase();
    if (elementBySymbol(symbol)) return symbol;
    const guess = closestElementSymbols(token, 1)[0];
    throw new DataFileError(file, line, `an element symbol for atom ${atom + 1}`, quoted(token) + (guess ? ` (did you mean ${guess}?)` : ''));
}

function atomicNumber(token: string, atom: number, file: string, line: number): string {
    const element = /^\d+$/.test(token) ? elementByNumber(Number(token)) : undefined;
    if (!element) throw new DataFileError(file, line, `an atomic number (1 to 118) for atom ${atom + 1}`, quoted(token));
    return element.symbol;
}

interface Header {
    properties: Columns;
    pbc: [boolean, boolean, boolean];
    cell?: Float64Array;
    energy?: number;
    stress?: Float64Array;
    totalCharge?: number;
    comment?: string;
    info: Record<string, InfoValue>;
}

function readHeader(text: string, line: number, numbers: NumberReader): Header {
    const file = numbers.file;
    const fail = (expected: string, found: string): never => {
        throw new DataFileError(file, line, expected, found);
    };
    if (!text.includes('=')) {
        // Plain XYZ: the line is a title, not key=value pairs.
        const title = text.trim();
        return { properties: readProperties(undefined, fail), pbc: [false, false, false], info: {}, ...(title !== '' && { comment: title }) };
    }
    const pairs = splitKeyValues(text, fail);
    const take = (key: string): string | undefined => {
        if (!pairs.has(key)) return undefined;
        const value = pairs.get(key);
        pairs.delete(key);
        return value ?? 'T'; // a bare key is true, as in ASE
    };
    const numberList = (key: string, value: string, counts: readonly number[]): number[] => {
        const tokens = valueTokens(value);
        if (!counts.includes(tokens.length)) {
            fail(counts.length === 1 && counts[0] === 1 ? `one number for ${key}` : `${counts.join(' or ')} numbers in ${key}`, quoted(value));
        }
        return tokens.map((t) => numbers.read(t, key, line));
    };
    const header: Header = { properties: readProperties(take('Properties'), fail), pbc: [false, false, false], info: {} };

    const lattice = take('Lattice');
    if (lattice !== undefined) header.cell = Float64Array.from(numberList('Lattice', lattice, [9]));
    const pbc = take('pbc');
    if (pbc !== undefined) header.pbc = readPbc(pbc, fail);
    else if (header.cell) header.pbc = [true, true, true]; // ASE: a Lattice without pbc is periodic
    if (!header.cell && header.pbc.some((p) => p)) fail(`a Lattice for pbc=${quoted(pbc!)}`, 'none');

    const energy = take('energy');
    if (energy !== undefined) header.energy = numberList('energy', energy, [1])[0]!;
    const stress = take('stress');
    if (stress !== undefined) header.stress = tensor(numberList('stress', stress, [9, 6]));
    const virial = take('virial');
    if (virial !== undefined) {
        const w = tensor(numberList('virial', virial, [9]));
        if (header.stress) {
            header.info['virial'] = virial; // an explicit stress wins; keep the virial as it was
        } else {
            if (!header.cell) fail('a Lattice for virial (stress = -virial/volume)', 'none');
            const volume = Math.abs(determinant(header.cell!));
            header.stress = w.map((x) => -x / volume);
        }
    }
    const totalCharge = take('total_charge');
    if (totalCharge !== undefined) header.totalCharge = numberList('total_charge', totalCharge, [1])[0]!;
    const comment = take('comment');
    if (comment !== undefined) header.comment = comment;
    header.info = Object.fromEntries([...Object.entries(header.info), ...[...pairs].map(([k, v]) => [k, infoValue(v)])]);
    return header;
}

function readPbc(value: string, fail: (expected: string, found: string) => never): [boolean, boolean, boolean] {
    const flags = valueTokens(value).map((t) => (t === '1' ? true : t === '0' ? false : BOOLEANS[t]));
    if (flags.some((f) => f === undefined) || (flags.length !== 1 && flags.length !== 3)) fail('pbc as 3 (or 1) of T/F', quoted(value));
    const [a, b = a, c = a] = flags as boolean[];
    return [a!, b!, c!];
}

/** 9 values in Fortran order (ASE's reshape(order='F')) or 6 in Voigt order → row-major 3×3. */
function tensor(v: readonly number[]): Float64Array {
    if (v.length === 6) {
        const [xx, yy, zz, yz, xz, xy] = v as [number, number, number, number, number, number];
        return Float64Array.of(xx, xy, xz, xy, yy, yz, xz, yz, zz);
    }
    const m = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[3 * i + j] = v[3 * j + i]!;
    return m;
}

function determinant(m: Float64Array): number {
    const [a, b, c, d, e, f, g, h, i] = m as unknown as [number, number, number, number, number, number, number, number, number];
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/** A single number or boolean becomes one; anything else (arrays, text) stays as written. */
function infoValue(value: string | undefined): InfoValue {
    if (value === undefined) return true;
    const tokens = valueTokens(value);
    if (tokens.length === 1) {
        const x = numberToken(tokens[0]!);
        if (x !== undefined && Number.isFinite(x)) return x;
        const b = BOOLEANS[tokens[0]!];
        if (b !== undefined) return b;
    }
    return value;
}

const CLOSING: Readonly<Record<string, string>> = { '"': '"', "'": "'", '{': '}', '[': ']' };

/**
 * key=value pairs of a comment line, split as ASE's key_val_str_to_dict does (spaces around `=`
 * allowed, later duplicates win). A key without `=` maps to undefined (true).
 */
function splitKeyValues(text: string, fail: (expected: string, found: string) => never): Map<string, string | undefined> {
    const pairs: string[][] = [['']]; // per pair: key, then value parts (split at `=`)
    let closing: string | undefined;
    let escaped = false;
    let quotedPart = false; // whether the current part was quoted, so "" is a value
    const last = (): string[] => pairs[pairs.length - 1]!;
    const append = (ch: string): void => {
        const pair = last();
        pair[pair.length - 1] += ch;
    };
    for (const ch of text.trim()) {
        if (escaped) {
            append(ch);
            escaped = false;
        } else if (ch === '\\') {
            escaped = true;
        } else if (closing !== undefined) {
            if (ch === closing) closing = undefined;
            else append(ch);
        } else if (ch in CLOSING) {
            closing = CLOSING[ch];
            quotedPart = true;
        } else if (/\s/.test(ch)) {
            const pair = last();
            if (pair[pair.length - 1] !== '' || quotedPart) pairs.push(['']);
            quotedPart = false;
        } else if (ch === '=') {
            const pair = last();
            if (pair.length === 1 && pair[0] === '' && !quotedPart) {
                // `key = value`: the `=` belongs to the previous pair.
                pairs.pop();
                if (pairs.length === 0) fail('a key before "="', quoted(text.trim()));
            }
            last().push('');
            quotedPart = false;
        } else {
            append(ch);
        }
    }
    if (closing !== undefined) fail(`a closing ${closing} in the comment line`, 'end of line');
    const map = new Map<string, string | undefined>();
    for (const [key, ...parts] of pairs) {
        if (key === '' && parts.length === 0) continue;
        if (key === '') fail('a key before "="', quoted(text.trim()));
        map.delete(key!); // a repeated key moves to the end, as in a Python dict
        map.set(key!, parts.length === 0 ? undefined : parts.join('='));
    }
    return map;
}

interface Columns {
    /** Properties as written (or the default), for messages. */
    text: string;
    /** Whether atom lines must have exactly `total` columns (an explicit Properties). */
    exact: boolean;
    total: number;
    species?: number;
    z?: number;
    pos: number;
    forces?: number;
    charges?: number;
}

type ColumnName = 'species' | 'z' | 'pos' | 'forces' | 'charges';

/** Column offsets from a Properties value; without one, ASE's default species:S:1:pos:R:3. */
function readProperties(value: string | undefined, fail: (expected: string, found: string) => never): Columns {
    const text = value ?? 'species:S:1:pos:R:3';
    const fields = text.split(':');
    if (fields.length % 3 !== 0) fail('Properties as name:type:columns triples', quoted(text));
    // Known columns: name → required type and width.
    const known: Readonly<Record<string, [string, number, ColumnName]>> = {
        species: ['S', 1, 'species'], Z: ['I', 1, 'z'], pos: ['R', 3, 'pos'], forces: ['R', 3, 'forces'],
        charge: ['R', 1, 'charges'], charges: ['R', 1, 'charges'],
    };
    const found: Partial<Record<ColumnName, number>> = {};
    let total = 0;
    for (let f = 0; f < fields.length; f += 3) {
        const [name, type, width] = fields.slice(f, f + 3) as [string, string, string];
        if (name === '' || !['R', 'I', 'S', 'L'].includes(type) || !/^[1-9]\d*$/.test(width)) {
            fail('Properties as name:type:columns triples (type R, I, S or L)', quoted(`${name}:${type}:${width}`));
        }
        const spec = Object.hasOwn(known, name) ? known[name] : undefined;
        if (spec) {
            if (type !== spec[0] || Number(width) !== spec[1]) fail(`${name}:${spec[0]}:${spec[1]} in Properties`, quoted(`${name}:${type}:${width}`));
            found[spec[2]] = total;
        }
        total += Number(width);
    }
    if (found.pos === undefined) fail('a pos:R:3 column in Properties', quoted(text));
    if (found.species === undefined && found.z === undefined) fail('a species:S:1 (or Z:I:1) column in Properties', quoted(text));
    return { text, exact: value !== undefined, total, pos: found.pos!, ...found };
}

// ---------------------------------------------------------------- writer

/** Shortest text that reads back to the same double (keeping the sign of zero). */
function num(x: number, what: string, index: number): string {
    if (!Number.isFinite(x)) throw new RangeError(`structure ${index + 1}: cannot write ${what} = ${x}`);
    return Object.is(x, -0) ? '-0' : String(x);
}

/** A key or value, quoted (with \ and " escaped) when the reader would otherwise split it. */
function escape(text: string, index: number): string {
    if (/[\n\r]/.test(text)) throw new RangeError(`structure ${index + 1}: cannot write a line break in the comment line: ${quoted(text)}`);
    return text === '' || /[\s"'{}[\]=\\,]/.test(text) ? `"${text.replace(/[\\"]/g, '\\$&')}"` : text;
}

export function writeExtxyz(structures: readonly Structure[]): string {
    return structures.map(writeFrame).join('');
}

function writeFrame(s: Structure, k: number): string {
    const n = s.symbols.length;
    const check = (array: Float64Array | undefined, width: number, what: string): void => {
        if (array && array.length !== width) throw new RangeError(`structure ${k + 1}: ${what} has ${array.length} values, expected ${width}`);
    };
    check(s.positions, 3 * n, 'positions');
    check(s.forces, 3 * n, 'forces');
    check(s.charges, n, 'charges');
    check(s.cell, 9, 'cell');
    check(s.stress, 9, 'stress');
    // Charges of zero (n2p2 files without charges) are left out rather than written as a column.
    const charges = s.charges?.some((q) => q !== 0) ? s.charges : undefined;

    const keys: string[] = [];
    if (s.cell) keys.push(`Lattice="${Array.from(s.cell, (x) => num(x, 'Lattice', k)).join(' ')}"`);
    keys.push(`Properties=species:S:1:pos:R:3${s.forces ? ':forces:R:3' : ''}${charges ? ':charges:R:1' : ''}`);
    if (s.energy !== undefined) keys.push(`energy=${num(s.energy, 'energy', k)}`);
    if (s.stress) {
        const st = s.stress;
        const fortran = Array.from({ length: 9 }, (_, v) => num(st[3 * (v % 3) + Math.floor(v / 3)]!, 'stress', k));
        keys.push(`stress="${fortran.join(' ')}"`);
    }
    if (s.totalCharge !== undefined) keys.push(`total_charge=${num(s.totalCharge, 'total_charge', k)}`);
    if (s.comment !== undefined) keys.push(`comment=${escape(s.comment, k)}`);
    for (const [key, value] of Object.entries(s.info)) {
        if (FIELD_KEYS.has(key)) throw new RangeError(`structure ${k + 1}: info key ${quoted(key)} is a structure field`);
        const text = typeof value === 'boolean' ? (value ? 'T' : 'F') : typeof value === 'number' ? String(value) : escape(value, k);
        keys.push(`${escape(key, k)}=${text}`);
    }
    keys.push(`pbc="${s.pbc.map((p) => (p ? 'T' : 'F')).join(' ')}"`);

    const lines = [String(n), keys.join(' ')];
    for (let a = 0; a < n; a++) {
        // Padded to the longest shortest-form double (24 characters) so that columns line up.
        const cols = [s.symbols[a]!.padEnd(2)];
        for (let c = 0; c < 3; c++) cols.push(num(s.positions[3 * a + c]!, 'a position', k).padStart(24));
        if (s.forces) for (let c = 0; c < 3; c++) cols.push(num(s.forces[3 * a + c]!, 'a force', k).padStart(24));
        if (charges) cols.push(num(charges[a]!, 'a charge', k).padStart(24));
        lines.push(cols.join(' '));
    }
    return lines.join('\n') + '\n';
}
