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

/**
 * Everything of a packed slot list but the pair vectors: which slot holds which pair, the species
 * ranges and the reverse index. It depends only on the list's pairs and the atoms' species, so a
 * list whose pairs stay (a list reused as is) keeps its layout and only the vectors are packed again
 * (`slotVectors`).
 */
export interface SlotLayout extends Omit<SlotList, 'pv'> {
    /** Slot index k·M + a of each pair entry of the list. */
    readonly slotOf: Uint32Array;
}

export function packSlots(list: CsrNeighbors, species: Uint32Array, speciesCount: number): SlotList {
    return withVectors(layoutRenumbered(list, undefined, species, speciesCount), list.displacements);
}

/** The slot list of a layout and the list's displacements. */
function withVectors(layout: SlotLayout, displacements: Float64Array): SlotList {
    const { slotOf: _, ...slots } = layout;
    return { ...slots, pv: slotVectors(layout, displacements) };
}

/**
 * The pair vectors of a layout: d_ij (Å) and |d_ij|, rounded once to f32 from float64; into `out`
 * where it has the right length (slots past an atom's count are left as they are: no kernel reads them).
 */
export function slotVectors(layout: SlotLayout, displacements: Float64Array, out?: Float32Array): Float32Array {
    const size = layout.atoms * layout.maxNeighbors * 4;
    const pv = out?.length === size ? out : new Float32Array(size);
    const slotOf = layout.slotOf;
    for (let e = 0; e < slotOf.length; e++) {
        const slot = slotOf[e]!;
        const dx = displacements[3 * e]!;
        const dy = displacements[3 * e + 1]!;
        const dz = displacements[3 * e + 2]!;
        pv[4 * slot] = dx;
        pv[4 * slot + 1] = dy;
        pv[4 * slot + 2] = dz;
        pv[4 * slot + 3] = Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
    return pv;
}

/**
 * The layout of the list with atoms renumbered (new atom k is `order[k]`, `species` in the new
 * numbering), without building the renumbered list first: that copy cost as much as the packing.
 */
function layoutRenumbered(list: CsrNeighbors, order: readonly number[] | undefined, species: Uint32Array, speciesCount: number): SlotLayout {
    const n = species.length;
    const old = (k: number) => (order ? order[k]! : k);
    const rank = new Uint32Array(n);
    for (let k = 0; k < n; k++) rank[old(k)] = k;
    const { offsets, neighbors } = list;
    let maxNeighbors = 1;
    for (let i = 0; i < n; i++) maxNeighbors = Math.max(maxNeighbors, offsets[i + 1]! - offsets[i]!);
    // each pair's neighbour in the new numbering, looked up once (three passes use it)
    const renamed = new Uint32Array(neighbors.length);
    for (let e = 0; e < neighbors.length; e++) renamed[e] = rank[neighbors[e]!]!;
    const ranges = new Uint32Array(n * (speciesCount + 1));
    const counts = new Uint32Array(n);
    const slotOf = new Uint32Array(neighbors.length);
    const revCount = new Uint32Array(n + 1);
    const perSpecies = new Uint32Array(speciesCount + 1);
    const next = new Uint32Array(speciesCount);
    for (let k = 0; k < n; k++) {
        const i = old(k);
        const start = offsets[i]!;
        const end = offsets[i + 1]!;
        counts[k] = end - start;
        // counting sort of this atom's neighbours by species; stable, so the order is deterministic
        perSpecies.fill(0);
        for (let e = start; e < end; e++) perSpecies[species[renamed[e]!]! + 1]!++;
        for (let t = 0; t < speciesCount; t++) perSpecies[t + 1]! += perSpecies[t]!;
        ranges.set(perSpecies, k * (speciesCount + 1));
        next.set(perSpecies.subarray(0, speciesCount));
        const base = k * maxNeighbors;
        for (let e = start; e < end; e++) {
            const j = renamed[e]!;
            slotOf[e] = base + next[species[j]!]!++;
            revCount[j + 1]!++;
        }
    }
    for (let k = 0; k < n; k++) revCount[k + 1]! += revCount[k]!;
    const revOffsets = revCount.slice();
    const fill = revCount.subarray(0, n);
    const revSlots = new Uint32Array(neighbors.length);
    // entries are visited in (atom, pair) order, so each atom's reverse list is in a fixed order
    for (let k = 0; k < n; k++) {
        const i = old(k);
        for (let e = offsets[i]!; e < offsets[i + 1]!; e++) revSlots[fill[renamed[e]!]!++] = slotOf[e]!;
    }
    return { atoms: n, maxNeighbors, ranges, counts, revOffsets, revSlots, slotOf };
}

/** Slots of atoms renumbered so that atoms of one species, and of similar neighbour counts, sit side by side. */
export interface SortedSlots {
    /** New atom k is the caller's atom order[k]. */
    readonly order: readonly number[];
    /** (N) species of the renumbered atoms. */
    readonly species: Uint32Array;
    readonly slots: SlotList;
}

/** A SortedSlots without its pair vectors. */
export interface SortedLayout {
    readonly order: readonly number[];
    readonly species: Uint32Array;
    readonly layout: SlotLayout;
}

/**
 * Orders atoms for the kernels: sorted by species, then neighbour count, then index, in blocks of
 * `block` atoms (SIMD lanes of one workgroup then run the same element's code for similar numbers of
 * loop iterations), and the blocks in bit-reversed order. lavapipe hands each of its T threads a
 * contiguous 1/T of a dispatch's workgroups; in sorted order the last part holds the atoms with the
 * most pairs and one thread finishes long after the other (measured ~9% of the kernels' wall time
 * with 2 threads). Bit-reversed, every contiguous 1/T (T a power of two) takes every T-th block of
 * the sorted order: the same mix of light and heavy atoms.
 */
export function kernelOrder(species: ArrayLike<number>, count: (i: number) => number, block = 8): number[] {
    const sorted = Array.from({ length: species.length }, (_, i) => i).sort((a, b) => species[a]! - species[b]! || count(a) - count(b) || a - b);
    const blocks = Math.ceil(sorted.length / block);
    const bits = Math.max(1, Math.ceil(Math.log2(Math.max(1, blocks))));
    const order: number[] = [];
    for (let k = 0; k < 1 << bits; k++) {
        let r = 0;
        for (let b = 0; b < bits; b++) r |= ((k >> b) & 1) << (bits - 1 - b);
        if (r < blocks) order.push(...sorted.slice(r * block, (r + 1) * block));
    }
    return order;
}

/** The layout of the list with atoms in kernelOrder. */
export function sortedLayout(list: CsrNeighbors, species: ArrayLike<number>, speciesCount: number): SortedLayout {
    const order = kernelOrder(species, (i) => list.offsets[i + 1]! - list.offsets[i]!);
    const sorted = Uint32Array.from(order, (i) => species[i]!);
    return { order, species: sorted, layout: layoutRenumbered(list, order, sorted, speciesCount) };
}

export function packSortedSlots(list: CsrNeighbors, species: ArrayLike<number>, speciesCount: number): SortedSlots {
    const { order, species: sorted, layout } = sortedLayout(list, species, speciesCount);
    return { order, species: sorted, slots: withVectors(layout, list.displacements) };
}

/**
 * sortedLayout with the last layout kept: while the lists it is given keep their pairs (the same
 * offsets and neighbour arrays: a list reused as is) and the species stay, it returns the same layout
 * object, and a caller that uploaded it need only upload the new pair vectors.
 */
export class SortedLayoutCache {
    private last: { offsets: Uint32Array; neighbors: Uint32Array; species: Uint32Array; speciesCount: number; value: SortedLayout } | undefined;

    get(list: CsrNeighbors, species: ArrayLike<number>, speciesCount: number): SortedLayout {
        const last = this.last;
        if (last && last.offsets === list.offsets && last.neighbors === list.neighbors && last.speciesCount === speciesCount
            && last.species.length === species.length && last.species.every((s, i) => s === species[i])) return last.value;
        const value = sortedLayout(list, species, speciesCount);
        this.last = { offsets: list.offsets, neighbors: list.neighbors, species: Uint32Array.from(species), speciesCount, value };
        return value;
    }
}

/** The same neighbour list with atoms renumbered: new atom k is old atom order[k]. */
export function permuteNeighbors(list: CsrNeighbors, order: readonly number[]): CsrNeighbors {
    const rank = new Uint32Array(order.length);
    order.forEach((old, k) => { rank[old] = k; });
    const offsets = new Uint32Array(order.length + 1);
    order.forEach((old, k) => { offsets[k + 1] = offsets[k]! + list.offsets[old + 1]! - list.offsets[old]!; });
    const neighbors = new Uint32Array(list.neighbors.length);
    const displacements = new Float64Array(list.displacements.length);
    const src = list.displacements;
    order.forEach((old, k) => {
        const from = list.offsets[old]!;
        const to = offsets[k]!;
        for (let e = 0; e < list.offsets[old + 1]! - from; e++) {
            neighbors[to + e] = rank[list.neighbors[from + e]!]!;
            const a = 3 * (from + e);
            const b = 3 * (to + e);
            displacements[b] = src[a]!;
            displacements[b + 1] = src[a + 1]!;
            displacements[b + 2] = src[a + 2]!;
        }
    });
    return { offsets, neighbors, displacements };
}

/**
 * The pairs of a list closer than `radius` (a skin list also holds pairs up to r_c + skin, which
 * would only take slots); the list itself when all of them are.
 */
export function withinRadius(list: CsrNeighbors, radius: number): CsrNeighbors {
    const r2 = radius * radius;
    const d = list.displacements;
    const pairs = list.neighbors.length;
    // |d|² once per pair (a mask), then the kept pairs copied in order
    const inside = new Uint8Array(pairs);
    let keep = 0;
    for (let e = 0; e < pairs; e++) {
        const x = d[3 * e]!, y = d[3 * e + 1]!, z = d[3 * e + 2]!;
        if (x * x + y * y + z * z < r2) {
            inside[e] = 1;
            keep++;
        }
    }
    if (keep === pairs) return list;
    const offsets = new Uint32Array(list.offsets.length);
    const neighbors = new Uint32Array(keep);
    const displacements = new Float64Array(3 * keep);
    let k = 0;
    for (let i = 0; i < list.offsets.length - 1; i++) {
        for (let e = list.offsets[i]!; e < list.offsets[i + 1]!; e++) {
            if (!inside[e]) continue;
            neighbors[k] = list.neighbors[e]!;
            displacements[3 * k] = d[3 * e]!;
            displacements[3 * k + 1] = d[3 * e + 1]!;
            displacements[3 * k + 2] = d[3 * e + 2]!;
            k++;
        }
        offsets[i + 1] = k;
    }
    return { offsets, neighbors, displacements };
}
