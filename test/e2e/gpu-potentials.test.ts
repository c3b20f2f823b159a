// The analytic reference potentials as generated WebGPU kernels against the float64 oracle
// (runtime/src/reference/potentials.ts): every kind, shifted and not, sums, several elements with
// terms acting on some of them, random clusters and periodic triclinic cells (one smaller than
// twice the cutoff, so that atoms see their own images); and two evaluations bit-identical.
// Then `nnp run` with Stillinger–Weber silicon on WebGPU (md nve, optimize) against --backend reference.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { acquireGpu, type GpuContext } from '../../runtime/src/gpu/device.js';
import type { NeighborSource } from '../../runtime/src/gpu/hdnnp-evaluator.js';
import { GpuPotentialEvaluator } from '../../runtime/src/gpu/potential-evaluator.js';
import { writeStructures } from '../../runtime/src/io/read-structures.js';
import { uniforms } from '../../runtime/src/math/random.js';
import { buildNeighborList } from '../../runtime/src/neighbors/cell-list.js';
import { SkinNeighborList } from '../../runtime/src/neighbors/skin-list.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import type { Structure } from '../../runtime/src/structure.js';
import { nnp } from '../helpers/cli.js';
import { checkText } from '../helpers/specs.js';

async function potential(text: string): Promise<PotentialIR> {
    const doc = await checkText(text);
    expect((doc.diagnostics ?? []).filter((d) => d.severity === 1)).toEqual([]);
    return lowerSpec(doc.parseResult.value).potentials.at(-1)!;
}

/**
 * `n` atoms at random, at least `dmin` apart: in a box of edge `edge` (a cluster), or in a random
 * triclinic cell of about that edge (periodic). Positions start at `origin` (x, y).
 */
function randomAtoms(seed: number, n: number, edge: number, dmin: number, periodic: boolean, symbols: readonly string[], origin = [0, 0]): Structure {
    const random = uniforms(seed);
    const cell = periodic
        ? Float64Array.from([edge, 0, 0, 0.3 * edge * random(), edge * (0.9 + 0.2 * random()), 0, 0.2 * edge * random(), -0.15 * edge * random(), edge * (0.9 + 0.2 * random())])
        : undefined;
    const positions = new Float64Array(3 * n);
    const images = periodic ? [-1, 0, 1] : [0];
    for (let i = 0; i < n; i++) {
        for (let attempt = 0; ; attempt++) {
            const f = [random(), random(), random()];
            const p = cell
                ? [0, 1, 2].map((c) => f[0]! * cell[c]! + f[1]! * cell[3 + c]! + f[2]! * cell[6 + c]!)
                : f.map((x) => x * edge);
            p[0]! += origin[0]!;
            p[1]! += origin[1]!;
            let ok = true;
            for (let j = 0; j < i && ok; j++) {
                for (const a of images) for (const b of images) for (const c of images) {
                    const shift = cell ? [0, 1, 2].map((k) => a * cell[k]! + b * cell[3 + k]! + c * cell[6 + k]!) : [0, 0, 0];
                    const d = Math.hypot(p[0]! - positions[3 * j]! + shift[0]!, p[1]! - positions[3 * j + 1]! + shift[1]!, p[2]! - positions[3 * j + 2]! + shift[2]!);
                    if (d < dmin) ok = false;
                }
            }
            if (ok || attempt > 500) {
                positions.set(p, 3 * i);
                break;
            }
        }
    }
    return {
        symbols: Array.from({ length: n }, (_, i) => symbols[i % symbols.length]!),
        positions, cell, pbc: periodic ? [true, true, true] : [false, false, false], info: {},
    };
}

/** A crystal with every atom displaced at random by up to `amplitude` Å per component. */
function shaken(s: Structure, seed: number, amplitude: number): Structure {
    const random = uniforms(seed);
    return { ...s, positions: s.positions.map((x) => x + amplitude * (2 * random() - 1)) };
}

interface Errors { energy: number; perAtom: number; force: number; stress: number }

