import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError, NonFiniteValueError } from '../../runtime/src/io/data-file-error.js';
import { parseExtxyz, writeExtxyz } from '../../runtime/src/io/extxyz.js';
import { parseN2p2Data, writeN2p2Data } from '../../runtime/src/io/n2p2-data.js';
import { readStructures, structureFormat, writeStructures } from '../../runtime/src/io/read-structures.js';
import type { Structure } from '../../runtime/src/structure.js';
import { sharedData } from '../helpers/shared-data.js';

const H2O = sharedData('n2p2', 'structures', 'H2O_RPBE-D3.train.data');
const CU2S = sharedData('n2p2', 'structures', 'Cu2S_PBE.train.data');
const LJ = sharedData('n2p2', 'structures', 'LJ.train.data');
const SI = sharedData('mlearn', 'Si-training.extxyz');

const read = (path: string): Structure[] => parseN2p2Data(readFileSync(path, 'utf8'), path);

function bits(a: Float64Array | undefined): string[] | undefined {
    return a && Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16));
}
function scalarBits(x: number | undefined): string | undefined {
    return x === undefined ? undefined : bits(Float64Array.of(x))![0];
}
function content(s: Structure) {
    return {
        symbols: s.symbols, pbc: s.pbc, positions: bits(s.positions), cell: bits(s.cell), energy: scalarBits(s.energy),
        forces: bits(s.forces), charges: bits(s.charges), totalCharge: scalarBits(s.totalCharge), comment: s.comment,
    };
}

function parseError(text: string): DataFileError {
    try {
        parseN2p2Data(text, 'input.data');
    } catch (e) {
        if (e instanceof DataFileError) return e;
        throw e;
    }
    throw new Error('no error');
}

