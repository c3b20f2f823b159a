// `hessian analytic` with `nnp run`: Newton steps with an analytic potential's own Hessian reach the
// same minimum as with central differences of the forces, in far fewer evaluations (the Hessian costs
// none); a model says plainly that it has no analytic Hessian; phonons of an analytic potential use
// its Hessian unless the run gives a `displacement`, with the same frequencies.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStructures } from '../../runtime/src/io/read-structures.js';
import { nnp } from '../helpers/cli.js';

const summaryOf = (dir: string, run: string) => JSON.parse(readFileSync(join(dir, 'out', run, 'summary.json'), 'utf8')) as Record<string, unknown>;

describe('nnp run: analytic Hessians', () => {
    it('optimize: newton with the analytic Hessian converges like finite differences, in fewer evaluations', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-hess-'));
        // a 13-atom Morse icosahedron, each coordinate displaced by up to ±0.2 Å
        const phi = (1 + Math.sqrt(5)) / 2;
        const sites = [[0, 0, 0]];
        for (const a of [-1, 1]) for (const b of [-1, 1]) sites.push([0, a, b * phi], [a, b * phi, 0], [b * phi, 0, a]);
        const positions = Float64Array.from(sites.flat(), (v, k) => (v * 3.7) / Math.hypot(1, phi) + 0.2 * Math.sin(7 * k + 1));
        writeStructures(join(dir, 'cluster.xyz'), [{ symbols: sites.map(() => 'Ar'), positions, pbc: [false, false, false], info: {} }]);
        const runs = ['analytic', 'finite_difference'].map((h) => `run optimize pot as newton_${h} {
  from "cluster.xyz"
  method newton hessian ${h}
  fmax 0.001 eV/A
  max_steps 200
}`);
        writeFileSync(join(dir, 'opt.nnp'), `potential pot = morse Ar { depth 10 meV alpha 1.6 /A r0 3.75 A cutoff 9 A shift }\n${runs.join('\n')}\n`);
        const r = nnp(['run', 'opt.nnp', '--backend', 'reference'], dir);
        expect(r.code, r.err).toBe(0);
        console.log(r.out);
        const analytic = summaryOf(dir, 'newton_analytic');
        const fd = summaryOf(dir, 'newton_finite_difference');
        for (const s of [analytic, fd]) {
            expect(s['converged']).toBe(true);
            expect(s['fmaxEvPerA'] as number).toBeLessThanOrEqual(1e-3);
        }
        expect(Math.abs((analytic['energyEv'] as number) - (fd['energyEv'] as number))).toBeLessThan(1e-6);
        // central differences cost 2 × 39 force evaluations per Newton step; the analytic Hessian none
        expect(analytic['evaluations'] as number).toBeLessThan((fd['evaluations'] as number) / 10);
        expect(analytic['evaluations'] as number).toBeLessThanOrEqual(2 * (analytic['steps'] as number) + 2);
    }, 120_000);

    it('a model has no analytic Hessian: a clear error, exit 1', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-hess-'));
        writeFileSync(join(dir, 'm.nnp'), `model m {
  element Ar
  cutoff cosine 5 A
  descriptors for Ar { radial Ar eta 0.5 /A^2 }
  network for Ar { linear }
  weights "m.weights.json"
}
run optimize m as newton_step {
  from "ar.xyz"
  method newton hessian analytic
}
`);
        writeFileSync(join(dir, 'm.weights.json'), JSON.stringify({ format: 'nnp-weights', version: 1, model: 'm', networks: [{ element: 'Ar', layers: [{ weights: [0.5], biases: [0.1] }] }], scaling: [] }));
        writeFileSync(join(dir, 'ar.xyz'), '2\nProperties=species:S:1:pos:R:3 pbc="F F F"\nAr 0 0 0\nAr 3.5 0 0\n');
        const r = nnp(['run', 'm.nnp', '--backend', 'reference'], dir);
        expect([r.code, r.err.trim()]).toEqual([1, "nnp run: 'newton_step': 'm' is a model; its analytic Hessian is not available in this version: use 'hessian finite_difference'"]);
    }, 60_000);

    it('phonons: the analytic Hessian without `displacement`, the same modes as central differences with it', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-hess-'));
        const runs = ['', 'displacement 0.001 A'].map((d, k) => `run phonons sw as modes_${k} {
  crystal diamond Si a 5.431 A supercell 2 1 1
  ${d}
}`);
        writeFileSync(join(dir, 'ph.nnp'), `potential sw = stillinger_weber Si { }\n${runs.join('\n')}\n`);
        const r = nnp(['run', 'ph.nnp', '--backend', 'reference'], dir);
        expect(r.code, r.err).toBe(0);
        expect(r.err).toMatch(/^modes_0: sw analytic Hessian$/m);
        expect(r.err).not.toMatch(/^modes_0: sw Hessian column/m);
        expect(r.err).toMatch(/^modes_1: sw Hessian column 48\/48$/m);
        const [analytic, fd] = [summaryOf(dir, 'modes_0'), summaryOf(dir, 'modes_1')];
        expect([analytic['hessian'], fd['hessian']]).toEqual(['analytic', 'finite_difference']);
        const frequencies = (run: string) => readFileSync(join(dir, 'out', run, 'frequencies.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
        const [a, b] = [frequencies('modes_0'), frequencies('modes_1')];
        expect(a).toHaveLength(48);
        // the three acoustic modes (Γ translations) are ≈ 0 in both, exactly so up to rounding with the analytic Hessian
        expect(analytic['acousticMaxAbsThz'] as number).toBeLessThan(1e-4);
        expect(fd['acousticMaxAbsThz'] as number).toBeLessThan(1e-2);
        for (let k = 3; k < 48; k++) expect(Math.abs(a[k]! - b[k]!), `mode ${k}`).toBeLessThan(1e-5 * a[47]!);
    }, 120_000);
});