let ctx: GpuContext;
beforeAll(async () => {
    ctx = await acquireGpu();
});
afterAll(async () => {
    await ctx?.destroy();
});
const measured: string[] = [];
afterAll(() => {
    if (process.env['NNP_PRINT_ERRORS']) process.stderr.write(`${measured.join('\n')}\n`);
});

/** GPU vs float64 on each structure: the tolerances of the brief; returns the worst errors. */
async function compare(name: string, p: PotentialIR, structures: readonly Structure[], neighbors: NeighborSource = buildNeighborList): Promise<Errors> {
    const gpu = await GpuPotentialEvaluator.create(ctx, p, neighbors);
    const worst: Errors = { energy: 0, perAtom: 0, force: 0, stress: 0 };
    try {
        for (const [k, s] of structures.entries()) {
            const ref = evaluatePotential(p, s);
            const got = await gpu.evaluate(s);
            const n = s.symbols.length;
            const what = `${name}, structure ${k}`;
            // energy: relative 2e-6, or 1e-6 eV/atom where the total nearly cancels
            const de = Math.abs(got.energy - ref.energy);
            expect(de, `${what}: energy ${got.energy} vs ${ref.energy}`).toBeLessThanOrEqual(Math.max(2e-6 * Math.abs(ref.energy), 1e-6 * n));
            worst.energy = Math.max(worst.energy, de / Math.max(Math.abs(ref.energy), 1e-300));
            worst.perAtom = Math.max(worst.perAtom, de / n);
            for (let i = 0; i < n; i++) {
                expect(Math.abs(got.atomEnergies[i]! - ref.atomEnergies[i]!), `${what}: E_${i}`).toBeLessThanOrEqual(2e-6 * Math.abs(ref.atomEnergies[i]!) + 1e-6);
            }
            // forces: every component within 1e-4 of the RMS force
            const rms = Math.sqrt(ref.forces.reduce((a, f) => a + f * f, 0) / ref.forces.length);
            let df = 0;
            for (let c = 0; c < 3 * n; c++) df = Math.max(df, Math.abs(got.forces[c]! - ref.forces[c]!));
            expect(df, `${what}: force error (RMS force ${rms})`).toBeLessThanOrEqual(1e-4 * rms);
            worst.force = Math.max(worst.force, df / rms);
            // virial and stress: within 1e-4 of the largest component
            const vmax = Math.max(...ref.virial.map(Math.abs));
            const dv = Math.max(...ref.virial.map((w, c) => Math.abs(got.virial[c]! - w)));
            expect(dv, `${what}: virial`).toBeLessThanOrEqual(1e-4 * vmax);
            expect(got.stress === undefined, `${what}: stress exactly when periodic`).toBe(ref.stress === undefined);
            if (ref.stress) {
                const smax = Math.max(...ref.stress.map(Math.abs));
                const ds = Math.max(...ref.stress.map((x, c) => Math.abs(got.stress![c]! - x)));
                expect(ds, `${what}: stress`).toBeLessThanOrEqual(1e-4 * smax);
                worst.stress = Math.max(worst.stress, ds / smax);
            }
            // same input, same bits
            const again = await gpu.evaluate(s);
            expect(again.energy).toBe(got.energy);
            expect(Buffer.from(again.forces.buffer).equals(Buffer.from(got.forces.buffer)), `${what}: forces bit-identical`).toBe(true);
            expect(Buffer.from(again.virial.buffer).equals(Buffer.from(got.virial.buffer)), `${what}: virial bit-identical`).toBe(true);
        }
    } finally {
        gpu.destroy();
    }
    measured.push(`${name.padEnd(40)} energy ${worst.energy.toExponential(2)} (relative), ${worst.perAtom.toExponential(2)} eV/atom  force ${worst.force.toExponential(2)} (of RMS)  stress ${worst.stress.toExponential(2)} (of max)`);
    return worst;
}

