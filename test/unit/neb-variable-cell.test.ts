// Solid-state (variable-cell) NEB, runtime/src/neb/neb.ts cellSpace: the generalized forces are the
// exact negative gradient of the energy in the band's coordinates X = (u, J F) (central differences),
// and a band between two Bain variants of fcc in a short-range Morse solid finds the saddle the
// relaxed-volume Bain scan predicts (bct with c/a < 1, not bcc). Also the `strain` sampler and `bct`.
import { describe, expect, it } from 'vitest';
import type { PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { sample } from '../../runtime/src/data/sample.js';
import { det3, invert3 } from '../../runtime/src/math/mat3.js';
import { cellSpace, runNeb } from '../../runtime/src/neb/neb.js';
import { minimizeFire } from '../../runtime/src/optimize/fire.js';
import { cellObjective } from '../../runtime/src/optimize/objective.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import type { Structure } from '../../runtime/src/structure.js';
import { crystal } from '../../runtime/src/structures/crystal.js';

// the example's reference: D = 0.1 eV, α r₀ = 8 (examples/solid-solid-transition)
const morse: PotentialIR = { name: 'm', terms: [{ kind: 'morse', elements: ['Ni'], params: { depth: 0.1, alpha: 3.2, r0: 2.5, cutoff: 6.5 }, shift: true }] };
const calc = async (s: Structure) => evaluatePotential(morse, s);
/** The 2-atom bct cell with edges lx, ly, lz along x, y, z. */
const bct = (lx: number, ly: number, lz: number): Structure => ({
    symbols: ['Ni', 'Ni'], positions: Float64Array.from([0, 0, 0, lx / 2, ly / 2, lz / 2]),
    cell: Float64Array.from([lx, 0, 0, 0, ly, 0, 0, 0, lz]), pbc: [true, true, true], info: {},
});
const perAtom = (s: Structure) => evaluatePotential(morse, s).energy / 2;

/** E(c/a) per atom with the volume relaxed (golden section on a). */
function relaxedBain(ratio: number): number {
    const f = (a: number) => perAtom(bct(a, a, ratio * a));
    const g = (Math.sqrt(5) - 1) / 2;
    let lo = 2.2;
    let hi = 3.4;
    let x1 = hi - g * (hi - lo);
    let x2 = lo + g * (hi - lo);
    let f1 = f(x1);
    let f2 = f(x2);
    for (let k = 0; k < 70; k++) {
        if (f1 < f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = f(x1); }
        else { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = f(x2); }
    }
    return f((lo + hi) / 2);
}

describe('variable-cell NEB', () => {
    it('the generalized forces are −∂E/∂X by central differences, atoms and cell (general triclinic image)', async () => {
        const initial = bct(2.5, 2.5, 3.5);
        const final = bct(3.5, 2.5, 2.5);
        const space = cellSpace(initial, final);
        // J = (V̄/n)^{1/3} n^{1/2}
        expect(space.jacobian).toBeCloseTo(Math.cbrt((2.5 * 2.5 * 3.5) / 2) * Math.SQRT2, 12);
        const x = space.coordinates(initial);
        // move off every symmetry: a sheared, stretched cell and displaced atoms
        const J = space.jacobian;
        const shift = [0.07, -0.03, 0.02, 0.04, -0.05, 0.01, -0.02, 0.03, 0.06];
        for (let k = 0; k < 9; k++) x[6 + k] += J * shift[k]!;
        x[3] += 0.11;
        x[4] -= 0.06;
        x[2] += 0.04;
        const s = space.structure(x);
        const c = await calc(s);
        const f = space.force(x, c, s);
        expect(f).toHaveLength(15);
        const h = 1e-5;
        for (let k = 0; k < 15; k++) {
            const xp = Float64Array.from(x);
            const xm = Float64Array.from(x);
            xp[k] += h;
            xm[k] -= h;
            const fd = -((await calc(space.structure(xp))).energy - (await calc(space.structure(xm))).energy) / (2 * h);
            expect(Math.abs(fd - f[k]!), `coordinate ${k}`).toBeLessThan(1e-7 + 1e-6 * Math.abs(fd));
        }
        // and the structure of X: cell rows a' = F a₀, atoms r = F u
        const F = Array.from(x.slice(6), (v) => v / J);
        expect(s.cell![1]).toBeCloseTo(F[3]! * 2.5, 12); // row a = (2.5, 0, 0): a'_y = F_yx · 2.5
        expect(s.positions[3]).toBeCloseTo(F[0]! * x[3]! + F[1]! * x[4]! + F[2]! * x[5]!, 12);
    });

    it('the coordinates of the final end reproduce its cell and atoms (minimum image in the reference cell)', () => {
        const initial = bct(2.5, 2.5, 3.5);
        const final = bct(3.5, 2.5, 2.5);
        final.positions[3]! += 3.5; // the body-centre atom one cell further along x
        const space = cellSpace(initial, final);
        const back = space.structure(space.coordinates(final));
        for (let k = 0; k < 9; k++) expect(back.cell![k]).toBeCloseTo(final.cell![k]!, 12);
        expect(back.positions[3]).toBeCloseTo(1.75, 12); // wrapped next to the initial atom, same crystal
        expect(Math.abs(det3(back.cell!))).toBeCloseTo(2.5 * 2.5 * 3.5, 10);
    });

    it('fcc-x → fcc-y in a Morse solid: the climbing image is the relaxed-scan saddle (bct, c/a ≈ 0.86), below bcc', async () => {
        const relax = async (s: Structure) => (await minimizeFire(cellObjective(s, calc), { fmax: 1e-5, maxSteps: 3000 })).final;
        const fccX = await relax(bct(3.52, 2.49, 2.49));
        const fccY = await relax(bct(2.49, 3.52, 2.49));
        const efcc = perAtom(fccX);
        const r = await runNeb(calc, { initial: fccX, final: fccY, images: 7, spring: 0.5, climbing: true, variableCell: true, fmax: 1e-3, maxSteps: 3000 });
        expect(r.converged).toBe(true);
        expect(r.saddleImage).toBe(4);
        const top = r.band[4]!;
        const [lx, ly, lz] = [top.cell![0]!, top.cell![4]!, top.cell![8]!];
        const ratio = lz / ((lx + ly) / 2);
        // the saddle: the relaxed Bain scan's local minimum on the c/a < 1 branch (a maximum across it)
        let best = { ratio: 0, e: Infinity };
        for (let q = 0.8; q < 0.95; q += 0.001) {
            const e = relaxedBain(q);
            if (e < best.e) best = { ratio: q, e };
        }
        expect(Math.abs(ratio - best.ratio)).toBeLessThan(0.003);
        expect(Math.abs(lx - ly) / lx).toBeLessThan(2e-3); // tetragonal about z at the saddle
        expect(r.barrierEv / 2).toBeCloseTo(best.e - efcc, 5); // eV/atom, to 10 µeV (measured 1 µeV)
        expect(1e3 * (best.e - efcc)).toBeCloseTo(47.87, 1);
        // bcc (c/a = 1) lies 8 meV/atom higher: a maximum of the Bain path, which the band avoids
        expect(relaxedBain(1) - best.e).toBeGreaterThan(0.005);
        expect(relaxedBain(0.99)).toBeLessThan(relaxedBain(1));
        expect(relaxedBain(1.01)).toBeLessThan(relaxedBain(1));
        // symmetric ends, symmetric band; the ends keep their energies; cells carry their stress
        expect(r.reactionEnergyEv).toBeCloseTo(0, 9);
        expect(r.band[0]!.stress).toBeDefined();
        expect(Math.abs(det3(invert3(top.cell!)) * det3(top.cell!))).toBeCloseTo(1, 12);
    }, 60_000);
});

describe('strain sampling and the bct lattice', () => {
    it('bct: bcc at c/a = 1, fcc at c/a = √2 (12 nearest neighbours at a)', () => {
        const a = 2.5;
        const fcc = crystal('bct', 'Ni', a, { c: a * Math.SQRT2, supercell: [3, 3, 2] });
        expect(fcc.symbols).toHaveLength(36);
        const bcc = crystal('bct', 'Ni', 2.8);
        expect(Array.from(bcc.cell!)).toEqual([2.8, 0, 0, 0, 2.8, 0, 0, 0, 2.8]);
        // the same energy per atom as the conventional fcc cell with a_fcc = √2 a
        const conv = crystal('fcc', 'Ni', a * Math.SQRT2);
        expect(evaluatePotential(morse, fcc).energy / 36).toBeCloseTo(evaluatePotential(morse, conv).energy / 4, 10);
    });

    it('strain: r\' = (I + ε) r, a\' = (I + ε) a with symmetric ε of the given spread; seeded; labelled', () => {
        const items = [
            { type: 'CrystalStructure', lattice: 'bct', element: 'Ni', a: 2.8, c: 2.8 },
            { type: 'SampleStrain', amount: 0.03, frames: 200 },
            { type: 'Seed', value: 4 },
        ];
        const frames = sample({ type: 'Sample', items }, morse);
        expect(frames).toHaveLength(200);
        const diag: number[] = [];
        for (const f of frames) {
            const F = Array.from(f.cell!, (v) => v / 2.8);
            expect(F[1]).toBeCloseTo(F[3]!, 14); // symmetric
            // fractional coordinates kept: the body centre stays at ½(a + b + c)
            for (let c = 0; c < 3; c++) expect(f.positions[3 + c]).toBeCloseTo((f.cell![c]! + f.cell![3 + c]! + f.cell![6 + c]!) / 2, 12);
            expect(f.energy).toBeCloseTo(evaluatePotential(morse, f).energy, 12);
            expect(f.stress).toBeDefined();
            diag.push(F[0]! - 1, F[4]! - 1, F[8]! - 1);
        }
        const sd = Math.sqrt(diag.reduce((s, e) => s + e * e, 0) / diag.length);
        expect(sd).toBeGreaterThan(0.025);
        expect(sd).toBeLessThan(0.035);
        const again = sample({ type: 'Sample', items }, morse);
        expect(Array.from(again[17]!.cell!)).toEqual(Array.from(frames[17]!.cell!));
        // with rattle the atoms move off their strained sites too
        const rattled = sample({ type: 'Sample', items: [items[0]!, { type: 'SampleStrain', amount: 0.03, rattle: 0.05, frames: 3 }] }, morse);
        expect(Math.abs(rattled[0]!.positions[3]! - (rattled[0]!.cell![0]! + rattled[0]!.cell![3]! + rattled[0]!.cell![6]!) / 2)).toBeGreaterThan(1e-4);
    });
});
