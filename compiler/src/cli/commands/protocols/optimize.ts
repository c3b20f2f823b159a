// The optimize protocol: FIRE, L-BFGS, conjugate gradients or Newton steps with the Hessian
// (`method newton hessian analytic | finite_difference`), optionally relaxing the cell (`relax_cell`),
// until the largest force is below fmax. trajectory.extxyz holds every iteration, final.extxyz the
// result; the summary counts iterations and energy/force evaluations.
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { writeExtxyz } from '../../../../../runtime/src/io/extxyz.js';
import { det3 } from '../../../../../runtime/src/math/mat3.js';
import type { Method } from '../../../../../runtime/src/optimize/minimize.js';
import type { OptimizeResult } from '../../../../../runtime/src/optimize/optimizer.js';
import { find, setting, startStructure, type Protocol, type ProtocolContext } from './context.js';
import { hessianOf } from './hessian-source.js';

export const optimizeProtocol: Protocol = {
    async run(ctx) {
        const { run } = ctx;
        const { minimize } = await import('../../../../../runtime/src/optimize/minimize.js');
        const method = find(run.items, 'Method');
        const frames: string[] = [];
        const result = await minimize(startStructure(ctx), ctx.calculator, {
            ...optimizeSettings(ctx),
            onStep: (step, at, fmax) => {
                frames.push(writeExtxyz([{ ...at.structure, energy: at.energy, forces: at.calculation.forces, info: { ...at.structure.info, step, fmax } }]));
                if (step % 20 === 0 || method?.['kind'] === 'newton') ctx.err(`${run.name}: step ${step}  E ${at.energy.toFixed(6)} eV  fmax ${fmax.toExponential(3)} eV/A`);
            },
        });
        writeFileAtomic(join(ctx.outDir, 'trajectory.extxyz'), frames.join(''));
        writeFileAtomic(join(ctx.outDir, 'final.extxyz'), writeExtxyz([result.final]));
        const { final, ...summary } = result;
        return final.cell ? { ...summary, volumeA3: Math.abs(det3(final.cell)) } : summary;
    },
    describe(summary) {
        const s = summary as unknown as OptimizeResult;
        return `${s.method} ${s.converged ? 'converged' : 'NOT converged'} in ${s.steps} steps (${s.evaluations} evaluations), E = ${s.energyEv.toFixed(6)} eV, fmax ${s.fmaxEvPerA.toExponential(2)} eV/A`;
    },
};

/** The optimiser settings of a run block (also used by rank's `relax`). */
export function optimizeSettings(ctx: ProtocolContext) {
    const { run } = ctx;
    const method = find(run.items, 'Method');
    const kind = (method?.['kind'] as Method | undefined) ?? 'fire';
    const analytic = kind === 'newton' && method?.['hessian'] === 'analytic';
    return {
        method: kind,
        fmax: setting(run, 'Fmax', 'value', 0.05),
        maxSteps: setting(run, 'MaxSteps', 'value', 1000),
        relaxCell: run.items.some((i) => i.type === 'CellRelax'),
        displacement: setting(run, 'Displacement', 'value', 1e-3),
        ...(analytic ? { hessian: hessianOf(ctx, run.calculator.name) } : {}),
    };
}