describe('analytic potentials on WebGPU vs float64', () => {
    // argon-like: cutoff 8.5 Å; the cells (~11 Å) are smaller than 2 r_c, atoms see their own images
    const argon = (seed: number) => [
        randomAtoms(seed, 24, 9, 3.0, false, ['Ar']),
        randomAtoms(seed + 1, 20, 10.5, 3.0, true, ['Ar']),
        randomAtoms(seed + 2, 4, 5.7, 2.9, true, ['Ar']),
    ];

    it('Lennard-Jones, with and without shift', async () => {
        const plain = await potential('potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.40 A cutoff 8.5 A }');
        const shifted = await potential('potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.40 A cutoff 8.5 A shift }');
        await compare('Lennard-Jones', plain, argon(1));
        await compare('Lennard-Jones, shifted', shifted, argon(4));
    });

    it('Morse (shifted)', async () => {
        const p = await potential('potential m = morse Cu { depth 0.34 eV alpha 1.36 /A r0 2.87 A cutoff 6 A shift }');
        await compare('Morse', p, [randomAtoms(7, 24, 7, 2.2, false, ['Cu']), randomAtoms(8, 20, 7, 2.2, true, ['Cu']), randomAtoms(9, 3, 4.5, 2.2, true, ['Cu'])]);
    });

    it('Stillinger–Weber silicon: shaken diamond, a small cell that sees its own images, a random cluster', async () => {
        const p = await potential('potential sw = stillinger_weber Si { }');
        // primitive fcc cell of diamond at a = 5.2 Å: edges 3.68 Å < aσ = 3.77 Å
        const a = 5.2;
        const primitive: Structure = {
            symbols: ['Si', 'Si'],
            positions: Float64Array.from([0, 0, 0, a / 4, a / 4, a / 4]),
            cell: Float64Array.from([0, a / 2, a / 2, a / 2, 0, a / 2, a / 2, a / 2, 0]),
            pbc: [true, true, true], info: {},
        };
        await compare('Stillinger-Weber', p, [
            shaken(crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] }), 11, 0.3),
            shaken(primitive, 12, 0.2),
            randomAtoms(13, 30, 8, 2.1, false, ['Si']),
        ]);
        // a Verlet list with a 1 Å skin hands the kernels pairs beyond aσ too
        const skin = new SkinNeighborList(3.7718, 1.0);
        await compare('Stillinger-Weber, skin list', p, [shaken(crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] }), 14, 0.2), shaken(primitive, 15, 0.2)], (s) => skin.update(s));
    });

    it('Axilrod–Teller–Muto', async () => {
        const p = await potential('potential atm = axilrod_teller Ar { c9 100 eV*A^9 cutoff 6 A }');
        await compare('Axilrod-Teller-Muto', p, [randomAtoms(21, 20, 7, 2.6, false, ['Ar']), randomAtoms(22, 16, 7.5, 2.6, true, ['Ar']), randomAtoms(23, 3, 4.2, 2.6, true, ['Ar'])]);
    });

    it('Müller–Brown (one-body, no neighbours), alone and added to a pair term', async () => {
        const p = await potential('potential mb = muller_brown H { scale 0.5 eV }');
        await compare('Muller-Brown', p, [randomAtoms(31, 12, 1.5, 0.1, false, ['H'], [-1.2, -0.2]), randomAtoms(32, 5, 1.4, 0.1, true, ['H'], [-1, 0])]);
        const sum = await potential(`potential mb = muller_brown H { }
potential both = mb + lennard_jones H { epsilon 0.5 eV sigma 0.3 A cutoff 0.9 A }`);
        await compare('Muller-Brown + Lennard-Jones', sum, [randomAtoms(33, 10, 1.5, 0.28, false, ['H'], [-1.2, -0.2]), randomAtoms(34, 6, 1.4, 0.28, true, ['H'], [-1, 0])]);
    });

    it('a sum: Lennard-Jones + Axilrod–Teller–Muto', async () => {
        const p = await potential(`potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.40 A cutoff 8.5 A shift }
potential ar = lj + axilrod_teller Ar { c9 100 eV*A^9 cutoff 6 A }`);
        await compare('Lennard-Jones + Axilrod-Teller-Muto', p, argon(41));
    });

    it('several elements: terms on some of them, atoms of elements no term names', async () => {
        // species H 0, O 1, C 2; Morse and ATM act on {H, C}: two runs of slots; N is in no term
        const p = await potential(`potential mix = lennard_jones H O C { epsilon 0.05 eV sigma 2.2 A cutoff 5 A shift }
  + morse H C { depth 0.3 eV alpha 1.2 /A r0 2.4 A cutoff 4.5 A }
  + axilrod_teller H C { c9 30 eV*A^9 cutoff 4 A }`);
        await compare('mixed sum', p, [
            randomAtoms(51, 28, 7, 1.9, false, ['H', 'O', 'C', 'N', 'C']),
            randomAtoms(52, 24, 7, 1.9, true, ['C', 'H', 'N', 'O']),
        ]);
    });
});

