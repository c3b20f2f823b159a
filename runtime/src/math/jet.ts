// Forward-mode automatic differentiation in k variables: to first order (`Dual`: value and
// gradient) and to second order (`Jet`: value, gradient and Hessian). Both implement `Real<T>`, so a
// formula written once over `T extends Real<T>` gives first derivatives with `Dual` and second
// derivatives with `Jet`, exact to rounding. `Taylor` is the one-variable case to second order in
// plain fields (no arrays), for hot inner loops.
//
// Rules, for a and b with gradients ∇a, ∇b (k) and Hessians Ha, Hb (k × k, symmetric):
//   a ± b   value a ± b,  gradient ∇a ± ∇b,     Hessian Ha ± Hb
//   a · b   value a b,    gradient a∇b + b∇a,   Hessian a Hb + b Ha + ∇a ∇bᵀ + ∇b ∇aᵀ
//   f(a)    value f(a),   gradient f'(a) ∇a,    Hessian f'(a) Ha + f''(a) ∇a ∇aᵀ        (chain rule)
//   a / b = a · (1/b)
// with, for the univariate functions f:
//   exp a     f' = eᵃ,            f'' = eᵃ
//   √a        f' = 1/(2√a),       f'' = −1/(4 a √a)
//   aᵖ        f' = p aᵖ⁻¹,        f'' = p (p − 1) aᵖ⁻²      (p = 0 gives the constant 1)
//   1/a       f' = −1/a²,         f'' = 2/a³
// A number operand is a constant (zero gradient and Hessian). Values are immutable: operations
// return new objects and may share an operand's arrays.

/** The operations the formulas use; T is the implementing type itself. */
export interface Real<T> {
    readonly v: number;
    add(o: T | number): T;
    sub(o: T | number): T;
    mul(o: T | number): T;
    div(o: T | number): T;
    neg(): T;
    recip(): T;
    pow(p: number): T;
    exp(): T;
    sqrt(): T;
}

/** [aᵖ, p aᵖ⁻¹, p (p − 1) aᵖ⁻²] (one power where a ≠ 0). */
function powDerivatives(v: number, p: number): [number, number, number] {
    if (p === 0) return [1, 0, 0];
    const f0 = v ** p;
    if (v === 0) return [f0, p * v ** (p - 1), p * (p - 1) * v ** (p - 2)];
    const f1 = (p * f0) / v;
    return [f0, f1, ((p - 1) * f1) / v];
}

/** Value and gradient over k variables. */
export class Dual implements Real<Dual> {
    constructor(readonly v: number, readonly g: Float64Array) {}

    static constant(v: number, k: number): Dual {
        return new Dual(v, new Float64Array(k));
    }

    /** Variables x_m = values[m], m = 0..k−1 (∂x_m/∂x_l = δ_ml). */
    static variables(values: ArrayLike<number>): Dual[] {
        const k = values.length;
        return Array.from({ length: k }, (_, m) => {
            const g = new Float64Array(k);
            g[m] = 1;
            return new Dual(values[m]!, g);
        });
    }

    add(o: Dual | number): Dual {
        if (typeof o === 'number') return new Dual(this.v + o, this.g);
        const g = new Float64Array(this.g.length);
        for (let m = 0; m < g.length; m++) g[m] = this.g[m]! + o.g[m]!;
        return new Dual(this.v + o.v, g);
    }

    sub(o: Dual | number): Dual {
        if (typeof o === 'number') return new Dual(this.v - o, this.g);
        const g = new Float64Array(this.g.length);
        for (let m = 0; m < g.length; m++) g[m] = this.g[m]! - o.g[m]!;
        return new Dual(this.v - o.v, g);
    }

    mul(o: Dual | number): Dual {
        const g = new Float64Array(this.g.length);
        if (typeof o === 'number') {
            for (let m = 0; m < g.length; m++) g[m] = this.g[m]! * o;
            return new Dual(this.v * o, g);
        }
        for (let m = 0; m < g.length; m++) g[m] = this.v * o.g[m]! + o.v * this.g[m]!;
        return new Dual(this.v * o.v, g);
    }

    div(o: Dual | number): Dual {
        return typeof o === 'number' ? this.mul(1 / o) : this.mul(o.recip());
    }

    neg(): Dual {
        return this.mul(-1);
    }

    recip(): Dual {
        const r = 1 / this.v;
        return this.chain(r, -r * r, 2 * r * r * r);
    }

    pow(p: number): Dual {
        const [f0, f1, f2] = powDerivatives(this.v, p);
        return this.chain(f0, f1, f2);
    }

    exp(): Dual {
        const e = Math.exp(this.v);
        return this.chain(e, e, e);
    }

    sqrt(): Dual {
        const s = Math.sqrt(this.v);
        return this.chain(s, 0.5 / s, -0.25 / (this.v * s));
    }

    /** f(this) from f, f', f'' at this value (f'' is not needed to first order). */
    chain(f0: number, f1: number, _f2: number): Dual {
        const g = new Float64Array(this.g.length);
        for (let m = 0; m < g.length; m++) g[m] = f1 * this.g[m]!;
        return new Dual(f0, g);
    }
}

/** Value, gradient (k) and Hessian (k × k, row-major, symmetric) over k variables. */
export class Jet implements Real<Jet> {
    constructor(readonly v: number, readonly g: Float64Array, readonly h: Float64Array) {}

    static constant(v: number, k: number): Jet {
        return new Jet(v, new Float64Array(k), new Float64Array(k * k));
    }

