// Gallery: examples/newton-vs-gradient. The example's spec, run as shipped (float64): on a distorted
// Lennard-Jones 13-atom cluster and a rattled Stillinger–Weber silicon cell, Newton steps with the
// Hessian (analytic or central differences), L-BFGS, CG and FIRE all reach fmax ≤ 1e-3 eV/Å at the
// same energy, and Newton takes fewer iterations than L-BFGS and CG on each system; the analytic
// Hessian makes each Newton step cost one evaluation. Its data script reproduces the shipped
// structures, and its plot script draws one convergence curve per method.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStructures } from '../../runtime/src/io/read-structures.js';
import { nnp, ROOT } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples', 'newton-vs-gradient');
const SYSTEMS = ['cluster', 'silicon'] as const;
const METHODS = ['newton_analytic', 'newton_fd', 'lbfgs', 'cg', 'fire'] as const;

interface Summary {
    converged: boolean;
    steps: number;
    evaluations: number;
    energyEv: number;
    fmaxEvPerA: number;
}

describe('gallery: Newton vs gradient methods', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-gallery-newton-'));
    for (const f of ['model.nnp', 'cluster.xyz', 'silicon.xyz']) copyFileSync(join(EXAMPLE, f), join(dir, f));
    const summaryOf = (run: string) => JSON.parse(readFileSync(join(dir, 'out', run, 'summary.json'), 'utf8')) as Summary;

    it('make-data.mjs writes exactly the shipped structures', () => {
        const fresh = join(dir, 'fresh');
        mkdirSync(fresh);
        const r = spawnSync(process.execPath, [join(EXAMPLE, 'make-data.mjs'), fresh], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        for (const f of ['cluster.xyz', 'silicon.xyz']) expect(readFileSync(join(fresh, f), 'utf8'), f).toBe(readFileSync(join(EXAMPLE, f), 'utf8'));
    });

    it('every method converges to the same minimum; Newton in fewer iterations than L-BFGS and CG', () => {
        const r = nnp(['run', 'model.nnp', '--backend', 'reference'], dir);
        expect(r.code, r.err).toBe(0);
        console.log(r.out.replace(/; summary .*$/gm, ''));
        for (const system of SYSTEMS) {
            const s = Object.fromEntries(METHODS.map((m) => [m, summaryOf(`${system}_${m}`)])) as Record<(typeof METHODS)[number], Summary>;
            for (const m of METHODS) {
                expect(s[m].converged, `${system} ${m}`).toBe(true);
                expect(s[m].fmaxEvPerA, `${system} ${m}`).toBeLessThanOrEqual(1e-3);
                // the same minimum: at fmax ≤ 1e-3 eV/Å the energies agree to far better than 0.1 meV
                expect(Math.abs(s[m].energyEv - s.newton_analytic.energyEv), `${system} ${m}`).toBeLessThan(1e-4);
            }
            for (const newton of ['newton_analytic', 'newton_fd'] as const) {
                expect(s[newton].steps, `${system} ${newton} vs lbfgs`).toBeLessThan(s.lbfgs.steps);
                expect(s[newton].steps, `${system} ${newton} vs cg`).toBeLessThan(s.cg.steps);
            }
            // FIRE, the reference: many more iterations than any of them
            expect(s.fire.steps).toBeGreaterThan(3 * Math.max(s.lbfgs.steps, s.cg.steps));
            // the Hessian's source changes the cost of a step, not the steps: one evaluation per
            // analytic Newton step, 2 × 3N more per step by central differences
            expect(s.newton_fd.steps).toBe(s.newton_analytic.steps);
            expect(s.newton_analytic.evaluations).toBeLessThanOrEqual(s.newton_analytic.steps + 1);
            const atoms = readStructures(join(dir, `${system}.xyz`))[0]!.symbols.length;
            expect(s.newton_fd.evaluations).toBeGreaterThanOrEqual(s.newton_fd.steps * 6 * atoms);
        }
        // the rattled cell relaxes back to the perfect diamond crystal: −2ε per atom (SW: ε = 2.1683 eV)
        expect(summaryOf('silicon_newton_analytic').energyEv).toBeCloseTo(-64 * 2 * 2.1683, 4);
    });

    it('plot.mjs draws fmax against iteration, one curve per method and system', () => {
        const r = spawnSync(process.execPath, [join(EXAMPLE, 'plot.mjs'), dir, dir], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        for (const system of SYSTEMS) {
            const svg = readFileSync(join(dir, `convergence-${system}.svg`), 'utf8');
            expect(svg.match(/<polyline /g)).toHaveLength(METHODS.length);
            for (const name of ['Newton, analytic Hessian', 'Newton, central-difference Hessian', 'L-BFGS', 'CG (Polak–Ribière+)', 'FIRE']) expect(svg).toContain(`>${name}<`);
            // FIRE's curve has one point per iteration (its trajectory holds steps 0 … steps)
            const fire = summaryOf(`${system}_fire`);
            expect(readStructures(join(dir, 'out', `${system}_fire`, 'trajectory.extxyz'))).toHaveLength(fire.steps + 1);
        }
    });
});
