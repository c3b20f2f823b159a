// A minimum-energy path on a grid: the energy of a probe atom over two of its Cartesian
// coordinates (everything else held fixed), then Dijkstra's shortest path between two grid points
// with 8 neighbours (axis and diagonal steps). A step u → v costs the discrete line integral of the
// energy above the grid minimum (≥ 0, so Dijkstra applies):
//   cost(u → v) = ½ (E_u + E_v − 2 E_min) |x_u − x_v|      (eV·Å; |x_u − x_v| in Å)
// so the path prefers low ground and, among low routes, short ones.
// Deliberate addition: that integral alone may cut across a ridge above the saddle when the detour
// through the saddle is long (on Müller–Brown, A → B climbs to −19 eV instead of the saddle's −40.7 eV).
// So, by default, the path first gets the lowest pass: the smallest level E* such that start and end
// are connected through grid points with E ≤ E* (a minimax Dijkstra, key max(d_u, E_v)); the line
// integral is then minimised over the points at or below E* only. The highest energy on the path is
// E*, the grid's estimate of the saddle; a NEB started from the path (pathBand) refines it.
import type { Calculator } from '../md/run-md.js';
import type { Structure } from '../structure.js';

/** One axis of the grid: a Cartesian coordinate (0 = x, 1 = y, 2 = z) of the probe atom. */
export interface GridAxis {
    readonly coordinate: 0 | 1 | 2;
    /** Å */
    readonly from: number;
    /** Å */
    readonly to: number;
    readonly points: number;
}

/** Energies on the grid: (a.length, b.length) row-major, E[i·nb + j] at (a[i], b[j]). */
export interface EnergyGrid {
    /** Coordinates along the first axis (Å). */
    readonly a: Float64Array;
    /** Coordinates along the second axis (Å). */
    readonly b: Float64Array;
    /** (na, nb) eV */
    readonly energies: Float64Array;
}

export interface GridPath {
    /** Grid nodes along the path, start to end: i·nb + j. */
    readonly nodes: readonly number[];
    /** (points, 2) coordinates along the path (Å). */
    readonly coordinates: ReadonlyArray<readonly [number, number]>;
    /** Energy at each path point (eV). */
    readonly energies: readonly number[];
    /** Cumulative length along the path (Å). */
    readonly arcLength: readonly number[];
    /** Sum of the step costs (eV·Å). */
    readonly cost: number;
    /** Highest energy along the path (eV) and its index in the path. */
    readonly highestEnergy: number;
    readonly highestIndex: number;
    /** highestEnergy − E(start) (eV). */
    readonly barrier: number;
}

export const axisValues = (axis: GridAxis): Float64Array =>
    Float64Array.from({ length: axis.points }, (_, k) => axis.from + ((axis.to - axis.from) * k) / (axis.points - 1));

/** The probe atom's energy landscape: the structure's energy with atom `atom` moved over the grid. */
export async function energyGrid(structure: Structure, atom: number, axes: readonly [GridAxis, GridAxis], calculator: Calculator, onRow?: (row: number, rows: number) => void): Promise<EnergyGrid> {
    if (!(atom >= 0 && atom < structure.symbols.length)) throw new Error(`atom ${atom} does not exist (the structure has ${structure.symbols.length} atoms)`);
    if (axes[0].coordinate === axes[1].coordinate) throw new Error('the two axes must be different coordinates');
    const a = axisValues(axes[0]);
    const b = axisValues(axes[1]);
    const energies = new Float64Array(a.length * b.length);
    const positions = Float64Array.from(structure.positions);
    for (let i = 0; i < a.length; i++) {
        for (let j = 0; j < b.length; j++) {
            positions[3 * atom + axes[0].coordinate] = a[i]!;
            positions[3 * atom + axes[1].coordinate] = b[j]!;
            energies[i * b.length + j] = (await calculator({ ...structure, positions: Float64Array.from(positions) })).energy;
        }
        onRow?.(i + 1, a.length);
    }
    return { a, b, energies };
}

