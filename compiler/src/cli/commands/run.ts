// `nnp run <spec> [run-name] [--backend webgpu|reference] [--resume]`: runs the spec's run blocks with a model
// (trained or imported weights) or an analytic reference potential (its generated kernels), on WebGPU
// or with the float64 reference.
// Each protocol lives in protocols/; each run writes its files and a summary.json under its output
// folder (`output "dir"`, default out/<run name>). A model with a train block but no weights yet is
// trained first (as `nnp train --resume` would: an interrupted training continues), so that one
// `nnp run spec.nnp` takes a spec from its data to its results.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SpecIR } from '../../ir/model-ir.js';
import { elementBySymbol } from '../../../../language/src/elements.js';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import type { Structure } from '../../../../runtime/src/structure.js';
import { createEvaluator, createPotentialEvaluator, type Backend } from '../backend.js';
import { CliError, ExitCode } from '../cli-error.js';
import { loadSpecIr, modelParameters, weightsPath } from '../load-model.js';
import { find, type LoadedCalculator } from './protocols/context.js';
import { PROTOCOLS } from './protocols/index.js';

export async function runCommand(spec: string, name: string | undefined, backend: Backend, out: (line: string) => void, err: (line: string) => void, resume = false): Promise<number> {
    const ir = await loadSpecIr(spec, err, 'nnp run');
    // two-state `scan` blocks run after the run blocks (two-state.ts)
    const scans = (ir.twoState?.scans ?? []).filter((s) => !name || s.name === name);
    if (ir.runs.length === 0 && scans.length === 0) throw new CliError(`nnp run: ${spec} has no run blocks`);
    const selected = name ? ir.runs.filter((r) => r.name === name) : ir.runs;
    if (selected.length === 0 && scans.length === 0) throw new CliError(`nnp run: no run named '${name}' in ${spec} (runs: ${ir.runs.map((r) => r.name).join(', ')})`);
    const specDir = dirname(resolve(spec));
    const trainIfNeeded = async (calc: string, runName: string) => {
        const model = ir.models.find((m) => m.name === calc);
        const training = ir.trainings.find((t) => t.model === calc);
        if (!model || !training || weightsPath(ir, model, specDir)) return;
        err(`nnp run: '${runName}': model '${calc}' has no weights yet: training it first (train ${calc} on ${training.datasets.join(', ')})`);
        const { trainCommand } = await import('./train.js');
        await trainCommand({ spec, resume: true, backend, model: calc }, out, err);
    };
    let status = 0;
    for (const run of selected) {
        if (run.calculator.kind === 'constitutive') {
            // a continuum constitutive model: no atoms and no calculator; fitted first if it has no weights
            const { runStiffness, describeStiffness } = await import('./constitutive.js');
            const outDir = resolve(specDir, (find(run.items, 'OutputDir')?.['path'] as string | undefined) ?? join('out', run.name));
            mkdirSync(outDir, { recursive: true });
            const summary = runStiffness(run, ir, specDir, outDir, out, err);
            writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify({ run: run.name, calculator: run.calculator, ...summary }, null, 2)}\n`);
            out(`${run.name}: ${describeStiffness(summary)}; summary ${join(outDir, 'summary.json')}`);
            continue;
        }
        const protocol = PROTOCOLS[run.protocol];
        if (!protocol) {
            err(`nnp run: '${run.name}': the ${run.protocol} protocol is not available in this version of nnp (available: ${Object.keys(PROTOCOLS).join(', ')}; nothing was run)`);
            status = ExitCode.Unavailable;
            continue;
        }
        const opened: LoadedCalculator[] = [];
        const calculatorNamed = async (calc: string) => {
            await trainIfNeeded(calc, run.name);
            const loaded = await loadCalculator(ir, calc, run.name, specDir, backend);
            opened.push(loaded);
            return loaded;
        };
        const outDir = resolve(specDir, (find(run.items, 'OutputDir')?.['path'] as string | undefined) ?? join('out', run.name));
        mkdirSync(outDir, { recursive: true });
        try {
            const main = await calculatorNamed(run.calculator.name);
            const summary = await protocol.run({ run, ir, specDir, outDir, calculator: main.calculator, ...(main.device ? { device: main.device } : {}), massesOf: main.massesOf, calculatorNamed, err, resume });
            writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify({ run: run.name, calculator: run.calculator, ...summary }, null, 2)}\n`);
            out(`${run.name}: ${protocol.describe(summary)}; summary ${join(outDir, 'summary.json')}`);
        } catch (e) {
            throw e instanceof CliError ? e : new CliError(`nnp run: '${run.name}': ${(e as Error).message}`);
        } finally {
            for (const c of opened) await c.close();
        }
    }
    if (scans.length > 0) {
        const { runTwoStateScan } = await import('./two-state.js');
        for (const scan of scans) runTwoStateScan(ir, scan, specDir, out, err);
    }
    return status;
}

/** A model (trained or imported weights) or an analytic potential of the spec, as a calculator. */
async function loadCalculator(ir: SpecIR, name: string, runName: string, specDir: string, backend: Backend): Promise<LoadedCalculator> {
    const potential = ir.potentials.find((p) => p.name === name);
    if (potential) {
        // WebGPU: the potential's generated kernels with a skin list like a model's (made on first
        // use, at the radius the evaluator asks for; one-body potentials never ask); reference: float64
        const { SkinNeighborList } = await import('../../../../runtime/src/neighbors/skin-list.js');
        let skin: InstanceType<typeof SkinNeighborList> | undefined;
        const evaluator = await createPotentialEvaluator(potential, backend, (s, cutoff) => (skin ??= new SkinNeighborList(cutoff, 1.0)).update(s));
        return {
            calculator: (s) => evaluator.evaluate(s),
            ...(evaluator.device ? { device: evaluator.device } : {}),
            massesOf: (symbols) => Float64Array.from(symbols, (s) => elementBySymbol(s)?.mass ?? 1),
            close: () => evaluator.close(),
        };
    }
    const model = ir.models.find((m) => m.name === name);
    if (!model) throw new CliError(`nnp run: '${runName}': no model or potential named '${name}'`);
    const params = modelParameters(ir, model, specDir, `nnp run: '${runName}'`);
    const { SkinNeighborList } = await import('../../../../runtime/src/neighbors/skin-list.js');
    const skin = new SkinNeighborList(model.maxCutoff, 1.0); // rebuilt when an atom moved more than 0.5 Å
    const evaluator = await createEvaluator({ model, params }, backend, (s) => skin.update(s));
    const mass = new Map(model.elements.map((e) => [e.symbol, e.mass]));
    const check = (s: Structure) => {
        const unknown = s.symbols.find((x) => !mass.has(x));
        if (unknown) throw new CliError(`nnp run: '${runName}': the structure has ${unknown}, which model '${model.name}' does not describe`);
    };
    return {
        calculator: (s) => {
            check(s);
            return evaluator.evaluate(s);
        },
        massesOf: (symbols) => Float64Array.from(symbols, (s) => mass.get(s) ?? Number.NaN),
        ...(evaluator.device ? { device: evaluator.device } : {}),
        close: () => evaluator.close(),
    };
}
