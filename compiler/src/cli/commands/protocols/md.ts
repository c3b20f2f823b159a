// The md protocol: see runtime/src/md/run-md.ts for the ensembles, the log's columns and restart files
// (`nnp run --resume` continues from one). With `vdos`,
// the VDOS from the velocity autocorrelation of the second half of the run (the first is
// equilibration); with `compare other` as well, the same run with the other calculator and both
// VDOS on one plot with their overlap. A `guard` (guard.ts) watches the model's run (not the compared one).
// A model or analytic potential on WebGPU runs device-resident (gpu/device-md.ts: stretches of steps
// per submit) for nve and nvt (langevin, nose_hoover) in 3-D without vdos (which needs every step's
// velocities on the host); npt, 2-D and vdos runs are host-driven (run-md.ts), one evaluation per step.
import { relative } from 'node:path';
import type { Calculator, MdOptions, MdSummary } from '../../../../../runtime/src/md/run-md.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import { find, outputFile, startStructure, type Protocol, type ProtocolContext, type ProtocolSummary } from './context.js';
import { mdGuard, type GuardDescription } from './guard.js';
import { vdosGrid, vdosSettings, writeVdos } from './vdos-output.js';

export const mdProtocol: Protocol = {
    async run(ctx) {
        const log = outputFile(ctx, 'log');
        const trajectory = outputFile(ctx, 'trajectory');
        const restart = outputFile(ctx, 'restart');
        const outputs = { ...(log ? { log } : {}), ...(trajectory ? { trajectory } : {}), ...(restart ? { restart } : {}), resume: ctx.resume };
        // where the log and trajectory went, relative to the run's folder (nnp report reads them)
        const files = { ...(log ? { log: relative(ctx.outDir, log.path) } : {}), ...(trajectory ? { trajectory: relative(ctx.outDir, trajectory.path) } : {}) };
        return { ...(await simulateRun(ctx, outputs)), files };
    },
    describe: describeMd,
};

async function simulateRun(ctx: ProtocolContext, outputs: Pick<MdOptions, 'log' | 'trajectory' | 'restart' | 'resume'>) {
    const start = startStructure(ctx);
    const settings = vdosSettings(ctx);
    const guardItem = find(ctx.run.items, 'Guard');
    const guard = guardItem ? await mdGuard(ctx, guardItem) : undefined;
    if (ctx.device && !settings) {
        const { deviceMdSupports } = await import('../../../../../runtime/src/gpu/device-md.js');
        if (deviceMdSupports(ctx.run.items)) {
            const summary = await onDevice(ctx, start, { ...outputs, ...(guard ? { guard: guard.guard } : {}) });
            return guard ? { ...summary, guard: { ...guard.description, ...summary.guard! } } : summary;
        }
    }
    const main = await simulate(ctx, start, ctx.calculator, ctx.run.calculator.name, { ...outputs, ...(guard ? { guard: guard.guard } : {}) }, settings !== undefined);
    if (guard) main.summary = { ...main.summary, guard: { ...guard.description, ...main.summary.guard! } };
    if (!settings) return main.summary;
    const compared = find(ctx.run.items, 'Compare')?.['other'] as string | undefined;
    const other = compared ? await simulate(ctx, start, (await ctx.calculatorNamed(compared)).calculator, compared, {}, true) : undefined;
    const { velocityVdos } = await import('../../../../../runtime/src/phonons/vdos.js');
    const dt = main.summary.timestepFs;
    const masses = ctx.massesOf(start.symbols);
    // without a `max`, the grid ends a little above the highest frequency with weight (a first pass up to Nyquist)
    const nyquist = 1 / (2 * dt * 1e-3);
    const coarse = velocityVdos(main.frames, masses, dt, { bins: 500, maxThz: nyquist });
    const peak = Math.max(...coarse.density);
    let last = coarse.density.length - 1;
    while (last > 0 && coarse.density[last]! <= 0.01 * peak) last--;
    const highest = coarse.frequencyThz[last]!;
    const grid = vdosGrid(settings, Math.min(highest, nyquist / 1.2));
    const curves = [{ name: ctx.run.calculator.name, vdos: velocityVdos(main.frames, masses, dt, grid) }];
    if (other) curves.push({ name: compared!, vdos: velocityVdos(other.frames, masses, dt, grid) });
    const overlap = writeVdos(ctx, `VDOS from the velocity autocorrelation, ${start.symbols.length} atoms`, curves);
    return { ...main.summary, vdos: 'vdos.csv', ...(other ? { compare: { calculator: compared!, meanTemperatureK: other.summary.meanTemperatureK, vdosOverlap: overlap } } : {}) };
}

