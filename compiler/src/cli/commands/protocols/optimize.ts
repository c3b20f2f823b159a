// The optimize protocol: FIRE (more methods to come), stopping at fmax; trajectory.extxyz holds every
// step, final.extxyz the result.
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { CliError } from '../../cli-error.js';
import { find, startStructure, type Protocol } from './context.js';

export const optimizeProtocol: Protocol = {
    async run(ctx) {
        const { run } = ctx;
        const method = (find(run.items, 'Method')?.['kind'] as string | undefined) ?? 'fire';
        if (method !== 'fire') throw new CliError(`nnp run: '${run.name}': method ${method} is not available yet (fire is)`);
        const { fire } = await import('../../../../../runtime/src/md/fire.js');
        const { writeExtxyz } = await import('../../../../../runtime/src/io/extxyz.js');
        const fmax = (find(run.items, 'Fmax')?.['value'] as number | undefined) ?? 0.05;
        const maxSteps = (find(run.items, 'MaxSteps')?.['value'] as number | undefined) ?? 1000;
        const frames: string[] = [];
        const result = await fire(startStructure(ctx), ctx.calculator, fmax, maxSteps, (step, energy, f, s) => {
            frames.push(writeExtxyz([{ ...s, energy, info: { ...s.info, step, fmax: f } }]));
            if (step % 20 === 0) ctx.err(`${run.name}: step ${step}  E ${energy.toFixed(6)} eV  fmax ${f.toExponential(3)} eV/A`);
        });
        writeFileAtomic(join(ctx.outDir, 'trajectory.extxyz'), frames.join(''));
        writeFileAtomic(join(ctx.outDir, 'final.extxyz'), writeExtxyz([result.final]));
        const { final: _final, ...summary } = result;
        return summary;
    },
    describe(summary) {
        const s = summary as unknown as Record<string, unknown>;
        return `${s['converged'] ? 'converged' : 'NOT converged'} in ${String(s['steps'])} steps, E = ${(s['energyEv'] as number).toFixed(6)} eV, fmax ${(s['fmaxEvPerA'] as number).toExponential(2)} eV/A`;
    },
};
