// Float64 neighbour list for the reference evaluator (and anyone who needs an exact one).
//
// For every atom i: all pairs (j, n) with |d| < r_c (strict, as n2p2), where
//   d = r_j − r_i + n·cell,  n ∈ ℤ³ (n_a = 0 along non-periodic axes),     Å
// excluding only (j = i, n = 0). Any triclinic cell works, including cells smaller than 2 r_c:
// several images of one atom (also of i itself) are then separate neighbours. Molecules (no cell)
// and partial periodicity are handled too.
//
// Method (cell list in fractional coordinates): along each axis a the lattice-plane spacing is
// d_a = V / |b × c| (cyclic); a sphere of radius r_c spans at most h_a = r_c / d_a in fractional
// coordinate a. Atoms are sorted into bins of fractional width ≥ h_a (about r_c). For atom i the
// "extended" bins B_a = floor((f_a − h_a)·nb_a) … floor((f_a + h_a)·nb_a) are visited: along a
// periodic axis bin B is bin (B mod nb_a) seen through the image n_a = floor(B / nb_a), so each
// (j, n) is visited at most once. Distances are computed from the Cartesian input positions with
// integer image shifts, never from wrapped coordinates, so d is as exact as r_j − r_i.
//
// Order: deterministic and independent of the binning: per atom, neighbours sorted by j, then by
// n (lexicographically).
import type { Structure } from '../structure.js';
import type { CsrNeighbors } from './slot-list.js';
import { det3, invert3 } from '../math/mat3.js';


export interface ReferenceNeighbors extends CsrNeighbors {
    /** (pairs, 3) integer image n of each neighbour: d = r_j − r_i + n·cell. */
    readonly shifts: Int32Array;
    /** (pairs) |d|, Å. */
    readonly distances: Float64Array;
}