    /** Variables x_m = values[m], m = 0..k−1 (gradient e_m, Hessian 0). */
    static variables(values: ArrayLike<number>): Jet[] {
        const k = values.length;
        return Array.from({ length: k }, (_, m) => {
            const g = new Float64Array(k);
            g[m] = 1;
            return new Jet(values[m]!, g, new Float64Array(k * k));
        });
    }

    add(o: Jet | number): Jet {
        if (typeof o === 'number') return new Jet(this.v + o, this.g, this.h);
        return new Jet(this.v + o.v, sum(this.g, o.g, 1), sum(this.h, o.h, 1));
    }

    sub(o: Jet | number): Jet {
        if (typeof o === 'number') return new Jet(this.v - o, this.g, this.h);
        return new Jet(this.v - o.v, sum(this.g, o.g, -1), sum(this.h, o.h, -1));
    }

    mul(o: Jet | number): Jet {
        if (typeof o === 'number') return new Jet(this.v * o, this.g.map((x) => x * o), this.h.map((x) => x * o));
        const k = this.g.length;
        const a = this.v;
        const b = o.v;
        const ga = this.g;
        const gb = o.g;
        const g = new Float64Array(k);
        const h = new Float64Array(k * k);
        for (let m = 0; m < k; m++) g[m] = a * gb[m]! + b * ga[m]!;
        for (let m = 0; m < k; m++) {
            for (let l = 0; l < k; l++) {
                const ml = m * k + l;
                h[ml] = a * o.h[ml]! + b * this.h[ml]! + ga[m]! * gb[l]! + gb[m]! * ga[l]!;
            }
        }
        return new Jet(a * b, g, h);
    }

    div(o: Jet | number): Jet {
        return typeof o === 'number' ? this.mul(1 / o) : this.mul(o.recip());
    }

    neg(): Jet {
        return this.mul(-1);
    }

    recip(): Jet {
        const r = 1 / this.v;
        return this.chain(r, -r * r, 2 * r * r * r);
    }

    pow(p: number): Jet {
        const [f0, f1, f2] = powDerivatives(this.v, p);
        return this.chain(f0, f1, f2);
    }

    exp(): Jet {
        const e = Math.exp(this.v);
        return this.chain(e, e, e);
    }

    sqrt(): Jet {
        const s = Math.sqrt(this.v);
        return this.chain(s, 0.5 / s, -0.25 / (this.v * s));
    }

    /** f(this) from f, f', f'' at this value: gradient f'∇a, Hessian f' Ha + f'' ∇a∇aᵀ. */
    chain(f0: number, f1: number, f2: number): Jet {
        const k = this.g.length;
        const g = new Float64Array(k);
        const h = new Float64Array(k * k);
        for (let m = 0; m < k; m++) g[m] = f1 * this.g[m]!;
        for (let m = 0; m < k; m++) {
            for (let l = 0; l < k; l++) h[m * k + l] = f1 * this.h[m * k + l]! + f2 * this.g[m]! * this.g[l]!;
        }
        return new Jet(f0, g, h);
    }
}

/** x + s·y elementwise. */
function sum(x: Float64Array, y: Float64Array, s: number): Float64Array {
    const out = new Float64Array(x.length);
    for (let m = 0; m < x.length; m++) out[m] = x[m]! + s * y[m]!;
    return out;
}

/**
 * One variable to second order with plain fields (value v, d = f', dd = f''): the Jet of k = 1 without
 * arrays, cheap enough for the inner loop of pair terms (forces read d, Hessians also dd).
 *   a · b:  d = a d_b + b d_a,  dd = a dd_b + b dd_a + 2 d_a d_b;   f(a):  d = f' d_a,  dd = f' dd_a + f'' d_a²
 */
export class Taylor implements Real<Taylor> {
    constructor(readonly v: number, readonly d: number, readonly dd: number) {}

    static variable(v: number): Taylor {
        return new Taylor(v, 1, 0);
    }

    add(o: Taylor | number): Taylor {
        return typeof o === 'number' ? new Taylor(this.v + o, this.d, this.dd) : new Taylor(this.v + o.v, this.d + o.d, this.dd + o.dd);
    }

    sub(o: Taylor | number): Taylor {
        return typeof o === 'number' ? new Taylor(this.v - o, this.d, this.dd) : new Taylor(this.v - o.v, this.d - o.d, this.dd - o.dd);
    }

    mul(o: Taylor | number): Taylor {
        if (typeof o === 'number') return new Taylor(this.v * o, this.d * o, this.dd * o);
        return new Taylor(this.v * o.v, this.v * o.d + o.v * this.d, this.v * o.dd + o.v * this.dd + 2 * this.d * o.d);
    }

    div(o: Taylor | number): Taylor {
        return typeof o === 'number' ? this.mul(1 / o) : this.mul(o.recip());
    }

    neg(): Taylor {
        return this.mul(-1);
    }

    recip(): Taylor {
        const r = 1 / this.v;
        return this.chain(r, -r * r, 2 * r * r * r);
    }

    pow(p: number): Taylor {
        const [f0, f1, f2] = powDerivatives(this.v, p);
        return this.chain(f0, f1, f2);
    }

    exp(): Taylor {
        const e = Math.exp(this.v);
        return this.chain(e, e, e);
    }

    sqrt(): Taylor {
        const s = Math.sqrt(this.v);
        return this.chain(s, 0.5 / s, -0.25 / (this.v * s));
    }

    chain(f0: number, f1: number, f2: number): Taylor {
        return new Taylor(f0, f1 * this.d, f1 * this.dd + f2 * this.d * this.d);
    }
}