describe('n2p2 input.data: shared data', () => {
    it('reads the H2O RPBE-D3 training set: 20 periodic structures, 2064 atoms, leading whitespace', () => {
        const structures = read(H2O);
        expect(structures).toHaveLength(20);
        expect(structures.reduce((sum, s) => sum + s.symbols.length, 0)).toBe(2064);
        const first = structures[0]!;
        expect(first.source).toEqual({ file: H2O, line: 1 });
        expect(first.comment).toBe('written by RuNNerDecom');
        expect(first.pbc).toEqual([true, true, true]);
        expect(Array.from(first.cell!)).toEqual([24.623508, 0, 0, 0, 24.623508, 0, 0, 0, 24.623508]);
        expect(first.symbols.slice(0, 3)).toEqual(['O', 'H', 'H']);
        expect(Array.from(first.positions.subarray(0, 3))).toEqual([3.735290838, 2.327841157, 3.501304856]);
        expect(first.charges![0]).toBe(-0.22638936);
        expect(Array.from(first.forces!.subarray(0, 3))).toEqual([-0.006530137, -0.002852459, -0.027992554]);
        for (const s of structures) {
            expect(s.energy).toBeTypeOf('number');
            expect(s.totalCharge).toBeTypeOf('number');
            expect(new Set(s.symbols)).toEqual(new Set(['H', 'O']));
        }
    });

    it('reads the Cu2S PBE training set with its triclinic cells', () => {
        const structures = read(CU2S);
        expect(structures).toHaveLength(20);
        expect(structures.reduce((sum, s) => sum + s.symbols.length, 0)).toBe(2880);
        const first = structures[0]!;
        expect(first.comment).toBe('source_file_name=OUTCAR_4_1');
        expect(Array.from(first.cell!)).toEqual([15.415349658, 0, 0, 0, 12.016005204, 0, -6.055885795, 0, 12.226281044]);
        expect(first.positions[3]).toBe(-3.16184); // outside the cell: kept, not wrapped
    });

    it('reads the 101 Lennard-Jones dimers: no lattice, comment after energy, no charge line', () => {
        const structures = read(LJ);
        expect(structures).toHaveLength(101);
        for (const s of structures) {
            expect(s.symbols).toEqual(['Ne', 'Ne']);
            expect(s.cell).toBeUndefined();
            expect(s.pbc).toEqual([false, false, false]);
            expect(s.totalCharge).toBeUndefined();
        }
        expect(structures[1]!.energy).toBe(-0.21838404);
        expect(structures[1]!.comment).toBe('r =   1.01000000E+00, E =  -2.18384040E-01, dEdr =  -1.97905715E+01');
        expect(structures[1]!.source?.line).toBe(7);
    });

    it.each([H2O, CU2S, LJ])('round-trips %s bit for bit', (path) => {
        const structures = read(path);
        const text = writeN2p2Data(structures);
        const again = parseN2p2Data(text, 'again.data');
        expect(again.map(content)).toEqual(structures.map(content));
        expect(writeN2p2Data(again)).toBe(text);
    });

    it.each([H2O, CU2S, LJ])('converts %s to extended XYZ and back without changing a bit', (path) => {
        const structures = read(path);
        const viaXyz = parseExtxyz(writeExtxyz(structures), 'via.xyz');
        // Zero charges are not written to extended XYZ: compare them through the n2p2 text.
        expect(writeN2p2Data(viaXyz)).toBe(writeN2p2Data(structures));
        expect(viaXyz.map((s) => ({ ...content(s), charges: undefined }))).toEqual(structures.map((s) => ({ ...content(s), charges: undefined })));
    });

    it('scales by unit factors on reading and divides them out on writing', () => {
        const bohr = 0.529177210903;
        const hartree = 27.211386245988;
        const units = { length: bohr, energy: hartree };
        const text = 'begin\nlattice 10 0 0\nlattice 0 10 0\nlattice 0 0 10\natom 1 2 3 O 0.5 0 0.25 -0.5 1\nenergy -76\ncharge 0\nend\n';
        const [s] = parseN2p2Data(text, 'bohr.data', units);
        expect(s!.cell![0]).toBe(10 * bohr);
        expect(Array.from(s!.positions)).toEqual([bohr, 2 * bohr, 3 * bohr]);
        expect(s!.energy).toBe(-76 * hartree);
        expect(s!.forces![0]).toBe(0.25 * (hartree / bohr));
        expect(s!.charges![0]).toBe(0.5); // charges are in e either way
        const [back] = parseN2p2Data(writeN2p2Data([s!], units), 'again.data', units);
        for (const [a, b] of [[back!.positions, s!.positions], [back!.forces!, s!.forces!], [back!.cell!, s!.cell!]] as const) {
            for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 12);
        }
        expect(() => parseN2p2Data(text, 'x.data', { length: 0, energy: 1 })).toThrow('unit factors must be positive and finite');
    });
});

describe('n2p2 input.data: writer', () => {
    it('writes %24.16E numbers like n2p2 (17 significant digits, two-digit or longer exponents, -0)', () => {
        const s: Structure = {
            symbols: ['O', 'Cu'], positions: Float64Array.of(1.5, -0, 1e-300, 1.7976931348623157e308, 5e-324, -2.5e-7),
            cell: Float64Array.of(123456789.123, 0, 0, 0, 0.1, 0, 0, 0, 1), pbc: [true, true, true], energy: -1,
            forces: Float64Array.of(1, 2, 3, 4, 5, 6), charges: Float64Array.of(0.5, -0.5), totalCharge: 0,
            comment: 'test', info: { set: 'test' },
        };
        expect(writeN2p2Data([s])).toBe([
            'begin set=test',
            'comment test',
            'lattice   1.2345678912300000E+08   0.0000000000000000E+00   0.0000000000000000E+00',
            'lattice   0.0000000000000000E+00   1.0000000000000001E-01   0.0000000000000000E+00',
            'lattice   0.0000000000000000E+00   0.0000000000000000E+00   1.0000000000000000E+00',
            'atom   1.5000000000000000E+00  -0.0000000000000000E+00  1.0000000000000000E-300  O   5.0000000000000000E-01   0.0000000000000000E+00   1.0000000000000000E+00   2.0000000000000000E+00   3.0000000000000000E+00',
            'atom  1.7976931348623157E+308  4.9406564584124654E-324  -2.4999999999999999E-07 Cu  -5.0000000000000000E-01   0.0000000000000000E+00   4.0000000000000000E+00   5.0000000000000000E+00   6.0000000000000000E+00',
            'energy  -1.0000000000000000E+00',
            'charge   0.0000000000000000E+00',
            'end',
            '',
        ].join('\n'));
        const [back] = parseN2p2Data(writeN2p2Data([s]), 'w.data');
        expect(content(back!)).toEqual(content(s));
        expect(back!.info).toEqual({ set: 'test' });
    });

    it('writes zeros for missing forces and charges, and refuses what the format cannot hold', () => {
        const s: Structure = { symbols: ['H'], positions: Float64Array.of(0, 0, 0), pbc: [false, false, false], info: {} };
        const zero = '   0.0000000000000000E+00';
        expect(writeN2p2Data([s])).toBe(`begin\natom${zero.repeat(3)}  H${zero.repeat(5)}\nend\n`);
        const partial = { ...s, cell: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), pbc: [true, true, false] as const };
        expect(() => writeN2p2Data([partial])).toThrow('structure 1: n2p2 input.data cannot express pbc T T F');
        expect(() => writeN2p2Data([{ ...s, energy: Infinity }])).toThrow('structure 1: cannot write energy = Infinity');
    });
});

