// `nnp train <spec> [--resume]`: runs the spec's train blocks. Per block it writes, next to the
// weights file named by `save` (default out/<model>.weights.json beside the spec):
//   <stem>.weights.json     trained weights, scaling statistics, offsets (read by nnp eval, nnp export)
//   <stem>.checkpoint.json  resumable state (or the path of `checkpoint "…" every N`)
//   <stem>.log.jsonl        one JSON line per epoch
//   <stem>.report.json/.md  errors per split, element and config_type
//   <stem>.learning-curve.svg, <stem>.parity-energy.svg, <stem>.parity-forces.svg
// With `committee K [bootstrap]`: member k's weights, log and checkpoint as <stem>.c<k>.weights.json,
// <stem>.c<k>.log.jsonl, <stem>.c<k>.checkpoint.json; <stem>.weights.json is member 0 (what loads one
// model keeps working); <stem>.committee.json lists the members with the calibration factors, the
// report adds each member's and the committee mean's errors, and <stem>.calibration.svg the
// calibration plot. `--resume` resumes each member from its own checkpoint (a finished member's
// checkpoint gives its weights back without training).
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { TrainingIR } from '../../ir/model-ir.js';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import { writeWeights } from '../../../../runtime/src/model/weights-file.js';
import type { EpochRecord } from '../../../../runtime/src/train/checkpoint.js';
import type { TrainProblem, TrainResult } from '../../../../runtime/src/train/trainer.js';
import { CliError } from '../cli-error.js';
import { loadSpecIr } from '../load-model.js';

export interface TrainCommandOptions {
    readonly spec: string;
    readonly resume: boolean;
    readonly backend: 'webgpu' | 'reference';
    /** Train only the block of this model. */
    readonly model?: string;
    /** Overrides the spec's epoch count (quick runs). */
    readonly epochs?: number;
}

/** Output paths of a train block, relative to the spec's folder. */
export function trainingOutputs(specDir: string, t: TrainingIR): { weights: string; stem: string; checkpoint: string; every: number } {
    const weights = resolve(specDir, t.save ?? `out/${t.model}.weights.json`);
    const stem = weights.replace(/(\.weights)?\.json$/i, '');
    return { weights, stem, checkpoint: resolve(specDir, t.checkpoint?.path ?? `${stem}.checkpoint.json`), every: t.checkpoint?.every ?? 10 };
}

export async function trainCommand(o: TrainCommandOptions, out: (line: string) => void, err: (line: string) => void): Promise<number> {
    try {
        return await train(o, out, err);
    } catch (e) {
        if ((e as Error).name === 'TrainingError') throw new CliError(`nnp train: ${(e as Error).message}`);
        throw e;
    }
}

