// LAMMPS data files: the restricted triclinic box keeps the cell's shape, and every interatomic
// distance (including across the periodic boundary) survives the rotation into LAMMPS' frame.
import { expect, it } from 'vitest';
import { lammpsBox, writeLammpsData } from '../../runtime/src/io/lammps-data.js';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import type { Structure } from '../../runtime/src/structure.js';
import { randomStructure } from '../helpers/random-model.js';

function parseData(text: string): Structure {
    const lines = text.split('\n');
    const value = (suffix: string) => lines.find((l) => l.endsWith(suffix))!.split(/\s+/).map(Number);
    const [xlo, xhi] = value('xlo xhi');
    const [ylo, yhi] = value('ylo yhi');
    const [zlo, zhi] = value('zlo zhi');
    const tilt = lines.find((l) => l.endsWith('xy xz yz'))?.split(/\s+/).map(Number) ?? [0, 0, 0];
    const cell = Float64Array.from([xhi! - xlo!, 0, 0, tilt[0]!, yhi! - ylo!, 0, tilt[1]!, tilt[2]!, zhi! - zlo!]);
    const types = new Map(lines.filter((l) => / # /.test(l) && /^\d/.test(l)).map((l) => [l.split(' ')[0]!, l.split('# ')[1]!]));
    const atoms = lines.slice(lines.indexOf('Atoms # atomic') + 2).filter((l) => l.trim());
    return {
        symbols: atoms.map((l) => types.get(l.split(' ')[1]!)!),
        positions: Float64Array.from(atoms.flatMap((l) => l.split(' ').slice(2).map(Number))),
        cell, pbc: [true, true, true], info: {},
    };
}

const distances = (s: Structure) => {
    const list = buildNeighborList(s, 3.5);
    const out: string[] = [];
    for (let i = 0; i < s.symbols.length; i++) {
        const d: number[] = [];
        for (let e = list.offsets[i]!; e < list.offsets[i + 1]!; e++) d.push(Math.hypot(list.displacements[3 * e]!, list.displacements[3 * e + 1]!, list.displacements[3 * e + 2]!));
        out.push(d.sort((a, b) => a - b).map((x) => x.toFixed(9)).join(','));
    }
    return out;
};

it('rotates a triclinic cell into LAMMPS form and keeps every distance', () => {
    for (const seed of [1, 2, 3]) {
        const s = randomStructure(seed, 6, true);
        const back = parseData(writeLammpsData(s));
        expect(back.symbols).toEqual(s.symbols);
        expect(distances(back)).toEqual(distances(s));
        const box = lammpsBox(s.cell!);
        expect(box.lx * box.ly * box.lz).toBeCloseTo(Math.abs(s.cell![0]! * (s.cell![4]! * s.cell![8]! - s.cell![5]! * s.cell![7]!) - s.cell![1]! * (s.cell![3]! * s.cell![8]! - s.cell![5]! * s.cell![6]!) + s.cell![2]! * (s.cell![3]! * s.cell![7]! - s.cell![4]! * s.cell![6]!)), 10);
    }
});

it('orders atom types by atomic number and writes their masses', () => {
    const text = writeLammpsData({ symbols: ['O', 'H', 'H'], positions: Float64Array.from([0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0]), pbc: [false, false, false], info: {} });
    expect(text.split('\n')[0]).toBe('# LAMMPS data file written by nnp (atom_style atomic); types: 1 H, 2 O');
    expect(text).toContain('Masses\n\n1 1.008 # H\n2 15.999 # O\n');
    expect(text).toContain('\n1 2 0 0 0\n2 1 0.96 0 0\n');
});

it('numbers the types as the potential does when the structure lacks one of its elements, and names a stray element', () => {
    const oxygen = { symbols: ['O', 'O'], positions: Float64Array.from([0, 0, 0, 1.2, 0, 0]), pbc: [false, false, false] as [boolean, boolean, boolean], info: {} };
    const text = writeLammpsData(oxygen, ['H', 'O']);
    expect(text.split('\n')[0]).toBe('# LAMMPS data file written by nnp (atom_style atomic); types: 1 H, 2 O');
    expect(text).toContain('2 atom types');
    expect(text).toContain('\n1 2 0 0 0\n2 2 1.2 0 0\n');
    expect(() => writeLammpsData(oxygen, ['H', 'C'])).toThrow('the structure has element O, not among the atom types H, C');
});
