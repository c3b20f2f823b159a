// 3×3 matrices stored row-major (cells: rows are the lattice vectors a, b, c).

/** Determinant of a row-major 3×3 matrix. */
export function det3(m: ArrayLike<number>): number {
    return m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
}

/** Inverse of a row-major 3×3 matrix. */
export function invert3(m: ArrayLike<number>): Float64Array {
    const d = det3(m);
    const r = new Float64Array(9);
    r[0] = (m[4]! * m[8]! - m[5]! * m[7]!) / d;
    r[1] = (m[2]! * m[7]! - m[1]! * m[8]!) / d;
    r[2] = (m[1]! * m[5]! - m[2]! * m[4]!) / d;
    r[3] = (m[5]! * m[6]! - m[3]! * m[8]!) / d;
    r[4] = (m[0]! * m[8]! - m[2]! * m[6]!) / d;
    r[5] = (m[2]! * m[3]! - m[0]! * m[5]!) / d;
    r[6] = (m[3]! * m[7]! - m[4]! * m[6]!) / d;
    r[7] = (m[1]! * m[6]! - m[0]! * m[7]!) / d;
    r[8] = (m[0]! * m[4]! - m[1]! * m[3]!) / d;
    return r;
}
