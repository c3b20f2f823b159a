// LAMMPS data files (atom_style atomic) from a structure, for MD with an exported potential
// (pair_style hdnnp). LAMMPS wants a restricted triclinic box: a along x, b in the xy plane;
// the cell is rotated into that frame through fractional coordinates, which keeps every distance.
// Atom types are the given elements in that order (a potential's elements, so that a structure
// lacking one still numbers the others as `pair_coeff * * <elements…>` does), by default the
// structure's own elements in ascending atomic number (the order of `nnp export n2p2`).
import { elementBySymbol } from '../../../language/src/elements.js';
import { invert3 } from '../math/mat3.js';
import type { Structure } from '../structure.js';

export interface LammpsBox {
    readonly lx: number;
    readonly ly: number;
    readonly lz: number;
    readonly xy: number;
    readonly xz: number;
    readonly yz: number;
}

/** The restricted triclinic box of a cell (rows a, b, c): a' = (lx,0,0), b' = (xy,ly,0), c' = (xz,yz,lz). */
export function lammpsBox(cell: ArrayLike<number>): LammpsBox {
    const a = [cell[0]!, cell[1]!, cell[2]!];
    const b = [cell[3]!, cell[4]!, cell[5]!];
    const c = [cell[6]!, cell[7]!, cell[8]!];
    const dot = (u: number[], v: number[]) => u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
    const lx = Math.sqrt(dot(a, a));
    const xy = dot(b, a) / lx;
    const ly = Math.sqrt(dot(b, b) - xy * xy);
    const xz = dot(c, a) / lx;
    const yz = (dot(b, c) - xy * xz) / ly;
    const lz = Math.sqrt(dot(c, c) - xz * xz - yz * yz);
    return { lx, ly, lz, xy, xz, yz };
}

const num = (x: number) => (Object.is(x, -0) ? '0' : String(x));

export function writeLammpsData(s: Structure, elements?: readonly string[]): string {
    const types = elements ? [...elements] : [...new Set(s.symbols)].sort((p, q) => (elementBySymbol(p)?.z ?? 0) - (elementBySymbol(q)?.z ?? 0));
    const stray = [...new Set(s.symbols)].filter((e) => !types.includes(e));
    if (stray.length > 0) throw new Error(`the structure has element${stray.length === 1 ? '' : 's'} ${stray.join(', ')}, not among the atom types ${types.join(', ')}`);
    const typeOf = new Map(types.map((t, i) => [t, i + 1]));
    const n = s.symbols.length;
    let box: LammpsBox;
    let origin = [0, 0, 0];
    const positions = new Float64Array(3 * n);
    if (s.cell && s.pbc.some(Boolean)) {
        box = lammpsBox(s.cell);
        const inv = invert3(s.cell);
        const rows = [[box.lx, 0, 0], [box.xy, box.ly, 0], [box.xz, box.yz, box.lz]];
        for (let i = 0; i < n; i++) {
            const f = [0, 1, 2].map((k) => s.positions[3 * i]! * inv[k]! + s.positions[3 * i + 1]! * inv[3 + k]! + s.positions[3 * i + 2]! * inv[6 + k]!);
            for (let x = 0; x < 3; x++) positions[3 * i + x] = f[0]! * rows[0]![x]! + f[1]! * rows[1]![x]! + f[2]! * rows[2]![x]!;
        }
    } else {
        // a molecule: its bounding box with 10 Å of vacuum (use `boundary f f f` or `s s s`)
        const lo = [0, 1, 2].map((x) => Math.min(...Array.from({ length: n }, (_, i) => s.positions[3 * i + x]!)) - 10);
        const hi = [0, 1, 2].map((x) => Math.max(...Array.from({ length: n }, (_, i) => s.positions[3 * i + x]!)) + 10);
        box = { lx: hi[0]! - lo[0]!, ly: hi[1]! - lo[1]!, lz: hi[2]! - lo[2]!, xy: 0, xz: 0, yz: 0 };
        origin = lo;
        positions.set(s.positions.subarray(0, 3 * n));
    }
    const lines = [
        `# LAMMPS data file written by nnp (atom_style atomic); types: ${types.map((t, i) => `${i + 1} ${t}`).join(', ')}`,
        '',
        `${n} atoms`,
        `${types.length} atom types`,
        '',
        `${num(origin[0]!)} ${num(origin[0]! + box.lx)} xlo xhi`,
        `${num(origin[1]!)} ${num(origin[1]! + box.ly)} ylo yhi`,
        `${num(origin[2]!)} ${num(origin[2]! + box.lz)} zlo zhi`,
    ];
    if (box.xy !== 0 || box.xz !== 0 || box.yz !== 0) lines.push(`${num(box.xy)} ${num(box.xz)} ${num(box.yz)} xy xz yz`);
    lines.push('', 'Masses', '');
    for (const t of types) lines.push(`${typeOf.get(t)} ${elementBySymbol(t)?.mass ?? 0} # ${t}`);
    lines.push('', 'Atoms # atomic', '');
    for (let i = 0; i < n; i++) lines.push(`${i + 1} ${typeOf.get(s.symbols[i]!)} ${num(positions[3 * i]!)} ${num(positions[3 * i + 1]!)} ${num(positions[3 * i + 2]!)}`);
    return `${lines.join('\n')}\n`;
}
