// Dense symmetric positive-definite solves (Cholesky), for normal equations of small least-squares
// problems (energy offsets, ridge fits of linear models).

/** The lower-triangular L with A = L Lᵀ (A symmetric, row-major), or undefined when A is not positive definite. */
export function cholesky(A: ArrayLike<number>, n: number): Float64Array | undefined {
    const L = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
            let s = A[i * n + j]!;
            for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
            if (i === j) {
                if (!(s > 0)) return undefined;
                L[i * n + i] = Math.sqrt(s);
            } else {
                L[i * n + j] = s / L[j * n + j]!;
            }
        }
    }
    return L;
}

/** Solves A x = b for a symmetric positive-definite A (n × n, row-major; not modified). */
export function solveSymmetric(A: Float64Array, b: Float64Array, n: number): Float64Array {
    const L = cholesky(A, n);
    if (!L) throw new Error('the normal equations are not positive definite');
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        let s = b[i]!;
        for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
        y[i] = s / L[i * n + i]!;
    }
    const x = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
        let s = y[i]!;
        for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
        x[i] = s / L[i * n + i]!;
    }
    return x;
}