describe('n2p2 input.data: malformed input', () => {
    const ATOM = 'atom 0 0 0 H 0 0 0 0 0';
    const LAT = 'lattice 5 0 0\nlattice 0 5 0\nlattice 0 0 5';
    const cases: [string, string, string][] = [
        ['one lattice line', `begin\nlattice 5 0 0\n${ATOM}\nend\n`, 'input.data:4: expected 3 lattice lines (or none) before end, found 1'],
        ['two lattice lines', `begin\nlattice 5 0 0\nlattice 0 5 0\n${ATOM}\nend\n`, 'input.data:5: expected 3 lattice lines (or none) before end, found 2'],
        ['four lattice lines', `begin\n${LAT}\nlattice 1 1 1\nend\n`, 'input.data:5: expected at most 3 lattice lines, found a 4th'],
        ['unknown keyword', `begin\n${ATOM}\nforces 1 2 3\nend\n`,
            'input.data:3: expected a keyword (begin, comment, lattice, atom, energy, charge, end), found "forces"'],
        ['missing end at the end of the file', `begin\n${ATOM}\nend\n  begin\n${ATOM}\nenergy 1\n`,
            'input.data:4: expected end for the structure that begins here, found end of file'],
        ['missing end before the next begin', `begin\n${ATOM}\nbegin\n${ATOM}\nend\n`,
            'input.data:1: expected end for the structure that begins here, found begin at line 3'],
        ['text before begin', `atom 0 0 0 H 0 0 0 0 0\n`, 'input.data:1: expected begin, found "atom"'],
        ['bad begin option', `begin set=validation\n${ATOM}\nend\n`, 'input.data:1: expected set=train or set=test after begin, found "set=validation"'],
        ['atom with 9 fields', `begin\natom 0 0 0 H 0 0 0 0\nend\n`,
            'input.data:2: expected 10 fields for atom 1 (atom x y z element charge unused fx fy fz), found 9'],
        ['non-numeric coordinate', `begin\n${ATOM}\natom 1 1,5 1 H 0 0 0 0 0\nend\n`, 'input.data:3: expected a number for y of atom 2, found "1,5"'],
        ['non-numeric force', `begin\natom 0 0 0 H 0 0 0 0 x\nend\n`, 'input.data:2: expected a number for fz of atom 1, found "x"'],
        ['unknown element', `begin\natom 0 0 0 Xy 0 0 0 0 0\nend\n`, 'input.data:2: expected an element symbol for atom 1, found "Xy" (did you mean Y?)'],
        ['unknown element without a suggestion', `begin\natom 0 0 0 Qq 0 0 0 0 0\nend\n`, 'input.data:2: expected an element symbol for atom 1, found "Qq"'],
        ['lower-case element', `begin\natom 0 0 0 cu 0 0 0 0 0\nend\n`, 'input.data:2: expected an element symbol for atom 1, found "cu" (did you mean Cu?)'],
        ['bad lattice number', `begin\nlattice 5 0 zero\nend\n`, 'input.data:2: expected a number for z of lattice vector a, found "zero"'],
        ['short lattice line', `begin\nlattice 5 0 0\nlattice 0 5 0\nlattice 0 0\nend\n`, 'input.data:4: expected a number for z of lattice vector c, found end of line'],
        ['energy without a value', `begin\n${ATOM}\nenergy\nend\n`, 'input.data:3: expected a number for energy, found end of line'],
        ['NaN energy', `begin\n${ATOM}\nenergy nan\nend\n`, 'input.data:3: expected a finite number for energy, found "nan"'],
        ['infinite charge', `begin\n${ATOM}\ncharge -INF\nend\n`, 'input.data:3: expected a finite number for charge, found "-INF"'],
        ['infinite atom charge', `begin\natom 0 0 0 H inf 0 0 0 0\nend\n`, 'input.data:2: expected a finite number for the charge of atom 1, found "inf"'],
    ];
    it.each(cases)('%s', (_name, text, message) => {
        const error = parseError(text);
        expect(error.message).toBe(message);
        expect(error.file).toBe('input.data');
        expect(error.line).toBe(Number(message.split(':')[1]));
    });

    it('skips a structure with NaN values when the caller asks to', () => {
        const text = `begin\n${ATOM}\nend\nbegin\natom 0 0 0 H 0 0 0 nan 0\nend\nbegin\n${ATOM}\nend\n`;
        expect(parseError(text)).toBeInstanceOf(NonFiniteValueError);
        const skipped: NonFiniteValueError[] = [];
        const structures = parseN2p2Data(text, 'input.data', undefined, { onNonFinite: (e) => skipped.push(e) });
        expect(structures.map((s) => s.source?.line)).toEqual([1, 7]);
        expect(skipped.map((e) => e.message)).toEqual(['input.data:5: expected a finite number for fy of atom 1, found "nan"']);
    });
});

