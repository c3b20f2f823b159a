// Neighbour list in float64 for any cell: all (j, image) with |r_j + n·cell − r_i| < r_c (strict,
// as n2p2), including other images of i itself. Works for triclinic cells smaller than 2 r_c, where
// several images of one atom are separate neighbours, and for molecules (no cell) and partial pbc.
// Method: atoms are wrapped into the cell, images within r_c of the cell (in each periodic lattice
// direction, measured by plane spacing) are added, and all points are binned on a Cartesian grid
// of bin size r_c; each atom then visits 27 bins. The order of the result is deterministic.
import type { Structure } from '../structure.js';
import { det3, invert3 } from '../math/mat3.js';
import type { CsrNeighbors } from './slot-list.js';


export function buildNeighborList(s: Structure, cutoff: number): CsrNeighbors {
    const n = s.symbols.length;
    const points = imagePoints(s, cutoff); // wrapped atoms, then images: (x, y, z, atom)
    const count = points.atom.length;
    // Cartesian bins of size r_c over the bounding box of all points
    let lo = [Infinity, Infinity, Infinity];
    let hi = [-Infinity, -Infinity, -Infinity];
    for (let p = 0; p < count; p++) {
        for (let c = 0; c < 3; c++) {
            lo[c] = Math.min(lo[c]!, points.xyz[3 * p + c]!);
            hi[c] = Math.max(hi[c]!, points.xyz[3 * p + c]!);
        }
    }
    if (count === 0) {
        lo = [0, 0, 0];
        hi = [0, 0, 0];
    }
    const dims = [0, 1, 2].map((c) => Math.max(1, Math.floor((hi[c]! - lo[c]!) / cutoff) + 1));
    const binOf = (p: number) => {
        const b = [0, 1, 2].map((c) => Math.min(dims[c]! - 1, Math.floor((points.xyz[3 * p + c]! - lo[c]!) / cutoff)));
        return (b[2]! * dims[1]! + b[1]!) * dims[0]! + b[0]!;
    };
    // counting sort of points into bins (stable: keeps point order inside a bin)
    const binStart = new Uint32Array(dims[0]! * dims[1]! * dims[2]! + 1);
    const pointBin = new Uint32Array(count);
    for (let p = 0; p < count; p++) binStart[(pointBin[p] = binOf(p)) + 1]!++;
    for (let b = 1; b < binStart.length; b++) binStart[b]! += binStart[b - 1]!;
    const fill = binStart.slice();
    const sorted = new Uint32Array(count);
    for (let p = 0; p < count; p++) sorted[fill[pointBin[p]!]!++] = p;

    const offsets = new Uint32Array(n + 1);
    const js: number[] = [];
    const ds: number[] = [];
    const rc2 = cutoff * cutoff;
    for (let i = 0; i < n; i++) {
        // point i is the wrapped atom i itself (points start with the N wrapped atoms)
        const xi = points.xyz[3 * i]!;
        const yi = points.xyz[3 * i + 1]!;
        const zi = points.xyz[3 * i + 2]!;
        const b = pointBin[i]!;
        const bx = b % dims[0]!;
        const by = Math.floor(b / dims[0]!) % dims[1]!;
        const bz = Math.floor(b / (dims[0]! * dims[1]!));
        for (let cz = Math.max(0, bz - 1); cz <= Math.min(dims[2]! - 1, bz + 1); cz++) {
            for (let cy = Math.max(0, by - 1); cy <= Math.min(dims[1]! - 1, by + 1); cy++) {
                for (let cx = Math.max(0, bx - 1); cx <= Math.min(dims[0]! - 1, bx + 1); cx++) {
                    const bin = (cz * dims[1]! + cy) * dims[0]! + cx;
                    for (let e = binStart[bin]!; e < binStart[bin + 1]!; e++) {
                        const p = sorted[e]!;
                        if (p === i) continue;
                        const dx = points.xyz[3 * p]! - xi;
                        const dy = points.xyz[3 * p + 1]! - yi;
                        const dz = points.xyz[3 * p + 2]! - zi;
                        if (dx * dx + dy * dy + dz * dz < rc2) {
                            js.push(points.atom[p]!);
                            ds.push(dx, dy, dz);
                        }
                    }
                }
            }
        }
        // bins are visited in a fixed order and points keep their order inside a bin: deterministic
        offsets[i + 1] = js.length;
    }
    return { offsets, neighbors: Uint32Array.from(js), displacements: Float64Array.from(ds) };
}

/** Wrapped atoms (first N points) and their periodic images that lie within r_c of the cell. */
function imagePoints(s: Structure, cutoff: number): { xyz: Float64Array; atom: Uint32Array } {
    const n = s.symbols.length;
    const pos = s.positions;
    const cell = s.cell;
    const periodic = cell ? s.pbc : [false, false, false];
    if (!cell || !periodic.some(Boolean)) {
        return { xyz: Float64Array.from(pos.subarray(0, 3 * n)), atom: Uint32Array.from({ length: n }, (_, i) => i) };
    }
    const inv = invert3(cell);
    // fractional coordinates, wrapped into [0, 1) along periodic directions
    const frac = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
        for (let a = 0; a < 3; a++) {
            let f = pos[3 * i]! * inv[a]! + pos[3 * i + 1]! * inv[3 + a]! + pos[3 * i + 2]! * inv[6 + a]!;
            if (periodic[a]) f -= Math.floor(f);
            frac[3 * i + a] = f;
        }
    }
    // plane spacing d_a = V / |b × c| etc.; images needed up to r_c / d_a cells away
    const volume = Math.abs(det3(cell));
    const reach = [0, 1, 2].map((a) => {
        if (!periodic[a]) return 0;
        const u = (a + 1) % 3;
        const v = (a + 2) % 3;
        const cx = cell[3 * u + 1]! * cell[3 * v + 2]! - cell[3 * u + 2]! * cell[3 * v + 1]!;
        const cy = cell[3 * u + 2]! * cell[3 * v]! - cell[3 * u]! * cell[3 * v + 2]!;
        const cz = cell[3 * u]! * cell[3 * v + 1]! - cell[3 * u + 1]! * cell[3 * v]!;
        return cutoff / (volume / Math.hypot(cx, cy, cz));
    });
    const xyz: number[] = [];
    const atom: number[] = [];
    const add = (i: number, f: number[]) => {
        for (let c = 0; c < 3; c++) xyz.push(f[0]! * cell[c]! + f[1]! * cell[3 + c]! + f[2]! * cell[6 + c]!);
        atom.push(i);
    };
    for (let i = 0; i < n; i++) add(i, [frac[3 * i]!, frac[3 * i + 1]!, frac[3 * i + 2]!]);
    const range = reach.map((r) => Math.ceil(r));
    for (let n0 = -range[0]!; n0 <= range[0]!; n0++) {
        for (let n1 = -range[1]!; n1 <= range[1]!; n1++) {
            for (let n2 = -range[2]!; n2 <= range[2]!; n2++) {
                if (n0 === 0 && n1 === 0 && n2 === 0) continue;
                const shift = [n0, n1, n2];
                for (let i = 0; i < n; i++) {
                    const f = [0, 1, 2].map((a) => frac[3 * i + a]! + shift[a]!);
                    // keep images within r_c (in units of the plane spacing) of the unit cell
                    if (f.every((x, a) => x >= -reach[a]! && x < 1 + reach[a]!)) add(i, f);
                }
            }
        }
    }
    return { xyz: Float64Array.from(xyz), atom: Uint32Array.from(atom) };
}
