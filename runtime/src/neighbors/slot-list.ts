// Packs a neighbour list into the fixed-stride slot layout the GPU kernels read:
// per atom, neighbours sorted by species (contiguous ranges, so a symmetry-function group loops
// over one range), the displacement d_ij = r_j + shift − r_i and its length rounded once to f32
// from float64, and the reverse index (which slots hold atom k) for the force gather.

/** A neighbour list in compressed rows: neighbours of atom i are entries offsets[i]..offsets[i+1]. */
export interface CsrNeighbors {
    readonly offsets: Uint32Array; // (N + 1)
    readonly neighbors: Uint32Array; // (pairs) index j
    readonly displacements: Float64Array; // (pairs, 3) r_j + shift − r_i, Å
}

export interface SlotList {
    readonly atoms: number;
    /** Slot stride M: the largest neighbour count (at least 1). */
    readonly maxNeighbors: number;
    readonly pv: Float32Array; // (N·M, 4): dx, dy, dz, r
    readonly ranges: Uint32Array; // (N·(S+1)): start of each species' slots; last = count
    readonly counts: Uint32Array; // (N)
    readonly revOffsets: Uint32Array; // (N + 1)
    readonly revSlots: Uint32Array; // slots i·M + a whose neighbour is atom k, grouped by k
}

export function packSlots(list: CsrNeighbors, species: Uint32Array, speciesCount: number): SlotList {
    const n = species.length;
    let maxNeighbors = 1;
    for (let i = 0; i < n; i++) maxNeighbors = Math.max(maxNeighbors, list.offsets[i + 1]! - list.offsets[i]!);
    const pv = new Float32Array(n * maxNeighbors * 4);
    const ranges = new Uint32Array(n * (speciesCount + 1));
    const counts = new Uint32Array(n);
    const slotOf = new Uint32Array(list.neighbors.length); // pair entry → slot index i·M + a
    const revCount = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) {
        const start = list.offsets[i]!;
        const end = list.offsets[i + 1]!;
        counts[i] = end - start;
        // counting sort of this atom's neighbours by species; stable, so the order is deterministic
        const perSpecies = new Uint32Array(speciesCount + 1);
        for (let e = start; e < end; e++) perSpecies[species[list.neighbors[e]!]! + 1]!++;
        for (let s = 0; s < speciesCount; s++) perSpecies[s + 1]! += perSpecies[s]!;
        ranges.set(perSpecies, i * (speciesCount + 1));
        const next = perSpecies.slice(0, speciesCount);
        for (let e = start; e < end; e++) {
            const j = list.neighbors[e]!;
            const a = next[species[j]!]!++;
            const slot = i * maxNeighbors + a;
            slotOf[e] = slot;
            const dx = list.displacements[3 * e]!;
            const dy = list.displacements[3 * e + 1]!;
            const dz = list.displacements[3 * e + 2]!;
            pv[4 * slot] = dx;
            pv[4 * slot + 1] = dy;
            pv[4 * slot + 2] = dz;
            pv[4 * slot + 3] = Math.sqrt(dx * dx + dy * dy + dz * dz);
            revCount[j + 1]!++;
        }
    }
    for (let k = 0; k < n; k++) revCount[k + 1]! += revCount[k]!;
    const revOffsets = revCount.slice();
    const fill = revCount.slice(0, n);
    const revSlots = new Uint32Array(list.neighbors.length);
    // entries are visited in (i, pair) order, so each atom's reverse list is in a fixed order
    for (let i = 0; i < n; i++) {
        for (let e = list.offsets[i]!; e < list.offsets[i + 1]!; e++) revSlots[fill[list.neighbors[e]!]!++] = slotOf[e]!;
    }
    return { atoms: n, maxNeighbors, pv, ranges, counts, revOffsets, revSlots };
}
