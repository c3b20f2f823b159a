// n2p2's input.data format (N2P2-FORMAT.md §5.10; n2p2 Structure::readFromLines/writeToFile):
//
//   begin [set=train|set=test]
//   comment <free text>
//   lattice ax ay az          (three lines, or none for a molecule)
//   atom x y z <El> <charge> <unused> fx fy fz
//   energy <E>
//   charge <Q>
//   end
//
// As in n2p2: leading whitespace is allowed, tokens after those n2p2 reads are ignored, a later
// `energy`/`charge`/`comment` line replaces an earlier one, and periodic means three lattice
// lines (n2p2 has no per-axis flags). Unlike n2p2, atoms outside the cell are kept where they are
// (n2p2 wraps them in on reading; the neighbour search here handles any image), blank lines are
// skipped, and numbers must be numbers (n2p2's atof reads "abc" as 0). Files are often in Bohr
// and Hartree: `units` gives the factors that turn file values into Å and eV.

import { closestElementSymbols, elementBySymbol } from '../../../language/src/elements.js';
import type { Structure } from '../structure.js';
import { DataFileError, NumberReader, quoted, type ReadOptions } from './data-file-error.js';

/** File units as multiples of the internal ones: value in Å = value in file × length. */
export interface Units {
    readonly length: number;
    readonly energy: number;
}

export const INTERNAL_UNITS: Units = Object.freeze({ length: 1, energy: 1 });

const KEYWORDS = 'begin, comment, lattice, atom, energy, charge, end';

function checkUnits(units: Units): void {
    if (!(units.length > 0 && Number.isFinite(units.length) && units.energy > 0 && Number.isFinite(units.energy))) {
        throw new RangeError(`unit factors must be positive and finite, got length ${units.length}, energy ${units.energy}`);
    }
}

/** A structure between `begin` and `end`, as read so far (in file units). */
interface Open {
    begin: number;
    numbers: NumberReader;
    info: Record<string, string>;
    comment?: string;
    lattice: number[];
    symbols: string[];
    positions: number[];
    charges: number[];
    forces: number[];
    energy?: number;
    totalCharge?: number;
}

export function parseN2p2Data(text: string, file: string, units: Units = INTERNAL_UNITS, options: ReadOptions = {}): Structure[] {
    checkUnits(units);
    const lines = text.split(/\r?\n/);
    const out: Structure[] = [];
    let open: Open | undefined;
    for (let i = 0; i < lines.length; i++) {
        const ln = i + 1;
        const body = lines[i]!.trim();
        if (body === '') continue;
        const tokens = body.split(/\s+/);
        const keyword = tokens[0]!;
        const fail = (expected: string, found: string): never => {
            throw new DataFileError(file, ln, expected, found);
        };
        if (!open) {
            if (keyword !== 'begin') fail('begin', quoted(keyword));
            open = { begin: ln, numbers: new NumberReader(file, options.onNonFinite !== undefined), info: {}, lattice: [], symbols: [], positions: [], charges: [], forces: [] };
            for (const extra of tokens.slice(1)) {
                if (extra !== 'set=train' && extra !== 'set=test') fail('set=train or set=test after begin', quoted(extra));
                open.info['set'] = extra.slice(4);
            }
            continue;
        }
        const s = open;
        const read = (k: number, what: string): number => s.numbers.read(tokens[k], what, ln);
        switch (keyword) {
            case 'begin':
                throw new DataFileError(file, s.begin, 'end for the structure that begins here', `begin at line ${ln}`);
            case 'comment':
                // The rest of the line after the keyword and one separator, as n2p2 keeps it.
                s.comment = lines[i]!.trimStart().slice('comment'.length).replace(/^\s/, '');
                break;
            case 'lattice': {
                if (s.lattice.length === 9) fail('at most 3 lattice lines', 'a 4th');
                const row = 'abc'[s.lattice.length / 3];
                for (let c = 0; c < 3; c++) s.lattice.push(read(1 + c, `${'xyz'[c]} of lattice vector ${row}`));
                break;
            }
            case 'atom': {
                const atom = s.symbols.length + 1;
                if (tokens.length < 10) fail(`10 fields for atom ${atom} (atom x y z element charge unused fx fy fz)`, String(tokens.length));
                for (let c = 0; c < 3; c++) s.positions.push(read(1 + c, `${'xyz'[c]} of atom ${atom}`));
                s.symbols.push(element(tokens[4]!, atom, fail));
                s.charges.push(read(5, `the charge of atom ${atom}`));
                for (let c = 0; c < 3; c++) s.forces.push(read(7 + c, `f${'xyz'[c]} of atom ${atom}`));
                break;
            }
            case 'energy':
                s.energy = read(1, 'energy');
                break;
            case 'charge':
                s.totalCharge = read(1, 'charge');
                break;
            case 'end': {
                const rows = s.lattice.length / 3;
                if (rows !== 0 && rows !== 3) fail('3 lattice lines (or none) before end', String(rows));
                if (s.numbers.nonFinite) options.onNonFinite!(s.numbers.nonFinite);
                else out.push(toStructure(s, file, units));
                open = undefined;
                break;
            }
            default:
                fail(`a keyword (${KEYWORDS})`, quoted(keyword));
        }
    }
    if (open) throw new DataFileError(file, open.begin, 'end for the structure that begins here', 'end of file');
    return out;
}