async function train(o: TrainCommandOptions, out: (line: string) => void, err: (line: string) => void): Promise<number> {
    const ir = await loadSpecIr(o.spec, err, 'nnp train');
    const blocks = ir.trainings.filter((t) => !o.model || t.model === o.model);
    // two-state models (`fit` blocks): float64 on the CPU, small data (see two-state.ts)
    const fits = (ir.twoState?.fits ?? []).filter((f) => !o.model || f.model === o.model);
    // continuum constitutive models (`constitutive` blocks): float64 on the CPU (constitutive.ts)
    const constitutive = (ir.constitutive ?? []).filter((c) => !o.model || c.name === o.model);
    if (ir.trainings.length === 0 && fits.length === 0 && constitutive.length === 0) throw new CliError(`nnp train: ${o.spec} has no train blocks`);
    if (blocks.length === 0 && fits.length === 0 && constitutive.length === 0) throw new CliError(`nnp train: no train block for model '${o.model}' in ${o.spec}`);
    if (constitutive.length > 0) {
        const { trainConstitutive } = await import('./constitutive.js');
        trainConstitutive(ir, dirname(resolve(o.spec)), constitutive.map((c) => c.name), out, err, o.epochs);
        if (blocks.length === 0 && fits.length === 0) return 0;
    }
    if (fits.length > 0) {
        const { fitTwoState } = await import('./two-state.js');
        for (const f of fits) fitTwoState(ir.twoState!, o.epochs !== undefined ? { ...f, epochs: o.epochs } : f, dirname(resolve(o.spec)), out, err);
        if (blocks.length === 0) return 0;
    }
    const { prepareProblem } = await import('../../../../runtime/src/train/trainer.js');
    const { buildReport } = await import('../../../../runtime/src/train/report.js');
    const { evaluateCommittee, committeeMarkdown, memberProblem } = await import('../../../../runtime/src/train/committee-training.js');
    const { writeCommitteeFile } = await import('../../../../runtime/src/uncertainty/committee.js');
    const specDir = dirname(resolve(o.spec));
    let ctx: Awaited<ReturnType<typeof import('../../../../runtime/src/gpu/device.js').acquireGpu>> | undefined;
    let backendName = 'float64 reference (CPU)';
    try {
        for (const block of blocks) {
            const training = o.epochs !== undefined ? { ...block, epochs: o.epochs } : block;
            const paths = trainingOutputs(specDir, training);
            mkdirSync(dirname(paths.weights), { recursive: true });
            mkdirSync(dirname(paths.checkpoint), { recursive: true });
            const t0 = performance.now();
            const problem = prepareProblem(ir, training, specDir);
            const [tr, va, te] = problem.sets;
            const atoms = (s: readonly { atoms: readonly unknown[] }[]) => s.reduce((a, x) => a + x.atoms.length, 0);
            err(`nnp train: model '${training.model}': ${tr.length} training structures (${atoms(tr)} atoms), ${va.length} validation, ${te.length} test` +
                `${problem.data.skipped.length ? `; ${problem.data.skipped.length} invalid structures skipped` : ''}; descriptors in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
            for (const s of problem.data.skipped.slice(0, 5)) err(`  skipped ${s.id}: ${s.reason}`);
            if (o.backend === 'webgpu' && !ctx) {
                // acquired once the data has been read, so that data errors come first
                const { acquireGpu, describeAdapter } = await import('../../../../runtime/src/gpu/device.js');
                ctx = await acquireGpu();
                backendName = `WebGPU: ${describeAdapter(ctx.adapterInfo)}`;
            }
            err(`nnp train: ${problem.layout.total} weights, ${training.optimizer.kind}, ${training.epochs} epochs, batch ${training.batch}, on ${backendName}`);
            const committee = training.committee;
            const size = committee?.size ?? 1;
            const members: TrainResult[] = [];
            for (let k = 0; k < size; k++) {
                const member = committee ? memberProblem(problem, k) : problem;
                if (committee) err(`nnp train: committee member ${k + 1} of ${size} (seed ${member.training.seed}${committee.bootstrap ? ', bootstrap resample of the training split' : ''})`);
                const where = committee ? memberPaths(paths, k) : { log: `${paths.stem}.log.jsonl`, checkpoint: paths.checkpoint, weights: paths.weights };
                const result = await trainOne(member, { ...o, epochs: training.epochs }, where, ctx?.device, err);
                writeWeights(where.weights, result.params);
                members.push(result);
            }
            const result = members[0]!;
            if (committee) writeWeights(paths.weights, result.params);
            const { report, files } = buildReport(problem, result, backendName);
            writeFileSync(`${paths.stem}.report.json`, files.json);
            writeFileSync(`${paths.stem}.report.md`, files.markdown);
            writeFileSync(`${paths.stem}.learning-curve.svg`, files.learningCurve);
            writeFileSync(`${paths.stem}.parity-energy.svg`, files.parityEnergy);
            writeFileSync(`${paths.stem}.parity-forces.svg`, files.parityForces);
            for (const [name, s] of Object.entries(report.splits)) {
                out(`${training.model} ${name.padEnd(10)} energy RMSE ${s.energyRmse.toFixed(2)} meV/atom (MAE ${s.energyMae.toFixed(2)}), force RMSE ${s.forceRmse.toFixed(1)} meV/A (MAE ${s.forceMae.toFixed(1)})  [${s.structures} structures]`);
            }
            out(`${training.model}: ${committee ? 'member 0: ' : ''}${result.history.length} epochs in ${result.seconds.toFixed(1)} s (best epoch ${result.bestEpoch}${result.stoppedEarly ? ', stopped early' : ''}); weights ${paths.weights}; report ${paths.stem}.report.md`);
            if (!committee) rmSync(`${paths.stem}.committee.json`, { force: true }); // a committee trained before is stale now
            if (committee) {
                const c = evaluateCommittee(problem, members.map((m) => m.weights));
                writeFileSync(`${paths.stem}.report.json`, `${JSON.stringify({ ...report, committee: c.report }, null, 2)}\n`);
                writeFileSync(`${paths.stem}.report.md`, files.markdown + committeeMarkdown(c.report));
                writeFileSync(`${paths.stem}.calibration.svg`, c.plot);
                const cal = c.report.calibration;
                writeCommitteeFile(`${paths.stem}.committee.json`, {
                    format: 'nnp-committee', version: 1, model: training.model, size, bootstrap: committee.bootstrap,
                    seeds: Array.from({ length: size }, (_, k) => training.seed + k),
                    members: Array.from({ length: size }, (_, k) => basename(memberPaths(paths, k).weights)),
                    calibration: { energy: cal.energy, forces: cal.forces, split: cal.split, structures: cal.structures, atoms: cal.atoms },
                    energyStdPerAtom: cal.energyStdPerAtom,
                    maxForceStd: cal.maxForceStd,
                });
                for (const name of ['train', 'validation', 'test']) {
                    const m = c.report.mean[name];
                    if (!m) continue;
                    const avg = (f: (x: { energyRmse: number; forceRmse: number }) => number) => c.report.members.reduce((a, r) => a + f(r[name]!), 0) / size;
                    out(`${training.model} ${name.padEnd(10)} committee mean: energy RMSE ${m.energyRmse.toFixed(2)} meV/atom, force RMSE ${m.forceRmse.toFixed(1)} meV/A (members' average ${avg((x) => x.energyRmse).toFixed(2)}, ${avg((x) => x.forceRmse).toFixed(1)}); calibrated spread ${c.report.spread[name]!.energyStdPerAtom.toFixed(2)} meV/atom, ${c.report.spread[name]!.forceStd.toFixed(1)} meV/A`);
                }
                out(`${training.model}: committee of ${size}: calibration factors energy ${cal.energy.toPrecision(4)}, forces ${cal.forces.toPrecision(4)} (${cal.split} split); ${paths.stem}.committee.json, ${paths.stem}.calibration.svg`);
            }
        }
    } finally {
        await ctx?.destroy();
    }
    return 0;
}