/** The grid node nearest to a point (Å). */
export function nearestNode(grid: EnergyGrid, p: readonly [number, number]): number {
    const nearest = (values: Float64Array, x: number) => {
        let best = 0;
        for (let k = 1; k < values.length; k++) if (Math.abs(values[k]! - x) < Math.abs(values[best]! - x)) best = k;
        return best;
    };
    return nearest(grid.a, p[0]) * grid.b.length + nearest(grid.b, p[1]);
}

const STEPS = [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]] as const;

/** Local minima of the grid (no neighbour lower; among equal neighbours, the first node counts), lowest first. */
export function gridMinima(grid: EnergyGrid): number[] {
    const na = grid.a.length;
    const nb = grid.b.length;
    const E = grid.energies;
    const minima: number[] = [];
    for (let i = 0; i < na; i++) {
        for (let j = 0; j < nb; j++) {
            const u = i * nb + j;
            const isMin = STEPS.every(([di, dj]) => {
                const ii = i + di;
                const jj = j + dj;
                if (ii < 0 || ii >= na || jj < 0 || jj >= nb) return true;
                const v = ii * nb + jj;
                return E[u]! < E[v]! || (E[u] === E[v] && u < v);
            });
            if (isMin) minima.push(u);
        }
    }
    return minima.sort((x, y) => E[x]! - E[y]! || x - y);
}

/**
 * Dijkstra over the 8-neighbour grid from `start`: `relax(d_u, u, v, length)` gives the key of v
 * through u; nodes that `allowed` rejects are never entered. Returns keys and predecessors.
 */
function dijkstra(grid: EnergyGrid, start: number, end: number, startKey: number, relax: (d: number, u: number, v: number, length: number) => number, allowed: (v: number) => boolean) {
    const na = grid.a.length;
    const nb = grid.b.length;
    const count = na * nb;
    const dist = new Float64Array(count).fill(Infinity);
    const prev = new Int32Array(count).fill(-1);
    const done = new Uint8Array(count);
    const heap = new MinHeap();
    dist[start] = startKey;
    heap.push(startKey, start);
    while (heap.size > 0) {
        const [d, u] = heap.pop();
        if (done[u]) continue;
        done[u] = 1;
        if (u === end) break;
        const i = Math.floor(u / nb);
        const j = u % nb;
        for (const [di, dj] of STEPS) {
            const ii = i + di;
            const jj = j + dj;
            if (ii < 0 || ii >= na || jj < 0 || jj >= nb) continue;
            const v = ii * nb + jj;
            if (done[v] || !allowed(v)) continue;
            const next = relax(d, u, v, Math.hypot(grid.a[ii]! - grid.a[i]!, grid.b[jj]! - grid.b[j]!));
            if (next < dist[v]!) {
                dist[v] = next;
                prev[v] = u;
                heap.push(next, v);
            }
        }
    }
    return { dist, prev };
}

export interface GridPathOptions {
    /** Keep the path at or below the lowest pass between its ends (default true; see the top of the file). */
    readonly lowestPass?: boolean;
}