/** All neighbours within `cutoff` (Å, strict) of every atom of `s`. */
export function buildReferenceNeighbors(s: Structure, cutoff: number): ReferenceNeighbors {
    if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new RangeError(`neighbour cutoff must be positive and finite, got ${cutoff}`);
    const n = s.symbols.length;
    const pos = s.positions;
    if (pos.length !== 3 * n) throw new RangeError(`positions has ${pos.length} values, expected ${3 * n}`);
    const frame = latticeFrame(s);
    const { cell, inverse, periodic } = frame;

    // Fractional coordinates f = r·cell⁻¹ (row vector times inverse); along periodic axes split
    // into the wrapped part in [0, 1) and the integer wrap w (f = f_wrapped + w).
    const frac = new Float64Array(3 * n);
    const wrap = new Int32Array(3 * n);
    for (let i = 0; i < n; i++) {
        const x = pos[3 * i]! - frame.origin[0]!;
        const y = pos[3 * i + 1]! - frame.origin[1]!;
        const z = pos[3 * i + 2]! - frame.origin[2]!;
        for (let a = 0; a < 3; a++) {
            let f = x * inverse[a]! + y * inverse[3 + a]! + z * inverse[6 + a]!;
            if (periodic[a]) {
                const w = Math.floor(f);
                f -= w;
                if (f >= 1) f = 0; // f − floor(f) can round up to 1 for tiny negative f
                wrap[3 * i + a] = w;
            }
            frac[3 * i + a] = f;
        }
    }

    // Bins per axis. Fractional reach h_a = r_c / d_a, widened a little so that rounding in the
    // fractional coordinates never loses a candidate (candidates are checked exactly anyway).
    const reach = [0, 1, 2].map((a) => (cutoff / frame.spacing[a]!) * (1 + 1e-9) + 1e-12);
    const lo = [0, 0, 0];
    const width = [1, 1, 1];
    const nb = [1, 1, 1];
    for (let a = 0; a < 3; a++) {
        if (periodic[a]) {
            nb[a] = Math.max(1, Math.floor(1 / reach[a]!));
            width[a] = 1 / nb[a]!;
        } else {
            let min = Infinity;
            let max = -Infinity;
            for (let i = 0; i < n; i++) {
                min = Math.min(min, frac[3 * i + a]!);
                max = Math.max(max, frac[3 * i + a]!);
            }
            if (n === 0) min = max = 0;
            lo[a] = min;
            nb[a] = Math.max(1, Math.min(1 << 10, Math.floor((max - min) / reach[a]!)));
            width[a] = (max - min) / nb[a]! || 1;
        }
    }
    const binOf = (f: number, a: number): number => Math.min(nb[a]! - 1, Math.max(0, Math.floor((f - lo[a]!) / width[a]!)));

    // Counting sort of atoms into bins (stable: atom order inside a bin).
    const binCount = nb[0]! * nb[1]! * nb[2]!;
    const binStart = new Uint32Array(binCount + 1);
    const atomBin = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
        const b = (binOf(frac[3 * i + 2]!, 2) * nb[1]! + binOf(frac[3 * i + 1]!, 1)) * nb[0]! + binOf(frac[3 * i]!, 0);
        atomBin[i] = b;
        binStart[b + 1]!++;
    }
    for (let b = 0; b < binCount; b++) binStart[b + 1]! += binStart[b]!;
    const fill = binStart.slice(0, binCount);
    const binAtoms = new Uint32Array(n);
    for (let i = 0; i < n; i++) binAtoms[fill[atomBin[i]!]!++] = i;

    const rc2 = cutoff * cutoff;
    const offsets = new Uint32Array(n + 1);
    let js: Int32Array = new Int32Array(Math.max(16, 64 * n));
    let shifts: Int32Array = new Int32Array(3 * js.length);
    let disp: Float64Array = new Float64Array(3 * js.length);
    let count = 0;
    const grow = () => {
        const js2 = new Int32Array(2 * js.length);
        js2.set(js);
        const sh2 = new Int32Array(2 * shifts.length);
        sh2.set(shifts);
        const d2 = new Float64Array(2 * disp.length);
        d2.set(disp);
        js = js2;
        shifts = sh2;
        disp = d2;
    };
    // Per-atom scratch, sorted before it is appended.
    let local: Array<[number, number, number, number, number, number, number]> = []; // j, n0, n1, n2, dx, dy, dz
    const range = [0, 0, 0, 0, 0, 0]; // per axis: first and last extended bin
    for (let i = 0; i < n; i++) {
        for (let a = 0; a < 3; a++) {
            const f = frac[3 * i + a]!;
            if (periodic[a]) {
                range[2 * a] = Math.floor((f - reach[a]!) * nb[a]!);
                range[2 * a + 1] = Math.floor((f + reach[a]!) * nb[a]!);
            } else {
                range[2 * a] = binOf(f - reach[a]!, a);
                range[2 * a + 1] = binOf(f + reach[a]!, a);
            }
        }
        const xi = pos[3 * i]!;
        const yi = pos[3 * i + 1]!;
        const zi = pos[3 * i + 2]!;
        local = [];
        for (let B2 = range[4]!; B2 <= range[5]!; B2++) {
            const n2 = periodic[2] ? Math.floor(B2 / nb[2]!) : 0;
            const b2 = B2 - n2 * nb[2]!;
            for (let B1 = range[2]!; B1 <= range[3]!; B1++) {
                const n1 = periodic[1] ? Math.floor(B1 / nb[1]!) : 0;
                const b1 = B1 - n1 * nb[1]!;
                for (let B0 = range[0]!; B0 <= range[1]!; B0++) {
                    const n0 = periodic[0] ? Math.floor(B0 / nb[0]!) : 0;
                    const b0 = B0 - n0 * nb[0]!;
                    const bin = (b2 * nb[1]! + b1) * nb[0]! + b0;
                    for (let e = binStart[bin]!; e < binStart[bin + 1]!; e++) {
                        const j = binAtoms[e]!;
                        // wrapped_j + n·cell − wrapped_i = r_j − r_i + (n − w_j + w_i)·cell
                        const m0 = n0 - wrap[3 * j]! + wrap[3 * i]!;
                        const m1 = n1 - wrap[3 * j + 1]! + wrap[3 * i + 1]!;
                        const m2 = n2 - wrap[3 * j + 2]! + wrap[3 * i + 2]!;
                        if (j === i && m0 === 0 && m1 === 0 && m2 === 0) continue;
                        const dx = pos[3 * j]! - xi + m0 * cell[0]! + m1 * cell[3]! + m2 * cell[6]!;
                        const dy = pos[3 * j + 1]! - yi + m0 * cell[1]! + m1 * cell[4]! + m2 * cell[7]!;
                        const dz = pos[3 * j + 2]! - zi + m0 * cell[2]! + m1 * cell[5]! + m2 * cell[8]!;
                        if (dx * dx + dy * dy + dz * dz < rc2) local.push([j, m0, m1, m2, dx, dy, dz]);
                    }
                }
            }
        }
        local.sort((u, v) => u[0] - v[0] || u[1] - v[1] || u[2] - v[2] || u[3] - v[3]);
        for (const [j, m0, m1, m2, dx, dy, dz] of local) {
            if (count === js.length) grow();
            js[count] = j;
            shifts[3 * count] = m0;
            shifts[3 * count + 1] = m1;
            shifts[3 * count + 2] = m2;
            disp[3 * count] = dx;
            disp[3 * count + 1] = dy;
            disp[3 * count + 2] = dz;
            count++;
        }
        offsets[i + 1] = count;
    }
    const displacements = disp.slice(0, 3 * count);
    const distances = new Float64Array(count);
    for (let e = 0; e < count; e++) {
        distances[e] = Math.sqrt(displacements[3 * e]! ** 2 + displacements[3 * e + 1]! ** 2 + displacements[3 * e + 2]! ** 2);
    }
    return { offsets, neighbors: Uint32Array.from(js.subarray(0, count)), displacements, shifts: shifts.slice(0, 3 * count), distances };
}

