// A neighbour list with a skin (Verlet list): pairs are searched within r_c + skin and kept while
// no atom has moved more than half the skin since the search, so the cell-list search runs rarely
// (e.g. once every tens of MD steps). Each use recomputes the displacements from the current
// positions and the stored periodic image of each pair; pairs beyond r_c contribute exactly zero
// to every symmetry function, so they can stay in the list.
import type { Structure } from '../structure.js';
import { invert3 } from '../math/mat3.js';
import { buildNeighborList } from './cell-list.js';
import type { CsrNeighbors } from './slot-list.js';

export class SkinNeighborList {
    private list: CsrNeighbors | undefined;
    /** Image of each pair in fractional cell units (integers), so d = r_j − r_i + n·cell. */
    private images: Float64Array | undefined;
    private reference: Float64Array | undefined;
    private cell: Float64Array | undefined;
    /** How many times the cell-list search ran. */
    rebuilds = 0;

    constructor(private readonly cutoff: number, private readonly skin: number) {}

    /** The pairs within r_c + skin, with displacements for the positions of `s`. */
    update(s: Structure): CsrNeighbors {
        if (this.needsRebuild(s)) this.rebuild(s);
        const list = this.list!;
        const images = this.images!;
        const pos = s.positions;
        const cell = s.cell;
        const displacements = new Float64Array(list.displacements.length);
        for (let i = 0; i < list.offsets.length - 1; i++) {
            for (let e = list.offsets[i]!; e < list.offsets[i + 1]!; e++) {
                const j = list.neighbors[e]!;
                for (let c = 0; c < 3; c++) {
                    let d = pos[3 * j + c]! - pos[3 * i + c]!;
                    if (cell) d += images[3 * e]! * cell[c]! + images[3 * e + 1]! * cell[3 + c]! + images[3 * e + 2]! * cell[6 + c]!;
                    displacements[3 * e + c] = d;
                }
            }
        }
        return { offsets: list.offsets, neighbors: list.neighbors, displacements };
    }

    private needsRebuild(s: Structure): boolean {
        if (!this.list || !this.reference || this.reference.length !== s.positions.length) return true;
        if ((s.cell === undefined) !== (this.cell === undefined)) return true;
        if (s.cell && this.cell && s.cell.some((x, k) => x !== this.cell![k])) return true;
        const limit = (this.skin / 2) ** 2;
        for (let i = 0; i < s.positions.length; i += 3) {
            const dx = s.positions[i]! - this.reference[i]!;
            const dy = s.positions[i + 1]! - this.reference[i + 1]!;
            const dz = s.positions[i + 2]! - this.reference[i + 2]!;
            if (dx * dx + dy * dy + dz * dz > limit) return true;
        }
        return false;
    }

    private rebuild(s: Structure): void {
        const list = buildNeighborList(s, this.cutoff + this.skin);
        // recover each pair's image n = (d − (r_j − r_i)) · cell⁻¹, an integer vector
        const images = new Float64Array(list.displacements.length);
        if (s.cell) {
            const inv = invert3(s.cell);
            for (let i = 0; i < list.offsets.length - 1; i++) {
                for (let e = list.offsets[i]!; e < list.offsets[i + 1]!; e++) {
                    const j = list.neighbors[e]!;
                    const w = [0, 1, 2].map((c) => list.displacements[3 * e + c]! - (s.positions[3 * j + c]! - s.positions[3 * i + c]!));
                    for (let a = 0; a < 3; a++) images[3 * e + a] = Math.round(w[0]! * inv[a]! + w[1]! * inv[3 + a]! + w[2]! * inv[6 + a]!);
                }
            }
        }
        this.list = list;
        this.images = images;
        this.reference = Float64Array.from(s.positions);
        this.cell = s.cell ? Float64Array.from(s.cell) : undefined;
        this.rebuilds++;
    }
}
