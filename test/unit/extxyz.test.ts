import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataFileError, NonFiniteValueError } from '../../runtime/src/io/data-file-error.js';
import { parseExtxyz, writeExtxyz } from '../../runtime/src/io/extxyz.js';
import { parseN2p2Data, writeN2p2Data } from '../../runtime/src/io/n2p2-data.js';
import type { Structure } from '../../runtime/src/structure.js';
import { sharedData } from '../helpers/shared-data.js';

const SI = sharedData('mlearn', 'Si-training.extxyz');

/** Bit patterns, so that -0 vs 0 and the last ulp count. */
function bits(a: Float64Array | undefined): string[] | undefined {
    return a && Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16));
}
function scalarBits(x: number | undefined): string | undefined {
    return x === undefined ? undefined : bits(Float64Array.of(x))![0];
}

/** The numeric content of a structure, bit for bit, plus symbols and pbc. */
function content(s: Structure, withCharges = true) {
    return {
        symbols: s.symbols, pbc: s.pbc, positions: bits(s.positions), cell: bits(s.cell), energy: scalarBits(s.energy),
        forces: bits(s.forces), stress: bits(s.stress), ...(withCharges && { charges: bits(s.charges), totalCharge: scalarBits(s.totalCharge) }),
    };
}

function parseError(text: string): DataFileError {
    try {
        parseExtxyz(text, 'bad.xyz');
    } catch (e) {
        if (e instanceof DataFileError) return e;
        throw e;
    }
    throw new Error('no error');
}

