// The `nnp` command as users run it: a separate process, its output and exit status.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, nnp } from '../helpers/cli.js';
import { sharedData } from '../helpers/shared-data.js';



function noStackTrace(text: string) {
    expect(text).not.toMatch(/^\s+at /m);
}

describe('nnp --help', () => {
    it('lists the commands', () => {
        const r = nnp(['--help']);
        expect(r.code).toBe(0);
        for (const c of ['check', 'compile', 'eval', 'import', 'export', 'convert', 'serve', 'train', 'run', 'gpu', 'lsp']) expect(r.out).toContain(`nnp ${c}`);
    });

    for (const c of ['check', 'compile', 'eval', 'import', 'export', 'convert', 'serve', 'train', 'run', 'gpu', 'lsp']) {
        it(`nnp ${c} --help`, () => {
            const r = nnp([c, '--help']);
            expect(r.code).toBe(0);
            expect(r.out).toMatch(new RegExp(`^Usage: nnp ${c}`));
        });
    }

    it('rejects an unknown command and an unknown option in one line', () => {
        const a = nnp(['frobnicate']);
        expect([a.code, a.err.trim()]).toEqual([2, "nnp: unknown command 'frobnicate' (commands: check, compile, eval, import, export, convert, serve, train, run, report, gpu, lsp; see nnp --help)"]);
        const b = nnp(['check', '--fast', 'x.nnp']);
        expect(b.code).toBe(2);
        expect(b.err.trim().split('\n')).toHaveLength(1);
        expect(b.err).toMatch(/^nnp check: Unknown option '--fast'.*\(usage: nnp check <spec\.nnp>\.\.\.\)/);
    });
});

describe('nnp check', () => {
    it('passes every example', () => {
        const r = nnp(['check', 'examples/water/model.nnp', 'examples/silicon/model.nnp', 'examples/argon/model.nnp']);
        expect([r.code, r.out, r.err.trim()]).toEqual([0, '', 'nnp check: 3 files, 0 errors, 0 warnings']);
    });

    it('prints path:line:col: severity: message [code] and exits 1 on errors', () => {
        const r = nnp(['check', 'test/files/bad/missing-unit.nnp', 'test/files/bad/lambda-range.nnp']);
        expect(r.code).toBe(1);
        expect(r.out.trim().split('\n')).toEqual([
            'test/files/bad/missing-unit.nnp:3:17: error: Missing unit: expected a length (e.g. A, bohr, nm). [missing-unit]',
            'test/files/bad/lambda-range.nnp:4:66: warning: λ is normally −1 or +1; 2 lies outside [−1, 1], so (1 + λ cos θ) changes sign. [lambda-range]',
        ]);
    });

    it('warnings alone exit 0', () => {
        expect(nnp(['check', 'test/files/bad/lambda-range.nnp']).code).toBe(0);
    });

    it('a missing file is one clear line, no stack trace', () => {
        const r = nnp(['check', 'no/such.nnp']);
        expect(r.code).toBe(1);
        expect(r.err.trim()).toBe(`nnp: ${join(ROOT, 'no/such.nnp')}: no such file`);
        noStackTrace(r.err);
    });
});

describe('nnp compile', () => {
    it('writes the model IR, byte-identical across runs, folders and working directories', () => {
        const a = mkdtempSync(join(tmpdir(), 'nnp-a-'));
        const b = mkdtempSync(join(tmpdir(), 'nnp-b-'));
        const copy = mkdtempSync(join(tmpdir(), 'nnp-copy-'));
        cpSync(join(ROOT, 'examples', 'silicon'), copy, { recursive: true });
        const r1 = nnp(['compile', 'examples/silicon/model.nnp', '-o', a]);
        const r2 = nnp(['compile', 'model.nnp', '-o', b], copy);
        expect([r1.code, r2.code]).toEqual([0, 0]);
        expect(r1.out.trim()).toBe(`wrote ${join(a, 'ir.json')}, manifest.json and 5 kernels`);
        for (const file of ['ir.json', 'manifest.json', 'si/Descriptors.wgsl', 'si/PairForces.wgsl', 'si/GatherForces.wgsl', 'sw/PotentialTerms.wgsl', 'sw/GatherForces.wgsl']) {
            expect(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), file).toBe(true);
        }
        const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
        expect(manifest.models[0].dispatchPlan).toEqual(['Descriptors', 'PairForces', 'GatherForces']);
        expect(manifest.models[0].kernels[0].bindings.map((b: { name: string }) => b.name)).toEqual(['dims', 'pv', 'nb_range', 'species', 'g']);
        // the spec's Stillinger–Weber potential (it samples the training data) has its kernels too
        expect(manifest.potentials.map((p: { potential: string; dispatchPlan: string[] }) => [p.potential, p.dispatchPlan])).toEqual([['sw', ['PotentialTerms', 'GatherForces']]]);
        const x = readFileSync(join(a, 'ir.json'));
        expect(x.toString()).not.toContain(tmpdir());
        expect(x.toString()).not.toContain(ROOT);
        const ir = JSON.parse(x.toString());
        expect(ir.models[0].descriptors[0].functions).toHaveLength(8 + 12 + 2);
    });

    it('refuses a spec with errors and writes nothing', () => {
        const out = mkdtempSync(join(tmpdir(), 'nnp-bad-'));
        const r = nnp(['compile', 'test/files/bad/missing-unit.nnp', '-o', out]);
        expect(r.code).toBe(1);
        expect(r.err).toContain('test/files/bad/missing-unit.nnp:3:17: error: Missing unit');
        expect(existsSync(join(out, 'ir.json'))).toBe(false);
    });

    it('needs -o', () => {
        const r = nnp(['compile', 'examples/argon/model.nnp']);
        expect([r.code, r.err.trim()]).toEqual([2, 'nnp compile: missing -o <dir>']);
    });
});