function element(token: string, atom: number, fail: (expected: string, found: string) => never): string {
    if (elementBySymbol(token)) return token;
    const guess = closestElementSymbols(token, 1)[0];
    return fail(`an element symbol for atom ${atom}`, quoted(token) + (guess ? ` (did you mean ${guess}?)` : ''));
}

function toStructure(s: Open, file: string, units: Units): Structure {
    const { length, energy } = units;
    const force = energy / length; // exactly 1 when both factors are 1
    const periodic = s.lattice.length === 9;
    return {
        symbols: s.symbols,
        positions: Float64Array.from(s.positions, (x) => x * length),
        pbc: [periodic, periodic, periodic],
        forces: Float64Array.from(s.forces, (f) => f * force),
        charges: Float64Array.from(s.charges),
        info: s.info,
        source: { file, line: s.begin },
        ...(periodic && { cell: Float64Array.from(s.lattice, (x) => x * length) }),
        ...(s.energy !== undefined && { energy: s.energy * energy }),
        ...(s.totalCharge !== undefined && { totalCharge: s.totalCharge }),
        ...(s.comment !== undefined && { comment: s.comment }),
    };
}

// ---------------------------------------------------------------- writer

/** C's `%24.16E`: 17 significant digits, which read back to the same double. */
function e16(x: number, what: string, index: number): string {
    if (!Number.isFinite(x)) throw new RangeError(`structure ${index + 1}: cannot write ${what} = ${x}`);
    const [mantissa, exponent] = x.toExponential(16).split('e') as [string, string];
    const sign = Object.is(x, -0) ? '-' : ''; // toExponential drops the sign of -0
    return `${sign}${mantissa}E${exponent[0]}${exponent.slice(1).padStart(2, '0')}`.padStart(24);
}

/**
 * Structures in input.data format, values divided by `units` (so the file is in those units).
 * `energy` and `charge` lines are written only when the structure has them; missing forces and
 * charges are written as 0, as n2p2 does. A cell with partial periodicity cannot be written.
 */
export function writeN2p2Data(structures: readonly Structure[], units: Units = INTERNAL_UNITS): string {
    checkUnits(units);
    const { length, energy } = units;
    const force = energy / length;
    const lines: string[] = [];
    structures.forEach((s, k) => {
        const n = s.symbols.length;
        if (s.positions.length !== 3 * n) throw new RangeError(`structure ${k + 1}: positions has ${s.positions.length} values, expected ${3 * n}`);
        if (s.forces && s.forces.length !== 3 * n) throw new RangeError(`structure ${k + 1}: forces has ${s.forces.length} values, expected ${3 * n}`);
        if (s.charges && s.charges.length !== n) throw new RangeError(`structure ${k + 1}: charges has ${s.charges.length} values, expected ${n}`);
        const periodic = s.cell !== undefined && s.pbc.every((p) => p);
        if (s.cell && s.pbc.some((p) => p) && !periodic) {
            throw new RangeError(`structure ${k + 1}: n2p2 input.data cannot express pbc ${s.pbc.map((p) => (p ? 'T' : 'F')).join(' ')} (periodic along all three axes or none)`);
        }
        const set = s.info['set'];
        lines.push(set === 'train' || set === 'test' ? `begin set=${set}` : 'begin');
        if (s.comment !== undefined) {
            if (/[\r\n]/.test(s.comment)) throw new RangeError(`structure ${k + 1}: cannot write a line break in a comment: ${quoted(s.comment)}`);
            lines.push(`comment ${s.comment}`);
        }
        if (periodic) {
            for (let r = 0; r < 3; r++) {
                lines.push(`lattice ${[0, 1, 2].map((c) => e16(s.cell![3 * r + c]! / length, 'a lattice component', k)).join(' ')}`);
            }
        }
        for (let a = 0; a < n; a++) {
            const pos = [0, 1, 2].map((c) => e16(s.positions[3 * a + c]! / length, 'a position', k));
            const f = [0, 1, 2].map((c) => e16((s.forces?.[3 * a + c] ?? 0) / force, 'a force', k));
            const q = e16(s.charges?.[a] ?? 0, 'a charge', k);
            lines.push(`atom ${pos.join(' ')} ${s.symbols[a]!.padStart(2)} ${q} ${e16(0, '', k)} ${f.join(' ')}`);
        }
        if (s.energy !== undefined) lines.push(`energy ${e16(s.energy / energy, 'energy', k)}`);
        if (s.totalCharge !== undefined) lines.push(`charge ${e16(s.totalCharge, 'charge', k)}`);
        lines.push('end');
    });
    return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