// A small seeded generator (mulberry32) for the property test.
function random(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const SPECIAL = [0, -0, 1e-300, -1e-300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 0.1, 1 / 3, -2.5e-7, 123456789.123];

function randomStructures(seed: number, count: number): Structure[] {
    const rnd = random(seed);
    const value = (): number => {
        const r = rnd();
        if (r < 0.15) return SPECIAL[Math.floor(rnd() * SPECIAL.length)]!;
        if (r < 0.3) return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
        return (rnd() - 0.5) * 20;
    };
    const symbols = ['H', 'C', 'O', 'Si', 'Cu', 'S', 'Og'];
    return Array.from({ length: count }, (_, k) => {
        const n = Math.floor(rnd() * 6) + (k === 0 ? 0 : 1);
        const periodic = rnd() < 0.7;
        // Triclinic cells: every component random (lattice vectors need not be upper/lower triangular).
        const cell = periodic ? Float64Array.from({ length: 9 }, value) : undefined;
        const stressValues = Array.from({ length: 6 }, value);
        const [xx, yy, zz, yz, xz, xy] = stressValues as [number, number, number, number, number, number];
        return {
            symbols: Array.from({ length: n }, () => symbols[Math.floor(rnd() * symbols.length)]!),
            positions: Float64Array.from({ length: 3 * n }, value),
            pbc: periodic ? [true, true, true] : [false, false, false],
            ...(cell && { cell }),
            energy: value(),
            forces: Float64Array.from({ length: 3 * n }, value),
            ...(periodic && rnd() < 0.5 && { stress: Float64Array.of(xx, xy, xz, xy, yy, yz, xz, yz, zz) }),
            info: {},
        } satisfies Structure;
    });
}

describe('extended XYZ: shared data', () => {
    const structures = parseExtxyz(readFileSync(SI, 'utf8'), SI);

    it('reads all 214 mlearn Si training structures (13 233 atoms) with energies and forces', () => {
        expect(structures).toHaveLength(214);
        expect(structures.reduce((sum, s) => sum + s.symbols.length, 0)).toBe(13233);
        for (const s of structures) {
            expect(s.pbc).toEqual([true, true, true]);
            expect(s.cell).toHaveLength(9);
            expect(s.energy).toBeTypeOf('number');
            expect(s.forces).toHaveLength(s.positions.length);
            expect(new Set(s.symbols)).toEqual(new Set(['Si']));
            expect(['AIMD-NVT', 'Elastic', 'Surface', 'Vacancy']).toContain(s.info['config_type']);
        }
        const first = structures[0]!;
        expect(first.symbols).toHaveLength(63);
        expect(first.source).toEqual({ file: SI, line: 1 });
        expect(first.energy).toBe(-295.49753016);
        expect(Array.from(first.cell!)).toEqual([14.22366, 5.591921, 15.557314, 0, 9.055935, 0.272179, 0, 0, 9.178194]);
        expect(Array.from(first.positions.subarray(0, 3))).toEqual([0.29508405, 9.03355219, 4.74853937]);
        expect(Array.from(first.forces!.subarray(0, 3))).toEqual([-2.98187262, 0.6069187, 3.48143607]);
        expect(structures[1]!.source?.line).toBe(66);
    });

    it('round-trips the file bit for bit', () => {
        const again = parseExtxyz(writeExtxyz(structures), 'again.xyz');
        expect(again.map((s) => content(s))).toEqual(structures.map((s) => content(s)));
        expect(again.map((s) => s.info)).toEqual(structures.map((s) => s.info));
    });

    it('converts to n2p2 and back without changing a bit', () => {
        const viaN2p2 = parseN2p2Data(writeN2p2Data(structures), 'si.data');
        expect(viaN2p2.map((s) => content(s, false))).toEqual(structures.map((s) => content(s, false)));
    });
});

describe('extended XYZ: ASE conventions', () => {
    it('writes what ASE reads: Lattice rows, Properties, energy, stress in Fortran order, pbc', () => {
        const s: Structure = {
            symbols: ['Si', 'O'], positions: Float64Array.of(0, 0.5, -0, 1.25, 1e-300, 1.7976931348623157e308),
            cell: Float64Array.of(5, 0, 0, 1, 6, 0, 0.5, 0.25, 7), pbc: [true, false, true], energy: -10.5,
            forces: Float64Array.of(0.1, 0.2, 0.3, -0.1, -0.2, -0.3), stress: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
            info: { config_type: 'bulk md', step: 3, converged: true }, comment: 'say "hi"',
        };
        expect(writeExtxyz([s])).toBe([
            '2',
            'Lattice="5 0 0 1 6 0 0.5 0.25 7" Properties=species:S:1:pos:R:3:forces:R:3 energy=-10.5 stress="1 4 7 2 5 8 3 6 9" ' +
                'comment="say \\"hi\\"" config_type="bulk md" step=3 converged=T pbc="T F T"',
            'Si                        0                      0.5                       -0                      0.1                      0.2                      0.3',
            'O                      1.25                   1e-300  1.7976931348623157e+308                     -0.1                     -0.2                     -0.3',
            '',
        ].join('\n'));
        const [back] = parseExtxyz(writeExtxyz([s]), 'x.xyz');
        expect(content(back!)).toEqual(content(s));
        expect(back!.info).toEqual(s.info);
        expect(back!.comment).toBe('say "hi"');
    });

    it('reads plain XYZ: the second line is a title, no cell, not periodic, extra columns ignored', () => {
        const [s, t] = parseExtxyz('3\nwater molecule\nO 0 0 0\nH 0.96 0 0 9 9\nh -0.24 0.93 0\n1\n\nAr 1 2 3\n', 'w.xyz');
        expect(s!.symbols).toEqual(['O', 'H', 'H']);
        expect(s!.comment).toBe('water molecule');
        expect(s!.cell).toBeUndefined();
        expect(s!.pbc).toEqual([false, false, false]);
        expect(Array.from(s!.positions)).toEqual([0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0]);
        expect(t!.comment).toBeUndefined();
        expect(t!.source).toEqual({ file: 'w.xyz', line: 6 });
    });

    it('parses key=value pairs as ASE does: quotes, brackets, escapes, spaces around =, bare keys, booleans', () => {
        const header = `Lattice=[1 0 0 0 2 0 0 0 3] Properties="species:S:1:pos:R:3" name = 'a b' path={x y} esc="a\\"b" flag ` +
            `yes=True no=false n=-3 x=2.5e3 list="1 2 3" pbc="T, F, T" empty=""`;
        const [s] = parseExtxyz(`1\n${header}\nC 1 2 3\n`, 'k.xyz');
        expect(Array.from(s!.cell!)).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3]);
        expect(s!.pbc).toEqual([true, false, true]);
        expect(s!.info).toEqual({ name: 'a b', path: 'x y', esc: 'a"b', flag: true, yes: true, no: false, n: -3, x: 2500, list: '1 2 3', empty: '' });
        expect(parseExtxyz(writeExtxyz([s!]), 'k2.xyz')[0]!.info).toEqual(s!.info);
    });

    it('makes a frame with a Lattice and no pbc periodic along all three axes', () => {
        const [s] = parseExtxyz('1\nLattice="2 0 0 0 2 0 0 0 2"\nNe 0 0 0\n', 'p.xyz');
        expect(s!.pbc).toEqual([true, true, true]);
    });

    it('reads stress as 9 values in Fortran order or 6 in Voigt order (xx yy zz yz xz xy)', () => {
        const cell = 'Lattice="2 0 0 0 2 0 0 0 2"';
        const [full] = parseExtxyz(`1\n${cell} stress="1 2 3 4 5 6 7 8 9"\nNe 0 0 0\n`, 's.xyz');
        expect(Array.from(full!.stress!)).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]);
        const [voigt] = parseExtxyz(`1\n${cell} stress="1 2 3 4 5 6"\nNe 0 0 0\n`, 's.xyz');
        expect(Array.from(voigt!.stress!)).toEqual([1, 6, 5, 6, 2, 4, 5, 4, 3]);
    });

    it('turns a virial into stress = -virial / volume; an explicit stress wins and the virial stays in info', () => {
        const cell = 'Lattice="2 0 0 1 4 0 0 0 0.5"'; // volume 4
        const [v] = parseExtxyz(`1\n${cell} virial="4 0 0 0 8 0 0 0 -2"\nNe 0 0 0\n`, 'v.xyz');
        expect(Array.from(v!.stress!)).toEqual([-1, -0, -0, -0, -2, -0, -0, -0, 0.5]);
        expect(v!.info).toEqual({});
        const [both] = parseExtxyz(`1\n${cell} stress="1 0 0 0 1 0 0 0 1" virial="4 0 0 0 8 0 0 0 -2"\nNe 0 0 0\n`, 'v.xyz');
        expect(Array.from(both!.stress!)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
        expect(both!.info).toEqual({ virial: '4 0 0 0 8 0 0 0 -2' });
    });

    it('reads Z instead of species, charges, and skips unknown columns of any type', () => {
        const props = 'Properties=species:S:1:Z:I:1:pos:R:3:tags:I:1:velo:R:3:fixed:L:1:note:S:1:forces:R:3:charges:R:1';
        const [s] = parseExtxyz(`2\n${props} total_charge=-1\nX 8 1 2 3 7 0.1 0.2 0.3 T abc 4 5 6 -0.5\nX 1 4 5 6 7 0 0 0 F d -4 -5 -6 -0.5\n`, 'z.xyz');
        expect(s!.symbols).toEqual(['O', 'H']);
        expect(Array.from(s!.positions)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(Array.from(s!.forces!)).toEqual([4, 5, 6, -4, -5, -6]);
        expect(Array.from(s!.charges!)).toEqual([-0.5, -0.5]);
        expect(s!.totalCharge).toBe(-1);
        const back = parseExtxyz(writeExtxyz([s!]), 'z2.xyz')[0]!;
        expect(content(back)).toEqual(content(s!));
    });

    it('round-trips random structures bit for bit, also through n2p2', () => {
        const structures = randomStructures(20240607, 60);
        const again = parseExtxyz(writeExtxyz(structures), 'r.xyz');
        expect(again.map((s) => content(s, false))).toEqual(structures.map((s) => content(s, false)));
        const viaN2p2 = parseN2p2Data(writeN2p2Data(structures), 'r.data');
        expect(viaN2p2.map((s) => content({ ...s, stress: undefined }, false))).toEqual(structures.map((s) => content({ ...s, stress: undefined }, false)));
    });

    it('refuses to write values it could not read back', () => {
        const s: Structure = { symbols: ['H'], positions: Float64Array.of(0, NaN, 0), pbc: [false, false, false], info: {} };
        expect(() => writeExtxyz([s])).toThrow('structure 1: cannot write a position = NaN');
        expect(() => writeExtxyz([{ ...s, positions: Float64Array.of(0, 0, 0), info: { energy: 1 } }])).toThrow('structure 1: info key "energy" is a structure field');
        expect(() => writeExtxyz([{ ...s, positions: Float64Array.of(0, 0, 0), comment: 'a\nb' }])).toThrow('structure 1: cannot write a line break');
    });
});