describe('nnp run with an analytic potential on WebGPU', () => {
    it('md nve and optimize with Stillinger–Weber silicon: energy conserved, results within float32 of --backend reference', () => {
        const spec = `potential sw = stillinger_weber Si { }
run md sw as sw_nve {
  crystal diamond Si a 5.431 A supercell 2 2 2
  ensemble nve
  timestep 1 fs
  steps 300
  velocities 1200 K
  seed 5
  log "out/nve.csv" every 10
}
run optimize sw as sw_relax {
  from "start.xyz"
  method fire
  fmax 0.001 eV/A
  max_steps 3000
}
`;
        const runIn = (backend: string) => {
            const dir = mkdtempSync(join(tmpdir(), `nnp-gpu-pot-${backend}-`));
            mkdirSync(join(dir, 'out'));
            writeFileSync(join(dir, 'sw.nnp'), spec);
            writeStructures(join(dir, 'start.xyz'), [shaken(crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] }), 61, 0.15)]);
            const r = nnp(['run', 'sw.nnp', '--backend', backend], dir);
            expect(r.code, r.err).toBe(0);
            const summary = (run: string) => JSON.parse(readFileSync(join(dir, 'out', run, 'summary.json'), 'utf8')) as Record<string, number | boolean | string>;
            const log = readFileSync(join(dir, 'out', 'nve.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
            return { md: summary('sw_nve'), opt: summary('sw_relax'), log };
        };
        const gpu = runIn('webgpu');
        const ref = runIn('reference');
        // the GPU path ran: float32 energies, close to float64 but not the same numbers
        const e0 = gpu.log[0]![3]!;
        const r0 = ref.log[0]![3]!;
        expect(e0).not.toBe(r0);
        expect(Math.abs(e0 - r0)).toBeLessThanOrEqual(2e-6 * Math.abs(r0));
        // NVE: the conserved energy stays put on both backends
        for (const { md, log } of [gpu, ref]) {
            expect(md['steps']).toBe(300);
            expect(Math.abs(md['conservedDriftEvPerAtomPs'] as number)).toBeLessThanOrEqual(5e-4); // measured 4.6e-5 on both
            const total = log.map((row) => row[5]!);
            expect(Math.max(...total) - Math.min(...total)).toBeLessThanOrEqual(64 * 5e-4); // measured 64 × 1.6e-4 eV
            expect(md['meanTemperatureK'] as number).toBeGreaterThan(300);
        }
        expect(Math.abs((gpu.md['meanTemperatureK'] as number) - (ref.md['meanTemperatureK'] as number))).toBeLessThan(50);
        // optimize: both converge to the same minimum (the diamond crystal, −2ε per atom)
        for (const { opt } of [gpu, ref]) {
            expect(opt['converged']).toBe(true);
            expect(opt['fmaxEvPerA'] as number).toBeLessThanOrEqual(1e-3);
        }
        expect(gpu.opt['energyEv']).not.toBe(ref.opt['energyEv']);
        expect(Math.abs((gpu.opt['energyEv'] as number) - (ref.opt['energyEv'] as number))).toBeLessThanOrEqual(2e-6 * 64 * 4.3366);
        expect((ref.opt['energyEv'] as number) / 64).toBeCloseTo(-4.3366, 3);
    }, 120_000);
});
