// The curvature protocol: where does training end? `run curvature <model> { at init|trained lanczos K
// seed S }` takes the model's train block (its datasets, split, loss weights, init) and, in float64 on
// the CPU, evaluates at the trained weights (or at the weights training starts from) the full-batch
// training loss L, its gradient norm |∇L| and the extreme eigenvalues of the Hessian ∇²L in weight
// space, by K Lanczos steps with full reorthogonalisation (each step one Hessian-vector product by
// central differences of the exact gradient). A minimum has λ_min ≥ 0 up to the flat directions of an
// over-parameterised network (λ_min/λ_max ≈ 0); a saddle has λ_min < 0 clearly.
// Writes summary.json, ritz.csv (every Ritz value with its residual bound) and spectrum.svg.
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { CliError } from '../../cli-error.js';
import { modelParameters } from '../../load-model.js';
import { find, setting, type Protocol, type ProtocolSummary } from './context.js';

export interface CurvatureSummary extends ProtocolSummary {
    readonly protocol: 'curvature';
    /** 'trained' or 'init'. */
    readonly at: string;
    readonly parameters: number;
    readonly structures: number;
    readonly atoms: number;
    /** Full-batch training loss (eV²/atom² and eV²/Å² terms, as in training). */
    readonly loss: number;
    readonly energyRmseMevPerAtom: number;
    readonly forceRmseMevPerA: number;
    readonly gradientNorm: number;
    readonly lambdaMin: number;
    readonly lambdaMax: number;
    /** λ_min/λ_max: ≈ 0 or > 0 at a minimum, clearly < 0 at a saddle. */
    readonly ratio: number;
    /** Residual bounds |H y − θ y| of the two extreme Ritz pairs. */
    readonly lambdaMinResidual: number;
    readonly lambdaMaxResidual: number;
    readonly negativeRitzValues: number;
    readonly lanczosSteps: number;
    readonly hessianVectorProducts: number;
}

export const curvatureProtocol: Protocol = {
    async run(ctx) {
        const name = ctx.run.calculator.name;
        const model = ctx.ir.models.find((m) => m.name === name);
        const training = ctx.ir.trainings.find((t) => t.model === name);
        if (!model || !training) throw new CliError(`nnp run: '${ctx.run.name}': a curvature run needs a model with a train block ('${name}' has none)`);
        const at = (find(ctx.run.items, 'CurvatureAt')?.['point'] as string | undefined) ?? 'trained';
        const steps = setting(ctx.run, 'Lanczos', 'steps', 30);
        const seed = setting(ctx.run, 'Seed', 'value', 1);
        const { prepareProblem, startWeights } = await import('../../../../../runtime/src/train/trainer.js');
        const { flattenParameters } = await import('../../../../../runtime/src/train/parameter-layout.js');
        const { curvatureAt, fullBatchLoss } = await import('../../../../../runtime/src/train/curvature.js');
        const { referenceLoss } = await import('../../../../../runtime/src/train/reference-loss.js');
        const problem = prepareProblem(ctx.ir, training, ctx.specDir);
        const set = problem.sets[0];
        if (set.length === 0) throw new CliError(`nnp run: '${ctx.run.name}': the training split of '${name}' is empty`);
        const w = at === 'init'
            ? Float64Array.from(startWeights(problem))
            : flattenParameters(problem.layout, modelParameters(ctx.ir, model, ctx.specDir, `nnp run: '${ctx.run.name}'`).networks);
        const f = fullBatchLoss(problem.layout, set, training.loss, problem.sigma);
        ctx.err(`nnp run: '${ctx.run.name}': Hessian of the training loss of '${name}' at the ${at === 'init' ? 'initial' : 'trained'} weights: ${w.length} weights, ${set.length} structures, ${Math.min(steps, w.length)} Lanczos steps`);
        const c = curvatureAt(f, w, steps, seed);
        const parts = referenceLoss(problem.layout, w, set, set.map((_, i) => i), training.loss, problem.sigma);
        const { ritz, residuals } = c.lanczos;
        const rows = Array.from(ritz, (x, i) => `${i},${x.toExponential(10)},${residuals[i]!.toExponential(3)}`);
        writeFileAtomic(join(ctx.outDir, 'ritz.csv'), `index,ritz_value,residual_bound\n${rows.join('\n')}\n`);
        const { lineChart } = await import('../../../../../runtime/src/report/svg-plot.js');
        writeFileAtomic(join(ctx.outDir, 'spectrum.svg'), lineChart(
            `Ritz values of ∇²L, ${name} at ${at} (λ_min/λ_max = ${(c.lambdaMin / c.lambdaMax).toExponential(2)})`, 'index (ascending)', 'eigenvalue',
            [{ name: 'Ritz value', color: '#1f77b4', x: Array.from(ritz, (_, i) => i), y: ritz, dots: true, line: false }], false));
        const summary: CurvatureSummary = {
            protocol: 'curvature', at, parameters: w.length, structures: set.length, atoms: parts.atoms,
            loss: c.loss,
            energyRmseMevPerAtom: 1000 * Math.sqrt(parts.energySq / parts.structures),
            forceRmseMevPerA: 1000 * Math.sqrt(parts.forceSq / (3 * parts.atoms)),
            gradientNorm: c.gradientNorm, lambdaMin: c.lambdaMin, lambdaMax: c.lambdaMax, ratio: c.lambdaMin / c.lambdaMax,
            lambdaMinResidual: c.lambdaMinResidual, lambdaMaxResidual: c.lambdaMaxResidual,
            negativeRitzValues: ritz.filter((x) => x < 0).length,
            lanczosSteps: c.lanczos.steps, hessianVectorProducts: c.lanczos.products,
        };
        return summary;
    },
    describe(summary) {
        const s = summary as CurvatureSummary;
        return `at ${s.at}: loss ${s.loss.toExponential(3)}, |∇L| ${s.gradientNorm.toExponential(2)}, λ_min ${s.lambdaMin.toExponential(3)}, λ_max ${s.lambdaMax.toExponential(3)} (ratio ${s.ratio.toExponential(2)}; ${s.lanczosSteps} Lanczos steps)`;
    },
};
