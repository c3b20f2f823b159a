// Eigenvalues and eigenvectors of a dense real symmetric matrix: Householder reduction to
// tridiagonal form, then the implicit QL algorithm with Wilkinson-like shifts (Wilkinson & Reinsch,
// Handbook for Automatic Computation II (1971); the EISPACK tred2/tql2 pair). O(n³); used for
// Hessians (Newton steps, phonons) of up to a few thousand degrees of freedom.

export interface SymmetricEigen {
    /** Ascending. */
    readonly values: Float64Array;
    /** n × n row-major; column k (vectors[i·n + k]) is the unit eigenvector of values[k]. */
    readonly vectors: Float64Array;
}

/** A is n × n row-major and symmetric (only read). */
export function symmetricEigen(A: ArrayLike<number>, n: number): SymmetricEigen {
    const V: Float64Array[] = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => A[i * n + j]!));
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    if (n > 0) {
        tridiagonalize(V, d, e, n);
        diagonalize(V, d, e, n);
    }
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => d[a]! - d[b]!);
    const values = Float64Array.from(order, (k) => d[k]!);
    const vectors = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) vectors[i * n + k] = V[i]![order[k]!]!;
    return { values, vectors };
}

/** Householder: V ← the orthogonal transform, d ← diagonal, e ← subdiagonal (e[0] = 0). */
function tridiagonalize(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
    for (let j = 0; j < n; j++) d[j] = V[n - 1]![j]!;
    for (let i = n - 1; i > 0; i--) {
        let scale = 0;
        let h = 0;
        for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
        if (scale === 0) {
            e[i] = d[i - 1]!;
            for (let j = 0; j < i; j++) {
                d[j] = V[i - 1]![j]!;
                V[i]![j] = 0;
                V[j]![i] = 0;
            }
        } else {
            for (let k = 0; k < i; k++) {
                d[k]! /= scale;
                h += d[k]! * d[k]!;
            }
            let f = d[i - 1]!;
            let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            for (let j = 0; j < i; j++) e[j] = 0;
            for (let j = 0; j < i; j++) {
                f = d[j]!;
                V[j]![i] = f;
                g = e[j]! + V[j]![j]! * f;
                for (let k = j + 1; k < i; k++) {
                    g += V[k]![j]! * d[k]!;
                    e[k]! += V[k]![j]! * f;
                }
                e[j] = g;
            }
            f = 0;
            for (let j = 0; j < i; j++) {
                e[j]! /= h;
                f += e[j]! * d[j]!;
            }
            const hh = f / (h + h);
            for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
            for (let j = 0; j < i; j++) {
                f = d[j]!;
                g = e[j]!;
                for (let k = j; k < i; k++) V[k]![j]! -= f * e[k]! + g * d[k]!;
                d[j] = V[i - 1]![j]!;
                V[i]![j] = 0;
            }
        }
        d[i] = h;
    }
    // accumulate the transformations
    for (let i = 0; i < n - 1; i++) {
        V[n - 1]![i] = V[i]![i]!;
        V[i]![i] = 1;
        const h = d[i + 1]!;
        if (h !== 0) {
            for (let k = 0; k <= i; k++) d[k] = V[k]![i + 1]! / h;
            for (let j = 0; j <= i; j++) {
                let g = 0;
                for (let k = 0; k <= i; k++) g += V[k]![i + 1]! * V[k]![j]!;
                for (let k = 0; k <= i; k++) V[k]![j]! -= g * d[k]!;
            }
        }
        for (let k = 0; k <= i; k++) V[k]![i + 1] = 0;
    }
    for (let j = 0; j < n; j++) {
        d[j] = V[n - 1]![j]!;
        V[n - 1]![j] = 0;
    }
    V[n - 1]![n - 1] = 1;
    e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e), rotating V along. */
function diagonalize(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
    for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
    e[n - 1] = 0;
    let f = 0;
    let tst1 = 0;
    const eps = 2 ** -52;
    for (let l = 0; l < n; l++) {
        tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
        let m = l;
        while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
        if (m > l) {
            let iterations = 0;
            do {
                if (++iterations > 60) throw new Error('symmetricEigen: the QL iteration did not converge');
                let g = d[l]!;
                let p = (d[l + 1]! - g) / (2 * e[l]!);
                let r = Math.hypot(p, 1);
                if (p < 0) r = -r;
                d[l] = e[l]! / (p + r);
                d[l + 1] = e[l]! * (p + r);
                const dl1 = d[l + 1]!;
                let h = g - d[l]!;
                for (let i = l + 2; i < n; i++) d[i]! -= h;
                f += h;
                p = d[m]!;
                let c = 1;
                let c2 = c;
                let c3 = c;
                const el1 = e[l + 1]!;
                let s = 0;
                let s2 = 0;
                for (let i = m - 1; i >= l; i--) {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i]!;
                    h = c * p;
                    r = Math.hypot(p, e[i]!);
                    e[i + 1] = s * r;
                    s = e[i]! / r;
                    c = p / r;
                    p = c * d[i]! - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]!);
                    for (let k = 0; k < n; k++) {
                        const row = V[k]!;
                        h = row[i + 1]!;
                        row[i + 1] = s * row[i]! + c * h;
                        row[i] = c * row[i]! - s * h;
                    }
                }
                p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
                e[l] = s * p;
                d[l] = c * p;
            } while (Math.abs(e[l]!) > eps * tst1);
        }
        d[l]! += f;
        e[l] = 0;
    }
}