interface LatticeFrame {
    /** (3, 3) rows = lattice vectors used for images (zero rows along non-periodic axes of a molecule). */
    readonly cell: Float64Array;
    /** Inverse of the (possibly synthetic) frame matrix: f = (r − origin)·inverse. */
    readonly inverse: Float64Array;
    readonly origin: readonly number[];
    readonly periodic: readonly [boolean, boolean, boolean];
    /** Lattice-plane spacing per axis, Å. */
    readonly spacing: readonly number[];
}

/**
 * The frame in which atoms are binned. With a cell: the cell itself (periodic axes from pbc).
 * Without one: an orthogonal box around the atoms with no periodicity (only for binning; no
 * images are made).
 */
function latticeFrame(s: Structure): LatticeFrame {
    if (s.cell) {
        const cell = s.cell;
        if (cell.length !== 9) throw new RangeError(`cell has ${cell.length} values, expected 9`);
        const volume = Math.abs(det3(cell));
        if (!(volume > 0)) throw new RangeError('cell is singular (zero volume)');
        const spacing = [0, 1, 2].map((a) => {
            const u = (a + 1) % 3;
            const v = (a + 2) % 3;
            const cx = cell[3 * u + 1]! * cell[3 * v + 2]! - cell[3 * u + 2]! * cell[3 * v + 1]!;
            const cy = cell[3 * u + 2]! * cell[3 * v]! - cell[3 * u]! * cell[3 * v + 2]!;
            const cz = cell[3 * u]! * cell[3 * v + 1]! - cell[3 * u + 1]! * cell[3 * v]!;
            return volume / Math.hypot(cx, cy, cz);
        });
        return { cell, inverse: invert3(cell), origin: [0, 0, 0], periodic: s.pbc, spacing };
    }
    const n = s.symbols.length;
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) {
            lo[c] = Math.min(lo[c]!, s.positions[3 * i + c]!);
            hi[c] = Math.max(hi[c]!, s.positions[3 * i + c]!);
        }
    }
    const size = [0, 1, 2].map((c) => (n > 0 ? Math.max(hi[c]! - lo[c]!, 0) : 0) + 1);
    const box = new Float64Array([size[0]!, 0, 0, 0, size[1]!, 0, 0, 0, size[2]!]);
    return {
        cell: new Float64Array(9),
        inverse: new Float64Array([1 / size[0]!, 0, 0, 0, 1 / size[1]!, 0, 0, 0, 1 / size[2]!]),
        origin: n > 0 ? lo : [0, 0, 0],
        periodic: [false, false, false],
        spacing: [box[0]!, box[4]!, box[8]!],
    };
}
