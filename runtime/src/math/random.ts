// Seeded random numbers, identical on every machine: Mulberry32 (32-bit state) for uniforms,
// Box–Muller for normals. Used wherever a seed must reproduce a result bit for bit (sampling,
// data splits, weight initialisation, mini-batch order).

/** Mulberry32: one uniform in [0, 1) from the state, and the next state. */
function mulberry32(a: number): [number, number] {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return [((t ^ (t >>> 14)) >>> 0) / 4294967296, a];
}

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function uniforms(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        let u: number;
        [u, a] = mulberry32(a);
        return u;
    };
}

/** Standard normal numbers (Box–Muller) from a 32-bit seed. */
export function normals(seed: number): () => number {
    const stream = new NormalStream(seed);
    return () => stream.next();
}

/**
 * The same normals as `normals(seed)`, with a state that can be saved and restored (MD restart
 * files continue the exact sequence).
 */
export class NormalStream {
    /** The generator's 32-bit state. */
    state: number;

    constructor(seed: number) {
        this.state = seed >>> 0;
    }

    next(): number {
        let u1: number;
        let u2: number;
        [u1, this.state] = mulberry32(this.state);
        [u2, this.state] = mulberry32(this.state);
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}

/** A permutation of 0..n−1 (Fisher–Yates) drawn from `uniform`. */
export function permutation(n: number, uniform: () => number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
}

/** A 32-bit seed mixed from several integers (e.g. run seed and epoch), by a murmur3-style finaliser. */
export function mixSeed(...parts: number[]): number {
    let h = 0x9e3779b9;
    for (const p of parts) {
        h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35);
        h ^= h >>> 16;
    }
    return h >>> 0;
}