function describeMd(summary: ProtocolSummary): string {
    const s = summary as unknown as MdSummary & { compare?: { calculator: string; vdosOverlap: number }; guard?: GuardDescription };
    const p = s.meanPressureBar !== undefined ? `, ⟨P⟩ = ${s.meanPressureBar.toFixed(0)} bar` : '';
    const c = s.compare ? `, VDOS overlap with ${s.compare.calculator} ${s.compare.vdosOverlap.toFixed(3)}` : '';
    const g = s.guard;
    const trips = g && g.action === 'warn' && g.trips.length > 0 ? `, the ${g.measure} guard tripped ${g.trips.length} time${g.trips.length === 1 ? '' : 's'} (first at step ${g.trips[0]!.step})` : '';
    const steps = s.stoppedAt !== undefined ? `stopped by the ${g?.measure ?? ''} guard at step ${s.stoppedAt} of ${s.steps}` : `${s.steps} steps`;
    const engine = (s as { engine?: string }).engine === 'device' ? ', device-resident' : '';
    return `${steps} (${s.ensemble}${engine}), ⟨T⟩ = ${s.meanTemperatureK.toFixed(2)} K${p}, drift ${s.conservedDriftEvPerAtomPs.toExponential(2)} eV/atom/ps, ${s.stepsPerSecond.toFixed(1)} steps/s${c}${trips}`;
}

/** One MD run; with `keepVelocities`, the velocities of its second half. */
async function simulate(ctx: ProtocolContext, start: Structure, calculator: Calculator, label: string, outputs: Pick<MdOptions, 'log' | 'trajectory' | 'restart' | 'resume' | 'guard'>, keepVelocities: boolean) {
    const { runMd } = await import('../../../../../runtime/src/md/run-md.js');
    const frames: Float64Array[] = [];
    const summary: MdSummary = await runMd({
        items: ctx.run.items, start, masses: ctx.massesOf(start.symbols), calculator, ...outputs, onMessage: ctx.err,
        ...(keepVelocities ? { onVelocities: (step: number, v: Float64Array) => void (2 * step > steps() && frames.push(Float64Array.from(v))) } : {}),
        onProgress: progress(ctx, `${ctx.run.name} (${label})`),
    });
    return { summary, frames };

    function steps(): number {
        return (find(ctx.run.items, 'Steps')?.['value'] as number | undefined) ?? 1000;
    }
}

/** The run on the device (gpu/device-md.ts), with the same outputs and progress lines. */
async function onDevice(ctx: ProtocolContext, start: Structure, outputs: Pick<MdOptions, 'log' | 'trajectory' | 'restart' | 'resume' | 'guard'>) {
    const { runDeviceMd } = await import('../../../../../runtime/src/gpu/device-md.js');
    return runDeviceMd({
        items: ctx.run.items, start, masses: ctx.massesOf(start.symbols), calculator: ctx.calculator, ...outputs, onMessage: ctx.err, field: ctx.device!,
        onProgress: progress(ctx, `${ctx.run.name} (device-resident)`),
    });
}

/** About 20 progress lines per run: step, temperature, steps/s and the time left. */
function progress(ctx: ProtocolContext, label: string): (step: number, steps: number, temperature: number) => void {
    const t0 = performance.now();
    let next = 0;
    return (step, steps, t) => {
        if (step < next && step < steps) return;
        next = step + Math.max(1, Math.round(steps / 20));
        const rate = step / ((performance.now() - t0) / 1000);
        ctx.err(`${label}: step ${step}/${steps}  T ${t.toFixed(1)} K  ${rate.toFixed(1)} steps/s  ETA ${((steps - step) / rate).toFixed(0)} s`);
    };
}
