// Gallery: examples/gradient-flow, run as a user would from a fresh copy: one `nnp run --backend
// reference` trains both models by full-batch gradient descent (the Euler discretisation of the
// gradient flow dw/dt = −∇L; float64, 4000 steps of lr 0.003 each) and runs the four curvature runs (loss, |∇L| and
// the extreme Hessian eigenvalues by 40 Lanczos steps at the start and at the end of each training);
// plot.mjs draws the figures. The claims:
//   - from a Xavier start the run ends where |∇L| is < 0.5 % of its start and λ_min ≥ −ε λ_max with
//     ε = 10⁻³ (measured λ_min/λ_max = −3.0e-4: a minimum up to its flattest directions, along which
//     gradient descent moves at rate λ·lr, too slowly to finish in 4000 steps);
//   - `init zero perturb 1e-6` starts at a critical point (|∇L| ≈ 0) that is a saddle: λ_min < 0 with
//     |λ_min| = λ_max (measured ±28.7, the ± pairs of the (v, W) coupling block), loss flat for ~100
//     epochs while the perturbation grows by the linearised factor 1 + lr|λ_min| per step (measured
//     1.08616 against 1.08619); the flow leaves it (the loss falls 114×) and ends at a minimum too
//     (λ_min/λ_max = −6.4e-4).
// Float64 is used because it is deterministic bit for bit across machines; WebGPU (lavapipe) gives the
// same conclusions with float32 rounding in the trajectory (README).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { nnp, ROOT } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples', 'gradient-flow');
const EPSILON = 1e-3; // a minimum: λ_min ≥ −ε λ_max
const LR = 0.003; // the train blocks' learning rate (the flow's time step)

interface Curvature {
    readonly at: string;
    readonly loss: number;
    readonly gradientNorm: number;
    readonly lambdaMin: number;
    readonly lambdaMax: number;
    readonly ratio: number;
    readonly lambdaMinResidual: number;
    readonly parameters: number;
    readonly lanczosSteps: number;
}
interface Epoch {
    readonly epoch: number;
    readonly train: { readonly loss: number };
    readonly gradientNorm: number;
}

it('gradient flow: training ends at a minimum; a start at a saddle escapes and ends at a minimum too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-gradient-flow-'));
    cpSync(join(EXAMPLE, 'model.nnp'), join(dir, 'model.nnp'));
    const run = nnp(['run', 'model.nnp', '--backend', 'reference'], dir);
    expect(run.code, run.err).toBe(0);
    const summary = (name: string) => JSON.parse(readFileSync(join(dir, 'out', name, 'summary.json'), 'utf8')) as Curvature;
    const log = (stem: string) => readFileSync(join(dir, 'out', `${stem}.log.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Epoch);
    const [normalStart, normalEnd, saddleStart, saddleEnd] = ['normal_start', 'normal_end', 'saddle_start', 'saddle_end'].map(summary) as [Curvature, Curvature, Curvature, Curvature];
    const normal = log('si');
    const saddle = log('si_saddle');
    expect(normal).toHaveLength(4000);
    expect(saddle).toHaveLength(4000);
    for (const s of [normalStart, normalEnd, saddleStart, saddleEnd]) {
        expect(s.parameters).toBe(89);
        // at the saddle the Hessian's many repeated eigenvalues (8 identical hidden units) leave a
        // smaller Krylov space: Lanczos stops at an invariant subspace (27 steps), its values exact
        expect(s.lanczosSteps).toBeLessThanOrEqual(40);
    }
    expect(normalEnd.lanczosSteps).toBe(40);

    // the log's gradient norm is the curvature run's at the same weights: at the end exactly
    expect(normal.at(-1)!.gradientNorm).toBeCloseTo(normalEnd.gradientNorm, 12);
    expect(saddle.at(-1)!.gradientNorm).toBeCloseTo(saddleEnd.gradientNorm, 12);

    // Xavier start: a generic point (λ_min < 0 there too), then descent to a minimum
    expect(normalStart.gradientNorm).toBeGreaterThan(10);
    expect(normalEnd.loss / normalStart.loss).toBeLessThan(1e-3);
    expect(normalEnd.gradientNorm / normalStart.gradientNorm).toBeLessThan(5e-3); // measured 1.4e-4
    expect(normalEnd.lambdaMax).toBeGreaterThan(0);
    expect(normalEnd.lambdaMin).toBeGreaterThanOrEqual(-EPSILON * normalEnd.lambdaMax);
    // the smallest Ritz value is converged well enough to carry that sign test
    expect(normalEnd.lambdaMinResidual).toBeLessThan(EPSILON * normalEnd.lambdaMax);

    // the saddle: a critical point (|∇L| ~ the perturbation's |λ| δw) with λ_min < 0, ± symmetric
    expect(saddleStart.gradientNorm).toBeLessThan(1e-3 * normalStart.gradientNorm);
    expect(saddleStart.lambdaMin).toBeLessThan(0);
    expect(saddleStart.ratio).toBeLessThan(-0.5);
    expect(saddleStart.lambdaMin / saddleStart.lambdaMax).toBeCloseTo(-1, 3);
    expect(saddleStart.lambdaMinResidual).toBeLessThan(1e-3 * Math.abs(saddleStart.lambdaMin));
    // near the saddle gradient descent is linear, δw ← (1 − lr H) δw: the part along λ_min's eigenvector,
    // and with it |∇L| = |H δw|, grows by 1 + lr|λ_min| per step
    const growth = (saddle[59]!.gradientNorm / saddle[19]!.gradientNorm) ** (1 / 40);
    expect(growth / (1 + LR * Math.abs(saddleStart.lambdaMin)) - 1).toBeLessThan(1e-3);
    expect(growth / (1 + LR * Math.abs(saddleStart.lambdaMin)) - 1).toBeGreaterThan(-1e-3);
    // the flow stays on the plateau for a while, then escapes: the loss drops ≫ 50×
    expect(Math.abs(saddle[9]!.train.loss - saddle[0]!.train.loss) / saddle[0]!.train.loss).toBeLessThan(1e-4);
    expect(saddleEnd.loss).toBeLessThan(saddleStart.loss / 50);
    const peak = Math.max(...saddle.map((e) => e.gradientNorm));
    expect(peak).toBeGreaterThan(100 * saddleStart.gradientNorm);
    // … and ends at a minimum too: small gradient, no clearly negative curvature
    expect(saddleEnd.gradientNorm / peak).toBeLessThan(1e-2);
    expect(saddleEnd.lambdaMin).toBeGreaterThanOrEqual(-EPSILON * saddleEnd.lambdaMax);
    expect(saddleEnd.lambdaMinResidual).toBeLessThan(EPSILON * saddleEnd.lambdaMax);
    // both starts end about equally well
    expect(saddleEnd.loss / normalEnd.loss).toBeGreaterThan(0.5);
    expect(saddleEnd.loss / normalEnd.loss).toBeLessThan(2);

    // the figures
    const plot = spawnSync(process.execPath, [join(EXAMPLE, 'plot.mjs'), dir, dir], { encoding: 'utf8', timeout: 60_000 });
    expect(plot.status, plot.stderr).toBe(0);
    expect(plot.stdout).toMatch(/\| saddle start \| /);
    for (const f of ['flow.svg', 'spectrum.svg']) expect(readFileSync(join(dir, f), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
}, 240_000);
