// Neighbour list in float64 for any cell: all (j, image) with |r_j + n·cell − r_i| < r_c (strict,
// as n2p2), including other images of i itself. Works for triclinic cells smaller than 2 r_c, where
// several images of one atom are separate neighbours, and for molecules (no cell) and partial pbc.
// Method: atoms are wrapped into the cell, images within r_c of the cell (in each periodic lattice
// direction, measured by plane spacing) are added, and all points are binned on a Cartesian grid
// of bin size r_c / 2; each atom then visits the 5 × 5 × 5 bins around its own (~60 % fewer distance
// tests than 27 bins of size r_c). The order of the result is deterministic.
import type { Structure } from '../structure.js';
import { det3, invert3 } from '../math/mat3.js';
import type { CsrNeighbors } from './slot-list.js';

/** Bins per cutoff length: an atom's neighbours lie within BINS_PER_CUTOFF bins in each direction. */
const BINS_PER_CUTOFF = 2;

export function buildNeighborList(s: Structure, cutoff: number): CsrNeighbors {
    const n = s.symbols.length;
    const { xyz, atom } = imagePoints(s, cutoff); // wrapped atoms, then images: (x, y, z), atom
    const count = atom.length;
    const size = cutoff / BINS_PER_CUTOFF;
    // Cartesian bins over the bounding box of all points
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let p = 0; p < count; p++) {
        for (let c = 0; c < 3; c++) {
            lo[c] = Math.min(lo[c]!, xyz[3 * p + c]!);
            hi[c] = Math.max(hi[c]!, xyz[3 * p + c]!);
        }
    }
    if (count === 0) {
        lo.fill(0);
        hi.fill(0);
    }
    const [nx, ny, nz] = [0, 1, 2].map((c) => Math.max(1, Math.floor((hi[c]! - lo[c]!) / size) + 1)) as [number, number, number];
    const cellOf = (p: number, c: number, dim: number) => Math.min(dim - 1, Math.floor((xyz[3 * p + c]! - lo[c]!) / size));
    // counting sort of points into bins (stable: keeps point order inside a bin)
    const binStart = new Uint32Array(nx * ny * nz + 1);
    const pointBin = new Uint32Array(count);
    for (let p = 0; p < count; p++) {
        const b = (cellOf(p, 2, nz) * ny + cellOf(p, 1, ny)) * nx + cellOf(p, 0, nx);
        pointBin[p] = b;
        binStart[b + 1]!++;
    }
    for (let b = 1; b < binStart.length; b++) binStart[b]! += binStart[b - 1]!;
    const fill = binStart.slice();
    // points in bin order, with their coordinates side by side (the inner loop reads them in order)
    const sortedPoint = new Uint32Array(count);
    const sortedXyz = new Float64Array(3 * count);
    for (let p = 0; p < count; p++) {
        const e = fill[pointBin[p]!]!++;
        sortedPoint[e] = p;
        sortedXyz[3 * e] = xyz[3 * p]!;
        sortedXyz[3 * e + 1] = xyz[3 * p + 1]!;
        sortedXyz[3 * e + 2] = xyz[3 * p + 2]!;
    }

    const offsets = new Uint32Array(n + 1);
    let neighbors = new Uint32Array(Math.max(16, 64 * n));
    let ds = new Float64Array(3 * neighbors.length);
    let k = 0;
    const rc2 = cutoff * cutoff;
    const reach = BINS_PER_CUTOFF;
    for (let i = 0; i < n; i++) {
        // point i is the wrapped atom i itself (points start with the N wrapped atoms)
        const xi = xyz[3 * i]!;
        const yi = xyz[3 * i + 1]!;
        const zi = xyz[3 * i + 2]!;
        const b = pointBin[i]!;
        const bx = b % nx;
        const by = Math.floor(b / nx) % ny;
        const bz = Math.floor(b / (nx * ny));
        for (let cz = Math.max(0, bz - reach); cz <= Math.min(nz - 1, bz + reach); cz++) {
            for (let cy = Math.max(0, by - reach); cy <= Math.min(ny - 1, by + reach); cy++) {
                // the row of bins cx = bx − reach … bx + reach is contiguous in bin order
                const row = (cz * ny + cy) * nx;
                const from = binStart[row + Math.max(0, bx - reach)]!;
                const to = binStart[row + Math.min(nx - 1, bx + reach) + 1]!;
                if (k + (to - from) > neighbors.length) {
                    const grown = new Uint32Array(2 * neighbors.length + (to - from));
                    grown.set(neighbors);
                    neighbors = grown;
                    const grownD = new Float64Array(3 * grown.length);
                    grownD.set(ds);
                    ds = grownD;
                }
                for (let e = from; e < to; e++) {
                    const dx = sortedXyz[3 * e]! - xi;
                    const dy = sortedXyz[3 * e + 1]! - yi;
                    const dz = sortedXyz[3 * e + 2]! - zi;
                    if (dx * dx + dy * dy + dz * dz < rc2) {
                        const p = sortedPoint[e]!;
                        if (p === i) continue;
                        neighbors[k] = atom[p]!;
                        ds[3 * k] = dx;
                        ds[3 * k + 1] = dy;
                        ds[3 * k + 2] = dz;
                        k++;
                    }
                }
            }
        }
        // bins are visited in a fixed order and points keep their order inside a bin: deterministic
        offsets[i + 1] = k;
    }
    return { offsets, neighbors: neighbors.slice(0, k), displacements: ds.slice(0, 3 * k) };
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
    }) as [number, number, number];
    const range = reach.map((r) => Math.ceil(r)) as [number, number, number];
    const capacity = n * (2 * range[0] + 1) * (2 * range[1] + 1) * (2 * range[2] + 1);
    const xyz = new Float64Array(3 * capacity);
    const atom = new Uint32Array(capacity);
    let count = 0;
    const add = (i: number, f0: number, f1: number, f2: number) => {
        for (let c = 0; c < 3; c++) xyz[3 * count + c] = f0 * cell[c]! + f1 * cell[3 + c]! + f2 * cell[6 + c]!;
        atom[count++] = i;
    };
    for (let i = 0; i < n; i++) add(i, frac[3 * i]!, frac[3 * i + 1]!, frac[3 * i + 2]!);
    for (let n0 = -range[0]; n0 <= range[0]; n0++) {
        for (let n1 = -range[1]; n1 <= range[1]; n1++) {
            for (let n2 = -range[2]; n2 <= range[2]; n2++) {
                if (n0 === 0 && n1 === 0 && n2 === 0) continue;
                for (let i = 0; i < n; i++) {
                    const f0 = frac[3 * i]! + n0;
                    const f1 = frac[3 * i + 1]! + n1;
                    const f2 = frac[3 * i + 2]! + n2;
                    // keep images within r_c (in units of the plane spacing) of the unit cell
                    if (f0 >= -reach[0] && f0 < 1 + reach[0] && f1 >= -reach[1] && f1 < 1 + reach[1] && f2 >= -reach[2] && f2 < 1 + reach[2]) add(i, f0, f1, f2);
                }
            }
        }
    }
    return { xyz: xyz.subarray(0, 3 * count), atom: atom.subarray(0, count) };
}
