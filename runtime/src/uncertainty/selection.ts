// Picking structures to label from a pool (active learning by descriptor distance): greedy
// farthest-point selection, so that the picks are far from the training data *and* from each other.
//
// Every pool atom a carries r_a = (its distance from what is already known) / (its element's threshold);
// a structure scores max_a r_a. Known at the start: the training data (the atom's minimum or
// Mahalanobis distance, as in domain.ts). Each round picks the highest-scoring structure (the first on
// ties), then counts its atoms as known: every remaining atom's r_a becomes
//   min(r_a, min_b ‖a − b‖ / threshold)   over the picked atoms b of the same element,
// in the metric of the measure — Euclidean in G̃ for the minimum distance, and for the Mahalanobis
// distance Euclidean in the whitened coordinates z = L⁻¹(G̃ − μ) (in which the Mahalanobis distance is
// ‖z‖, the distance from the training mean). So a second structure just like the first one scores
// near 0 once the first is picked, and the picks spread over the unknown regions.
import { minimumDistances, vectorSet } from './descriptor-distance.js';
import { ratio, type DescriptorDomain, type DistanceKind, type StructureVectors } from './domain.js';

export interface PoolPick {
    /** Index in the pool. */
    readonly index: number;
    /** Its score when picked: max over atoms of distance/threshold from the training data and the earlier picks. */
    readonly score: number;
    /** Its score against the training data alone. */
    readonly trainingScore: number;
}

export function selectFarthest(domain: DescriptorDomain, kind: DistanceKind, pool: readonly StructureVectors[], thresholds: ArrayLike<number>, count: number): PoolPick[] {
    const elements = domain.elements.length;
    // per element: the pool's atoms as vectors in the measure's metric, their structure, their current ratio
    const atoms = domain.elements.map((el, e) => {
        const p = el.vectors.dim;
        const rows: Float64Array[] = [];
        const owner: number[] = [];
        pool.forEach((v, s) => v.element.forEach((x, i) => {
            if (x !== e) return;
            rows.push(kind === 'minimum' ? v.scaled[i]! : whiten(v.scaled[i]!, el.covariance.mean, el.covariance.factor));
            owner.push(s);
        }));
        const data = new Float64Array(rows.length * p);
        rows.forEach((r, j) => data.set(r, j * p));
        return { p, data, owner: Int32Array.from(owner), ratio: new Float64Array(rows.length) };
    });
    // distances from the training data
    const firstScore = new Float64Array(pool.length);
    const cursor = new Int32Array(elements);
    pool.forEach((v, s) => {
        const d = domain.distances(kind, v);
        d.forEach((x, i) => {
            const e = v.element[i]!;
            const r = ratio(x, thresholds[e]!);
            atoms[e]!.ratio[cursor[e]!++] = r;
            firstScore[s] = Math.max(firstScore[s]!, r);
        });
    });
    const picked = new Uint8Array(pool.length);
    const picks: PoolPick[] = [];
    const score = Float64Array.from(firstScore);
    for (let round = 0; round < Math.min(count, pool.length); round++) {
        let best = -1;
        for (let s = 0; s < pool.length; s++) if (!picked[s] && (best < 0 || score[s]! > score[best]!)) best = s;
        picked[best] = 1;
        picks.push({ index: best, score: score[best]!, trainingScore: firstScore[best]! });
        if (picks.length === Math.min(count, pool.length)) break;
        // the pick's atoms are known now
        score.fill(0);
        atoms.forEach((a, e) => {
            const mine: number[] = [];
            const rest: number[] = [];
            a.owner.forEach((s, j) => (s === best ? mine.push(j) : !picked[s] && rest.push(j)));
            if (mine.length > 0 && rest.length > 0) {
                const gather = (idx: number[]) => {
                    const out = new Float64Array(idx.length * a.p);
                    idx.forEach((j, k) => out.set(a.data.subarray(j * a.p, (j + 1) * a.p), k * a.p));
                    return vectorSet(out, a.p);
                };
                const d = minimumDistances(gather(rest), gather(mine)).distance;
                rest.forEach((j, k) => {
                    a.ratio[j] = Math.min(a.ratio[j]!, ratio(d[k]!, thresholds[e]!));
                });
            }
            for (const j of rest) score[a.owner[j]!] = Math.max(score[a.owner[j]!]!, a.ratio[j]!);
        });
    }
    return picks;
}

/** z = L⁻¹(x − μ) */
function whiten(x: Float64Array, mean: Float64Array, L: Float64Array): Float64Array {
    const p = x.length;
    const z = new Float64Array(p);
    for (let a = 0; a < p; a++) {
        let s = x[a]! - mean[a]!;
        for (let k = 0; k < a; k++) s -= L[a * p + k]! * z[k]!;
        z[a] = s / L[a * p + a]!;
    }
    return z;
}
