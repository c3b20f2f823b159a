// `nnp run <spec> [run-name] [--backend webgpu|reference]`: runs the spec's run blocks with a model
// (trained or imported weights; WebGPU or the float64 reference) or an analytic reference potential.
// Available protocols: md (nve, nvt langevin | nose_hoover) and optimize (fire). Each run writes its
// files and a summary.json under its output folder (`output "dir"`, default out/<run name>).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { PlainIR, RunIR, SpecIR } from '../../ir/model-ir.js';
import { elementBySymbol } from '../../../../language/src/elements.js';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import { readStructures } from '../../../../runtime/src/io/read-structures.js';
import type { Calculator } from '../../../../runtime/src/md/run-md.js';
import type { Structure } from '../../../../runtime/src/structure.js';
import { structuresOf } from '../../../../runtime/src/structures/source.js';
import { createEvaluator, type Backend } from '../backend.js';
import { CliError, ExitCode } from '../cli-error.js';
import { loadSpecIr, modelParameters } from '../load-model.js';

const AVAILABLE = ['md', 'optimize'];

export async function runCommand(spec: string, name: string | undefined, backend: Backend, out: (line: string) => void, err: (line: string) => void): Promise<number> {
    const ir = await loadSpecIr(spec, err, 'nnp run');
    if (ir.runs.length === 0) throw new CliError(`nnp run: ${spec} has no run blocks`);
    const selected = name ? ir.runs.filter((r) => r.name === name) : ir.runs;
    if (selected.length === 0) throw new CliError(`nnp run: no run named '${name}' in ${spec} (runs: ${ir.runs.map((r) => r.name).join(', ')})`);
    const specDir = dirname(resolve(spec));
    let status = 0;
    for (const run of selected) {
        if (!AVAILABLE.includes(run.protocol)) {
            err(`nnp run: '${run.name}': the ${run.protocol} protocol is not available in this version of nnp (available: ${AVAILABLE.join(', ')}; nothing was run)`);
            status = ExitCode.Unavailable;
            continue;
        }
        for (const guard of run.items.filter((i) => i.type === 'Guard')) {
            err(`nnp run: '${run.name}': warning: the ${String(guard['measure'])} guard is not available yet; the run goes on without it`);
        }
        const start = startStructure(run, specDir);
        const { calculator, masses, close } = await calculatorFor(ir, run, specDir, backend, start);
        const outDir = resolve(specDir, (find(run.items, 'OutputDir')?.['path'] as string | undefined) ?? join('out', run.name));
        mkdirSync(outDir, { recursive: true });
        try {
            const summary = run.protocol === 'md' ? await md(run, start, masses, calculator, specDir, err) : await optimize(run, start, calculator, outDir, err);
            writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify({ run: run.name, calculator: run.calculator, ...summary }, null, 2)}\n`);
            out(`${run.name}: ${describe(summary)}; summary ${join(outDir, 'summary.json')}`);
        } catch (e) {
            throw e instanceof CliError ? e : new CliError(`nnp run: '${run.name}': ${(e as Error).message}`);
        } finally {
            await close();
        }
    }
    return status;
}

const find = (items: readonly PlainIR[], type: string) => items.find((i) => i.type === type);

function startStructure(run: RunIR, specDir: string): Structure {
    const item = run.items.find((i) => i.type === 'CrystalStructure' || i.type === 'FileStructure');
    if (!item) throw new CliError(`nnp run: '${run.name}' names no structure (add 'crystal …' or 'from "file"')`);
    const s = structuresOf(item, (p) => readStructures(resolve(specDir, p)))[0];
    if (!s) throw new CliError(`nnp run: '${run.name}': ${String(item['path'])} holds no structure`);
    return s;
}

async function calculatorFor(ir: SpecIR, run: RunIR, specDir: string, backend: Backend, start: Structure): Promise<{ calculator: Calculator; masses: Float64Array; close: () => Promise<void> }> {
    if (run.calculator.kind === 'potential') {
        const potential = ir.potentials.find((p) => p.name === run.calculator.name)!;
        const { evaluatePotential } = await import('../../../../runtime/src/reference/potentials.js');
        const masses = Float64Array.from(start.symbols, (s) => elementBySymbol(s)?.mass ?? 1);
        return { calculator: async (s) => evaluatePotential(potential, s), masses, close: async () => {} };
    }
    const model = ir.models.find((m) => m.name === run.calculator.name)!;
    const params = modelParameters(ir, model, specDir, `nnp run: '${run.name}'`);
    const unknown = start.symbols.find((s) => !model.elements.some((e) => e.symbol === s));
    if (unknown) throw new CliError(`nnp run: '${run.name}': the structure has ${unknown}, which model '${model.name}' does not describe`);
    const { SkinNeighborList } = await import('../../../../runtime/src/neighbors/skin-list.js');
    const skin = new SkinNeighborList(model.maxCutoff, 1.0); // rebuilt when an atom moved more than 0.5 Å
    const evaluator = await createEvaluator({ model, params }, backend, (s) => skin.update(s));
    const mass = new Map(model.elements.map((e) => [e.symbol, e.mass]));
    return { calculator: (s) => evaluator.evaluate(s), masses: Float64Array.from(start.symbols, (s) => mass.get(s)!), close: () => evaluator.close() };
}

async function md(run: RunIR, start: Structure, masses: Float64Array, calculator: Calculator, specDir: string, err: (line: string) => void) {
    const { runMd } = await import('../../../../runtime/src/md/run-md.js');
    const output = (kind: string) => {
        const o = run.items.find((i) => i.type === 'OutputFile' && i['kind'] === kind);
        if (!o) return undefined;
        const path = resolve(specDir, o['path'] as string);
        mkdirSync(dirname(path), { recursive: true });
        return { path, every: Math.max(1, (o['every'] as number | undefined) ?? 1) };
    };
    const log = output('log');
    const trajectory = output('trajectory');
    let next = 0;
    const t0 = performance.now();
    return runMd({
        items: run.items, start, masses, calculator,
        ...(log ? { log } : {}), ...(trajectory ? { trajectory } : {}),
        onProgress: (step, steps, t) => {
            if (step < next && step < steps) return;
            next = step + Math.max(1, Math.round(steps / 20));
            const rate = step / ((performance.now() - t0) / 1000);
            err(`${run.name}: step ${step}/${steps}  T ${t.toFixed(1)} K  ${rate.toFixed(1)} steps/s  ETA ${((steps - step) / rate).toFixed(0)} s`);
        },
    });
}

async function optimize(run: RunIR, start: Structure, calculator: Calculator, outDir: string, err: (line: string) => void) {
    const method = (find(run.items, 'Method')?.['kind'] as string | undefined) ?? 'fire';
    if (method !== 'fire') throw new CliError(`nnp run: '${run.name}': method ${method} is not available yet (fire is)`);
    const { fire } = await import('../../../../runtime/src/md/fire.js');
    const { writeExtxyz } = await import('../../../../runtime/src/io/extxyz.js');
    const fmax = (find(run.items, 'Fmax')?.['value'] as number | undefined) ?? 0.05;
    const maxSteps = (find(run.items, 'MaxSteps')?.['value'] as number | undefined) ?? 1000;
    const frames: string[] = [];
    const result = await fire(start, calculator, fmax, maxSteps, (step, energy, f, s) => {
        frames.push(writeExtxyz([{ ...s, energy, info: { ...s.info, step, fmax: f } }]));
        if (step % 20 === 0) err(`${run.name}: step ${step}  E ${energy.toFixed(6)} eV  fmax ${f.toExponential(3)} eV/A`);
    });
    writeFileAtomic(join(outDir, 'trajectory.extxyz'), frames.join(''));
    writeFileAtomic(join(outDir, 'final.extxyz'), writeExtxyz([result.final]));
    const { final: _final, ...summary } = result;
    return summary;
}

function describe(summary: object): string {
    const s = summary as Record<string, unknown>;
    if (s['protocol'] === 'md') {
        return `${String(s['steps'])} steps (${String(s['ensemble'])}), ⟨T⟩ = ${(s['meanTemperatureK'] as number).toFixed(2)} K, drift ${(s['conservedDriftEvPerAtomPs'] as number).toExponential(2)} eV/atom/ps, ${(s['stepsPerSecond'] as number).toFixed(1)} steps/s`;
    }
    return `${s['converged'] ? 'converged' : 'NOT converged'} in ${String(s['steps'])} steps, E = ${(s['energyEv'] as number).toFixed(6)} eV, fmax ${(s['fmaxEvPerA'] as number).toExponential(2)} eV/A`;
}
