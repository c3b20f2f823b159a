// Spearman's rank correlation: Pearson's correlation of the ranks of x and of y,
//   ρ = Σ (R_i − R̄)(S_i − S̄) / sqrt( Σ (R_i − R̄)² · Σ (S_i − S̄)² ),
// with tied values sharing their mean rank (so ρ is exact with ties, where the textbook
// 1 − 6 Σ d² / (n (n² − 1)) is not). ρ = 1 when y rises with x, whatever the shape of the rise —
// the right measure of whether a distance orders structures by their error, not whether it is
// proportional to it. NaN when n < 2 or either set of values is constant.

/** Ranks 1…n of the values, ties given the mean of the ranks they span. */
export function ranks(values: ArrayLike<number>): Float64Array {
    const n = values.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
    const out = new Float64Array(n);
    for (let start = 0; start < n; ) {
        let end = start + 1;
        while (end < n && values[order[end]!] === values[order[start]!]) end++;
        const mean = (start + 1 + end) / 2; // ranks start+1 … end
        for (let k = start; k < end; k++) out[order[k]!] = mean;
        start = end;
    }
    return out;
}

/** Pearson's correlation coefficient of x and y (NaN when either is constant or n < 2). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
    const n = x.length;
    if (y.length !== n) throw new RangeError(`correlation of ${n} and ${y.length} values`);
    if (n < 2) return Number.NaN;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
        mx += x[i]! / n;
        my += y[i]! / n;
    }
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
        const dx = x[i]! - mx;
        const dy = y[i]! - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Spearman's ρ of the pairs (x_i, y_i); NaN values are not allowed. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
    for (const v of [x, y]) for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i]!)) throw new RangeError('rank correlation of NaN');
    return pearson(ranks(x), ranks(y));
}
