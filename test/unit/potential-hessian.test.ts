// Analytic Hessians of the reference potentials (second-order forward mode): equal to central
// differences of the analytic forces, symmetric, and translation invariant (each row sums to zero
// over the atoms), for every term kind, on clusters and on periodic cells small enough that an atom
// sees its own images (the chain rule over atom indices cancels those terms on the diagonal).
import { describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { Dual, Jet, Taylor, type Real } from '../../runtime/src/math/jet.js';
import { evaluatePotential, potentialHessian } from '../../runtime/src/reference/potentials.js';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import type { Structure } from '../../runtime/src/structure.js';
import { randomStructure } from '../helpers/random-model.js';
import { checkText } from '../helpers/specs.js';

async function potential(text: string): Promise<PotentialIR> {
    const doc = await checkText(text);
    expect((doc.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
    return lowerSpec(doc.parseResult.value).potentials.at(-1)!;
}

/** −∂F/∂x_k by central differences of the analytic forces, column k. */
function finiteDifferenceHessian(p: PotentialIR, s: Structure, h: number): Float64Array {
    const n = s.positions.length;
    const H = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
        const forces = (dx: number) => {
            const q = Float64Array.from(s.positions);
            q[k]! += dx;
            return evaluatePotential(p, { ...s, positions: q }).forces;
        };
        const fp = forces(h);
        const fm = forces(-h);
        for (let i = 0; i < n; i++) H[i * n + k] = -(fp[i]! - fm[i]!) / (2 * h);
    }
    return H;
}

const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** Checks the Hessian and returns max |H − H_fd| / max |H|. */
function checkHessian(p: PotentialIR, s: Structure, o: { translations?: boolean } = {}): number {
    const n = s.positions.length;
    const H = potentialHessian(p, s);
    expect(H).toHaveLength(n * n);
    const scale = Math.max(maxAbs(H), 1e-300);
    const fd = finiteDifferenceHessian(p, s, 1e-4);
    const error = maxAbs(H.map((x, k) => x - fd[k]!)) / scale;
    expect(error, 'analytic vs central differences').toBeLessThanOrEqual(1e-6);
    let asymmetry = 0;
    for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) asymmetry = Math.max(asymmetry, Math.abs(H[a * n + b]! - H[b * n + a]!));
    expect(asymmetry / scale, 'symmetry').toBeLessThan(1e-13);
    if (o.translations ?? true) {
        // Σ_j H_{iα,jβ} = 0 for every row iα and direction β
        let drift = 0;
        for (let row = 0; row < n; row++) {
            for (let beta = 0; beta < 3; beta++) {
                let sum = 0;
                for (let j = 0; j < n / 3; j++) sum += H[row * n + 3 * j + beta]!;
                drift = Math.max(drift, Math.abs(sum));
            }
        }
        expect(drift / scale, 'translation invariance').toBeLessThan(1e-12);
    }
    return error;
}

const rattle = (s: Structure, amplitude: number, seed = 1): Structure => ({ ...s, positions: s.positions.map((x, i) => x + amplitude * Math.sin(7 * i + seed)) });

/** Primitive diamond cell (2 atoms). */
const diamondPrimitive = (a: number): Structure => ({
    symbols: ['Si', 'Si'],
    positions: Float64Array.from([0, 0, 0, a / 4, a / 4, a / 4]),
    cell: Float64Array.from([0, a / 2, a / 2, a / 2, 0, a / 2, a / 2, a / 2, 0]),
    pbc: [true, true, true],
    info: {},
});

/** Primitive fcc cell (1 atom: every neighbour is an image of itself). */
const fccPrimitive = (a: number): Structure => ({
    symbols: ['Ar'],
    positions: Float64Array.from([0.1, -0.2, 0.3]),
    cell: Float64Array.from([0, a / 2, a / 2, a / 2, 0, a / 2, a / 2, a / 2, 0]),
    pbc: [true, true, true],
    info: {},
});

/** Does some atom see an image of itself within r? */
const seesOwnImage = (s: Structure, r: number) => {
    const list = buildNeighborList(s, r);
    return s.symbols.some((_, i) => Array.from(list.neighbors.subarray(list.offsets[i], list.offsets[i + 1])).includes(i));
};

const errors: Record<string, number> = {};

describe('analytic Hessians of the reference potentials', () => {
    it('Lennard-Jones (shifted): cluster, a 4-atom fcc cell smaller than twice the cutoff, a 1-atom cell', async () => {
        const lj = await potential('potential lj = lennard_jones Ar { epsilon 0.0104 eV sigma 3.4 A cutoff 6.5 A shift }');
        const cluster = randomStructure(3, 7, false, ['Ar']);
        const e1 = checkHessian(lj, { ...cluster, positions: cluster.positions.map((x) => 1.5 * x) });
        const cell = rattle(crystal('fcc', 'Ar', 5.26), 0.12);
        expect(seesOwnImage(cell, 6.5)).toBe(true);
        const e2 = checkHessian(lj, cell);
        // one atom in a periodic cell: every neighbour is itself, and E does not depend on its position
        const one = potentialHessian(lj, fccPrimitive(5.26));
        expect(maxAbs(one)).toBeLessThan(1e-15);
        errors['lennard_jones'] = Math.max(e1, e2);
    });

    it('Morse: cluster and a small triclinic cell', async () => {
        const morse = await potential('potential m = morse H O { depth 0.5 eV alpha 1.5 /A r0 1.3 A cutoff 4.5 A shift }');
        const cell = randomStructure(1, 6, true);
        expect(seesOwnImage(cell, 4.5)).toBe(true);
        errors['morse'] = Math.max(checkHessian(morse, randomStructure(2, 6, false)), checkHessian(morse, cell));
    });

    it('Stillinger–Weber silicon: a 2-atom diamond cell that sees its own images, a rattled 8-atom cell, a cluster', async () => {
        const sw = await potential('potential sw = stillinger_weber Si { }');
        const small = rattle(diamondPrimitive(5.2), 0.08);
        expect(seesOwnImage(small, 1.8 * 2.0951)).toBe(true);
        const e1 = checkHessian(sw, small);
        const e2 = checkHessian(sw, rattle(crystal('diamond', 'Si', 5.431), 0.1, 2));
        const cluster = randomStructure(4, 6, false, ['Si']);
        const e3 = checkHessian(sw, { ...cluster, positions: cluster.positions.map((x) => 1.3 * x) });
        errors['stillinger_weber'] = Math.max(e1, e2, e3);
    });

    it('Axilrod–Teller–Muto: cluster and a 4-atom fcc cell', async () => {
        const atm = await potential('potential t = axilrod_teller Ar { c9 50 eV*A^9 cutoff 5.5 A }');
        const cluster = randomStructure(5, 5, false, ['Ar']);
        const e1 = checkHessian(atm, { ...cluster, positions: cluster.positions.map((x) => 1.4 * x) });
        const cell = rattle(crystal('fcc', 'Ar', 5.26), 0.15, 3);
        expect(seesOwnImage(cell, 5.5)).toBe(true);
        errors['axilrod_teller'] = Math.max(e1, checkHessian(atm, cell));
    });

    it('Müller–Brown: a 2 × 2 block per atom in x, y; z and other elements untouched', async () => {
        const mb = await potential('potential mb = muller_brown H { scale 0.5 eV }');
        const s: Structure = {
            symbols: ['H', 'O', 'H'], positions: Float64Array.from([-0.5, 1.4, 0.2, 0.3, 0.1, -0.7, 0.2, 0.3, 1.1]),
            pbc: [false, false, false], info: {},
        };
        errors['muller_brown'] = checkHessian(mb, s, { translations: false });
        const H = potentialHessian(mb, s);
        for (let a = 0; a < 9; a++) {
            for (let b = 0; b < 9; b++) {
                const block = Math.floor(a / 3) === Math.floor(b / 3) && Math.floor(a / 3) !== 1 && a % 3 < 2 && b % 3 < 2;
                if (!block) expect(H[a * 9 + b], `${a},${b}`).toBe(0);
            }
        }
        expect(H[0]).not.toBe(0);
    });

    it('a sum: LJ + Morse + Axilrod–Teller on two elements, periodic; and with a Müller–Brown field', async () => {
        const sum = await potential(`potential lj = lennard_jones H O { epsilon 0.2 eV sigma 1.1 A cutoff 3.0 A shift }
potential both = lj + morse O { depth 0.5 eV alpha 1.5 /A r0 1.3 A cutoff 3.2 A } + axilrod_teller H { c9 2 eV*A^9 cutoff 3 A }`);
        const cell = randomStructure(6, 6, true);
        const e1 = checkHessian(sum, cell);
        const e2 = checkHessian(sum, randomStructure(7, 6, false));
        const field = await potential('potential f = morse O H { depth 0.5 eV alpha 1.5 /A r0 1.3 A cutoff 3.2 A } + muller_brown H { scale 0.01 eV }');
        const s = randomStructure(8, 5, false);
        const e3 = checkHessian(field, { ...s, positions: s.positions.map((v, k) => 0.5 * v - [1.2, 0.2, 0][k % 3]!) }, { translations: false });
        errors['sum'] = Math.max(e1, e2, e3);
        console.log('max relative error of the analytic Hessian vs central differences of the forces (h = 1e-4 Å):', JSON.stringify(errors));
    });
});

/** f(x, y) = exp(x y) / √(x² + y²) + (x − y)^2.5 / y in any number type. */
const testFunction = <T extends Real<T>>(x: T, y: T): T => x.mul(y).exp().div(x.mul(x).add(y.mul(y)).sqrt()).add(x.sub(y).pow(2.5).mul(y.recip()));

describe('forward-mode numbers', () => {
    it('Dual and Jet give the value, gradient and Hessian of one formula; Taylor its univariate derivatives', () => {
        const [x0, y0] = [1.3, 0.4];
        const f = (x: number, y: number) => Math.exp(x * y) / Math.sqrt(x * x + y * y) + (x - y) ** 2.5 / y;
        const dual = (x: number, y: number) => testFunction(...(Dual.variables([x, y]) as [Dual, Dual]));
        const df = dual(x0, y0);
        const jf = testFunction(...(Jet.variables([x0, y0]) as [Jet, Jet]));
        const h = 1e-4;
        const close = (a: number, b: number, rel: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
        close(df.v, f(x0, y0), 1e-14);
        expect(jf.v).toBe(df.v);
        close(df.g[0]!, (f(x0 + h, y0) - f(x0 - h, y0)) / (2 * h), 1e-6);
        close(df.g[1]!, (f(x0, y0 + h) - f(x0, y0 - h)) / (2 * h), 1e-6);
        expect(Array.from(jf.g)).toEqual(Array.from(df.g));
        // the Hessian: central differences of the first-order gradient
        const gp = dual(x0 + h, y0).g;
        const gm = dual(x0 - h, y0).g;
        close(jf.h[0]!, (gp[0]! - gm[0]!) / (2 * h), 1e-6);
        close(jf.h[2]!, (gp[1]! - gm[1]!) / (2 * h), 1e-6);
        expect(jf.h[2]).toBe(jf.h[1]);
        // x alone (y a constant) in the univariate type
        const tf = testFunction(Taylor.variable(x0), new Taylor(y0, 0, 0));
        close(tf.v, jf.v, 1e-14);
        close(tf.d, jf.g[0]!, 1e-13);
        close(tf.dd, jf.h[0]!, 1e-13);
    });
});