describe('extended XYZ: malformed input', () => {
    const HEAD = 'Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1.5 pbc="T T T"';
    const ATOM = 'Si 0 0 0 0.1 0.2 0.3';
    const cases: [string, string, string][] = [
        ['non-integer atom count', `2.0\n${HEAD}\n${ATOM}\n${ATOM}\n`, 'bad.xyz:1: expected an atom count at the start of a frame, found "2.0"'],
        ['atom count too small', `1\n${HEAD}\n${ATOM}\n${ATOM}\n`,
            'bad.xyz:4: expected an atom count at the start of a frame (the frame at line 1 declares 1 atoms), found "Si 0 0 0 0.1 0.2 0.3"'],
        ['atom count too large', `3\n${HEAD}\n${ATOM}\n${ATOM}\n2\n${HEAD}\n${ATOM}\n${ATOM}\n`,
            'bad.xyz:5: expected 7 columns (Properties=species:S:1:pos:R:3:forces:R:3), found 1'],
        ['truncated frame', `2\n${HEAD}\n${ATOM}\n${ATOM}\n3\n${HEAD}\n${ATOM}\n`,
            'bad.xyz:5: expected 3 atom lines after the comment line, found 1 before the end of the file'],
        ['count without a comment line', `2\n${HEAD}\n${ATOM}\n${ATOM}\n3`,
            'bad.xyz:5: expected a comment line and 3 atom lines after the atom count, found end of file'],
        ['non-numeric coordinate', `1\n${HEAD}\nSi 0 0.5x 0 0 0 0\n`, 'bad.xyz:3: expected a number for pos y of atom 1, found "0.5x"'],
        ['non-numeric force', `1\n${HEAD}\nSi 0 0 0 0 0 -\n`, 'bad.xyz:3: expected a number for forces z of atom 1, found "-"'],
        ['NaN coordinate', `1\n${HEAD}\nSi 0 0 nan 0 0 0\n`, 'bad.xyz:3: expected a finite number for pos z of atom 1, found "nan"'],
        ['infinite force', `1\n${HEAD}\nSi 0 0 0 -inf 0 0\n`, 'bad.xyz:3: expected a finite number for forces x of atom 1, found "-inf"'],
        ['overflowing energy', `1\n${HEAD.replace('-1.5', '1e999')}\n${ATOM}\n`, 'bad.xyz:2: expected a finite number for energy, found "1e999"'],
        ['unknown element', `1\n${HEAD}\nXx 0 0 0 0 0 0\n`, 'bad.xyz:3: expected an element symbol for atom 1, found "Xx" (did you mean Xe?)'],
        ['unknown element without a suggestion', `1\n${HEAD}\nQq 0 0 0 0 0 0\n`, 'bad.xyz:3: expected an element symbol for atom 1, found "Qq"'],
        ['misspelt element', `1\n${HEAD}\nSii 0 0 0 0 0 0\n`, 'bad.xyz:3: expected an element symbol for atom 1, found "Sii" (did you mean Si?)'],
        ['bad atomic number', '1\nProperties=Z:I:1:pos:R:3\n0 0 0 0\n', 'bad.xyz:3: expected an atomic number (1 to 118) for atom 1, found "0"'],
        ['Lattice with 8 numbers', `1\nLattice="4 0 0 0 4 0 0 0"\nSi 0 0 0\n`, 'bad.xyz:2: expected 9 numbers in Lattice, found "4 0 0 0 4 0 0 0"'],
        ['Lattice not numeric', `1\nLattice="4 0 0 0 4 0 0 0 x"\nSi 0 0 0\n`, 'bad.xyz:2: expected a number for Lattice, found "x"'],
        ['too few columns', `1\n${HEAD}\nSi 0 0 0 0.1 0.2\n`, 'bad.xyz:3: expected 7 columns (Properties=species:S:1:pos:R:3:forces:R:3), found 6'],
        ['too many columns', `1\n${HEAD}\nSi 0 0 0 0.1 0.2 0.3 7\n`, 'bad.xyz:3: expected 7 columns (Properties=species:S:1:pos:R:3:forces:R:3), found 8'],
        ['plain XYZ with 3 columns', '1\ntitle\nSi 0 0\n', 'bad.xyz:3: expected at least 4 columns (species x y z), found 3'],
        ['Properties not triples', '1\nProperties=species:S:1:pos:R\nSi 0 0 0\n', 'bad.xyz:2: expected Properties as name:type:columns triples, found "species:S:1:pos:R"'],
        ['Properties with a bad type', '1\nProperties=species:S:1:pos:X:3\nSi 0 0 0\n',
            'bad.xyz:2: expected Properties as name:type:columns triples (type R, I, S or L), found "pos:X:3"'],
        ['pos with 2 columns', '1\nProperties=species:S:1:pos:R:2\nSi 0 0\n', 'bad.xyz:2: expected pos:R:3 in Properties, found "pos:R:2"'],
        ['no positions', '1\nProperties=species:S:1\nSi\n', 'bad.xyz:2: expected a pos:R:3 column in Properties, found "species:S:1"'],
        ['no species', '1\nProperties=pos:R:3\n0 0 0\n', 'bad.xyz:2: expected a species:S:1 (or Z:I:1) column in Properties, found "pos:R:3"'],
        ['bad pbc', `1\nLattice="4 0 0 0 4 0 0 0 4" pbc="T T"\nSi 0 0 0\n`, 'bad.xyz:2: expected pbc as 3 (or 1) of T/F, found "T T"'],
        ['pbc without a cell', `1\npbc="T T T"\nSi 0 0 0\n`, 'bad.xyz:2: expected a Lattice for pbc="T T T", found none'],
        ['stress with 5 numbers', `1\nLattice="4 0 0 0 4 0 0 0 4" stress="1 2 3 4 5"\nSi 0 0 0\n`, 'bad.xyz:2: expected 9 or 6 numbers in stress, found "1 2 3 4 5"'],
        ['virial without a cell', `1\nvirial="1 0 0 0 1 0 0 0 1"\nSi 0 0 0\n`, 'bad.xyz:2: expected a Lattice for virial (stress = -virial/volume), found none'],
        ['energy not a number', `1\nenergy=low\nSi 0 0 0\n`, 'bad.xyz:2: expected a number for energy, found "low"'],
        ['energy with two numbers', `1\nenergy="1 2"\nSi 0 0 0\n`, 'bad.xyz:2: expected one number for energy, found "1 2"'],
        ['unclosed quote', `1\nLattice="4 0 0 0 4 0 0 0 4 pbc=T\nSi 0 0 0\n`, 'bad.xyz:2: expected a closing " in the comment line, found end of line'],
        ['key missing', '1\n=5\nSi 0 0 0\n', 'bad.xyz:2: expected a key before "=", found "=5"'],
    ];
    it.each(cases)('%s', (_name, text, message) => {
        const error = parseError(text);
        expect(error.message).toBe(message);
        expect(error.file).toBe('bad.xyz');
        expect(error.line).toBe(Number(message.split(':')[1]));
    });

    it('reports NaN as NonFiniteValueError, or skips the frame when the caller asks to', () => {
        const text = `1\n${HEAD}\n${ATOM}\n1\n${HEAD}\nSi 0 0 NaN 0 0 0\n1\n${HEAD}\nSi 1 1 1 0 0 0\n`;
        expect(parseError(text)).toBeInstanceOf(NonFiniteValueError);
        const skipped: string[] = [];
        const structures = parseExtxyz(text, 'bad.xyz', { onNonFinite: (e) => skipped.push(e.message) });
        expect(structures.map((s) => s.source?.line)).toEqual([1, 7]);
        expect(skipped).toEqual(['bad.xyz:6: expected a finite number for pos z of atom 1, found "NaN"']);
    });

    it('skipping non-finite values does not hide other errors', () => {
        const text = `1\n${HEAD}\nSi nan 0 0 0 0 0\n1\n${HEAD}\nQq 0 0 0 0 0 0\n`;
        expect(() => parseExtxyz(text, 'bad.xyz', { onNonFinite: () => {} })).toThrow('bad.xyz:6: expected an element symbol for atom 1, found "Qq"');
    });
});