describe('nnp convert', () => {
    it('converts n2p2 → extended XYZ → n2p2 and writes LAMMPS data', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-convert-'));
        const shared = sharedData('n2p2', 'structures', 'LJ.train.data');
        const a = nnp(['convert', shared, join(dir, 'lj.xyz')]);
        expect([a.code, a.out.trim()]).toEqual([0, `wrote 101 structures to ${join(dir, 'lj.xyz')}`]);
        expect(nnp(['convert', join(dir, 'lj.xyz'), join(dir, 'lj.data')]).code).toBe(0);
        const again = nnp(['convert', join(dir, 'lj.data'), join(dir, 'again.xyz')]);
        expect(again.code).toBe(0);
        expect(readFileSync(join(dir, 'again.xyz'), 'utf8')).toBe(readFileSync(join(dir, 'lj.xyz'), 'utf8'));
        const many = nnp(['convert', join(dir, 'lj.xyz'), join(dir, 'lj.lmp')]);
        expect([many.code, many.err.trim()]).toEqual([1, `nnp convert: a LAMMPS data file holds one structure; ${join(dir, 'lj.xyz')} has 101`]);
        const missing = nnp(['convert', join(dir, 'nope.xyz'), join(dir, 'x.data')]);
        expect([missing.code, missing.err.trim()]).toEqual([1, `nnp: ${join(dir, 'nope.xyz')}: no such file`]);
    });
});

describe('nnp eval --potential', () => {
    it('evaluates an analytic reference potential of the spec', async () => {
        const { crystal } = await import('../../runtime/src/structures/crystal.js');
        const { writeExtxyz } = await import('../../runtime/src/io/extxyz.js');
        const dir = mkdtempSync(join(tmpdir(), 'nnp-pot-'));
        writeFileSync(join(dir, 'sw.nnp'), 'potential sw = stillinger_weber Si { }\n');
        writeFileSync(join(dir, 'si.xyz'), writeExtxyz([crystal('diamond', 'Si', 5.431, { supercell: [2, 2, 2] })]));
        const r = nnp(['eval', join(dir, 'sw.nnp'), join(dir, 'si.xyz'), '--potential', 'sw', '--json']);
        expect(r.code, r.err).toBe(0);
        const out = JSON.parse(r.out) as { structures: Array<{ energy: number; stress: number[][] | null }> };
        expect(out.structures[0]!.energy / 64).toBeCloseTo(-4.3366, 3);
        expect(out.structures[0]!.stress).toHaveLength(3);
        const missing = nnp(['eval', join(dir, 'sw.nnp'), join(dir, 'si.xyz'), '--potential', 'lj']);
        expect([missing.code, missing.err.trim()]).toEqual([1, `nnp eval: no potential named 'lj' in ${join(dir, 'sw.nnp')}`]);
    });
});

describe('nnp run', () => {
    it('nnp run says plainly when the model has no weights and no train block to make them', () => {
        // (with a train block, nnp run trains the model first: test/e2e/report.test.ts)
        const dir = mkdtempSync(join(tmpdir(), 'nnp-noweights-'));
        writeFileSync(join(dir, 'ar.nnp'), `model argon {
  element Ar
  cutoff cosine 6 A
  descriptors for Ar { radial Ar grid shifted 4 from 3 A to 6 A }
  network for Ar { hidden 4 activation tanh }
}
run md argon as liquid {
  crystal fcc Ar a 5.26 A supercell 2 2 2
  ensemble nve
  timestep 2 fs
  steps 10
}
`);
        const r = nnp(['run', 'ar.nnp', 'liquid'], dir);
        expect(r.code).toBe(1);
        expect(r.err.trim()).toBe("nnp run: 'liquid': model 'argon' has no weights yet (train it with nnp train, or add 'weights \"file.weights.json\"')");
    });

    it('nnp run names the runs when the requested one does not exist', () => {
        const r = nnp(['run', 'examples/silicon/model.nnp', 'freeze']);
        expect([r.code, r.err.trim()]).toEqual([1, "nnp run: no run named 'freeze' in examples/silicon/model.nnp (runs: melt, reference_phonons)"]);
    });
});

describe('nnp gpu', () => {
    it('runs the smoke kernel on WebGPU (GPU or lavapipe)', () => {
        const r = nnp(['gpu']);
        expect(r.err).not.toContain('internal error');
        expect(r.code, r.err).toBe(0);
        expect(r.out).toMatch(/^adapter: .+/m);
        const err = Number(/max \|error\| (\S+) vs float64/.exec(r.out)![1]);
        expect(err).toBeLessThan(1e-6);
    });
});