describe('readStructures / writeStructures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-io-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('chooses the format by extension or option', () => {
        expect(structureFormat('a/input.data')).toBe('n2p2');
        expect(structureFormat('train.XYZ')).toBe('extxyz');
        expect(structureFormat('train.extxyz')).toBe('extxyz');
        expect(structureFormat('frames.txt', 'n2p2')).toBe('n2p2');
        expect(() => structureFormat('frames.txt')).toThrow('frames.txt: cannot tell the structure format from the extension');
    });

    it('reads both formats and writes them atomically', () => {
        const si = readStructures(SI);
        expect(si).toHaveLength(214);
        const lj = readStructures(LJ);
        expect(lj).toHaveLength(101);
        writeStructures(join(dir, 'si.data'), si);
        writeStructures(join(dir, 'lj.xyz'), lj);
        writeStructures(join(dir, 'lj.txt'), lj, 'n2p2');
        expect(readStructures(join(dir, 'si.data')).map((s) => bits(s.positions))).toEqual(si.map((s) => bits(s.positions)));
        expect(readStructures(join(dir, 'lj.xyz')).map((s) => bits(s.forces))).toEqual(lj.map((s) => bits(s.forces)));
        expect(readStructures(join(dir, 'lj.txt'), { format: 'n2p2' })).toHaveLength(101);
    });

    it('reports errors with the path and applies units to n2p2 files only', () => {
        const bad = join(dir, 'bad.data');
        writeFileSync(bad, 'begin\nlattice 1 0 0\nend\n');
        expect(() => readStructures(bad)).toThrow(`${bad}:3: expected 3 lattice lines (or none) before end, found 1`);
        const units = { length: 0.5, energy: 2 };
        expect(readStructures(LJ, { units })[1]!.energy).toBe(-0.21838404 * 2);
        expect(() => readStructures(SI, { units })).toThrow('unit factors apply to n2p2 files only');
    });
});