/** The cheapest path from start to end (grid nodes i·nb + j). */
export function gridPath(grid: EnergyGrid, start: number, end: number, options: GridPathOptions = {}): GridPath {
    const nb = grid.b.length;
    const E = grid.energies;
    const count = grid.a.length * nb;
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < count && end >= 0 && end < count)) {
        throw new Error(`path ends ${start}, ${end} outside the grid of ${count} points`);
    }
    let eMin = Infinity;
    for (const e of E) if (e < eMin) eMin = e;
    let level = Infinity;
    if (options.lowestPass ?? true) {
        // minimax: the lowest level at which start and end are connected
        level = dijkstra(grid, start, end, E[start]!, (d, _u, v) => Math.max(d, E[v]!), () => true).dist[end]!;
    }
    const { dist, prev } = dijkstra(grid, start, end, 0, (d, u, v, length) => d + 0.5 * (E[u]! + E[v]! - 2 * eMin) * length, (v) => E[v]! <= level);
    const nodes: number[] = [];
    for (let u = end; u !== -1; u = prev[u]!) nodes.push(u);
    nodes.reverse();
    const coordinates = nodes.map((u) => [grid.a[Math.floor(u / nb)]!, grid.b[u % nb]!] as const);
    const energies = nodes.map((u) => E[u]!);
    const arcLength = [0];
    for (let k = 1; k < coordinates.length; k++) {
        arcLength.push(arcLength[k - 1]! + Math.hypot(coordinates[k]![0] - coordinates[k - 1]![0], coordinates[k]![1] - coordinates[k - 1]![1]));
    }
    let highestIndex = 0;
    for (let k = 1; k < energies.length; k++) if (energies[k]! > energies[highestIndex]!) highestIndex = k;
    return {
        nodes, coordinates, energies, arcLength, cost: dist[end]!,
        highestEnergy: energies[highestIndex]!, highestIndex, barrier: energies[highestIndex]! - energies[0]!,
    };
}

/**
 * NEB images from a grid path: `count` structures (ends included) evenly spaced along the path's
 * arc length, the probe atom placed on the polyline, the other atoms as in `structure`.
 */
export function pathBand(structure: Structure, atom: number, axes: readonly [GridAxis, GridAxis], path: GridPath, count: number): Structure[] {
    if (count < 2) throw new Error(`a band needs at least its two ends, got ${count}`);
    const total = path.arcLength.at(-1)!;
    const out: Structure[] = [];
    let seg = 0;
    for (let k = 0; k < count; k++) {
        const s = (total * k) / (count - 1);
        while (seg < path.arcLength.length - 2 && path.arcLength[seg + 1]! < s) seg++;
        const [s0, s1] = [path.arcLength[seg]!, path.arcLength[Math.min(seg + 1, path.arcLength.length - 1)]!];
        const t = s1 > s0 ? Math.min(1, Math.max(0, (s - s0) / (s1 - s0))) : 0;
        const p0 = path.coordinates[seg]!;
        const p1 = path.coordinates[Math.min(seg + 1, path.coordinates.length - 1)]!;
        const positions = Float64Array.from(structure.positions);
        positions[3 * atom + axes[0].coordinate] = p0[0] + t * (p1[0] - p0[0]);
        positions[3 * atom + axes[1].coordinate] = p0[1] + t * (p1[1] - p0[1]);
        out.push({ ...structure, positions, energy: undefined, forces: undefined, stress: undefined });
    }
    return out;
}

/** A binary min-heap of (key, node) pairs. */
class MinHeap {
    private readonly keys: number[] = [];
    private readonly nodes: number[] = [];
    get size(): number {
        return this.keys.length;
    }
    push(key: number, node: number): void {
        const { keys, nodes } = this;
        let c = keys.length;
        keys.push(key);
        nodes.push(node);
        while (c > 0) {
            const p = (c - 1) >> 1;
            if (keys[p]! <= keys[c]!) break;
            this.swap(c, p);
            c = p;
        }
    }
    pop(): [number, number] {
        const { keys, nodes } = this;
        const top: [number, number] = [keys[0]!, nodes[0]!];
        const lastKey = keys.pop()!;
        const lastNode = nodes.pop()!;
        if (keys.length > 0) {
            keys[0] = lastKey;
            nodes[0] = lastNode;
            let p = 0;
            for (;;) {
                const l = 2 * p + 1;
                const r = l + 1;
                let m = p;
                if (l < keys.length && keys[l]! < keys[m]!) m = l;
                if (r < keys.length && keys[r]! < keys[m]!) m = r;
                if (m === p) break;
                this.swap(p, m);
                p = m;
            }
        }
        return top;
    }
    private swap(x: number, y: number): void {
        [this.keys[x], this.keys[y]] = [this.keys[y]!, this.keys[x]!];
        [this.nodes[x], this.nodes[y]] = [this.nodes[y]!, this.nodes[x]!];
    }
}