/** Where committee member k's files go: `<stem>.c<k>.weights.json`, `.c<k>.log.jsonl`, `.c<k>.checkpoint.json` (or `checkpoint "x.json"` → `x.c<k>.json`). */
export function memberPaths(paths: { stem: string; checkpoint: string }, k: number): { weights: string; log: string; checkpoint: string } {
    return {
        weights: `${paths.stem}.c${k}.weights.json`,
        log: `${paths.stem}.c${k}.log.jsonl`,
        checkpoint: paths.checkpoint === `${paths.stem}.checkpoint.json` ? `${paths.stem}.c${k}.checkpoint.json` : paths.checkpoint.replace(/(\.json)?$/i, (ext) => `.c${k}${ext}`),
    };
}

async function trainOne(problem: TrainProblem, o: TrainCommandOptions & { epochs: number }, where: { log: string; checkpoint: string }, device: GPUDevice | undefined, err: (line: string) => void): Promise<TrainResult> {
    const { runTraining } = await import('../../../../runtime/src/train/trainer.js');
    const logPath = where.log;
    const progress = new Progress(o.epochs, err);
    const logLines: string[] = [];
    let logStarted = false;
    const result = await runTraining(problem, {
        backend: o.backend,
        ...(device ? { device } : {}),
        checkpointPath: where.checkpoint,
        checkpointEvery: Math.max(1, problem.training.checkpoint?.every ?? 10),
        resume: o.resume,
        onMessage: (line) => err(`nnp train: ${line}`),
        onEpoch: (record, resumed) => {
            logLines.push(JSON.stringify(record));
            if (resumed) return;
            // the first new epoch rewrites the log with exactly the checkpoint's epochs (a killed
            // run may have logged epochs after its last checkpoint), later ones append
            if (logStarted) appendFileSync(logPath, `${logLines.at(-1)}\n`);
            else writeFileAtomic(logPath, logLines.map((l) => `${l}\n`).join(''));
            logStarted = true;
            progress.update(record);
        },
    });
    progress.done();
    return result;
}

/** A progress bar on a terminal, plain lines (about 50 per run) otherwise. */
class Progress {
    private readonly tty = process.stderr.isTTY === true;
    private readonly every: number;
    private readonly start = performance.now();
    private first: number | undefined;
    private last = 0;

    constructor(private readonly epochs: number, private readonly err: (line: string) => void) {
        this.every = Math.max(1, Math.round(epochs / 50));
    }

    update(r: EpochRecord): void {
        this.first ??= r.epoch - 1;
        const done = r.epoch - this.first;
        const perEpoch = (performance.now() - this.start) / 1000 / Math.max(1, done);
        const eta = perEpoch * (this.epochs - r.epoch);
        const v = r.validation ? `  val E ${(1000 * r.validation.energyRmse).toFixed(2)} F ${(1000 * r.validation.forceRmse).toFixed(1)}` : '';
        const text = `epoch ${r.epoch}/${this.epochs}  loss ${r.train.loss.toExponential(3)}  E ${(1000 * r.train.energyRmse).toFixed(2)} meV/atom  F ${(1000 * r.train.forceRmse).toFixed(1)} meV/A${v}  lr ${r.lr.toExponential(2)}  ETA ${formatSeconds(eta)}`;
        if (this.tty) {
            const now = performance.now();
            if (now - this.last < 100 && r.epoch < this.epochs) return;
            this.last = now;
            const width = 24;
            const filled = Math.round((width * r.epoch) / this.epochs);
            process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
        } else if (r.epoch % this.every === 0 || r.epoch === 1 || r.epoch === this.epochs) {
            this.err(text);
        }
    }

    done(): void {
        if (this.tty) process.stderr.write('\n');
    }
}

function formatSeconds(s: number): string {
    if (!Number.isFinite(s)) return '?';
    if (s < 60) return `${s.toFixed(0)}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
    return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}
