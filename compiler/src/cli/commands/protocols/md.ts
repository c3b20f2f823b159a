// The md protocol: see runtime/src/md/run-md.ts for the ensembles and the log's columns.
import type { MdSummary } from '../../../../../runtime/src/md/run-md.js';
import { outputFile, startStructure, type Protocol } from './context.js';

export const mdProtocol: Protocol = {
    async run(ctx) {
        const { runMd } = await import('../../../../../runtime/src/md/run-md.js');
        const start = startStructure(ctx);
        const log = outputFile(ctx, 'log');
        const trajectory = outputFile(ctx, 'trajectory');
        let next = 0;
        const t0 = performance.now();
        return runMd({
            items: ctx.run.items, start, masses: ctx.massesOf(start.symbols), calculator: ctx.calculator,
            ...(log ? { log } : {}), ...(trajectory ? { trajectory } : {}),
            onProgress: (step, steps, t) => {
                if (step < next && step < steps) return;
                next = step + Math.max(1, Math.round(steps / 20));
                const rate = step / ((performance.now() - t0) / 1000);
                ctx.err(`${ctx.run.name}: step ${step}/${steps}  T ${t.toFixed(1)} K  ${rate.toFixed(1)} steps/s  ETA ${((steps - step) / rate).toFixed(0)} s`);
            },
        });
    },
    describe(summary) {
        const s = summary as unknown as MdSummary;
        const p = s.meanPressureBar !== undefined ? `, ⟨P⟩ = ${s.meanPressureBar.toFixed(0)} bar` : '';
        return `${s.steps} steps (${s.ensemble}), ⟨T⟩ = ${s.meanTemperatureK.toFixed(2)} K${p}, drift ${s.conservedDriftEvPerAtomPs.toExponential(2)} eV/atom/ps, ${s.stepsPerSecond.toFixed(1)} steps/s`;
    },
};
