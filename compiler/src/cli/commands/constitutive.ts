// Continuum constitutive models in the CLI: `nnp train` fits every `constitutive` block (float64, CPU),
// `nnp run` runs `run stiffness <model> { compare <material> versus <models…> loop a loops n }`.
//
// Training writes <save> (default out/<name>.constitutive.json beside the spec): the networks, the
// input and stress scales, and the fit's errors; <stem>.losses.jsonl holds the loss per epoch (not .log.jsonl: that is an atomistic training log to `nnp report`).
// A stiffness run writes, under its output folder:
//   stiffness.csv   per model (and the material): tangent asymmetry ‖C − Cᵀ‖/‖C‖ at E = 0 and on each
//                   held-out state, C11, C12, C44 at E = 0 (GPa)
//   loops.csv       work ∮ S:dE per closed loop and model (GPa = GJ/m³), with ∮ |S:dE|
//   uniaxial.csv    S11 (GPa) along a uniaxial stretch F = diag(1 + t, 1, 1), t ∈ [−1.5, 1.5] × strain
//   uniaxial.svg, loop-work.svg, summary.json
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConstitutiveIR, MaterialIR, RunIR, SpecIR } from '../../ir/model-ir.js';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import { asymmetry, elasticConstants, loopWork, stressErrors, tangentStiffness, type StressFunction } from '../../../../runtime/src/constitutive/analysis.js';
import { linearElastic, neoHookeanStress, sampleStrainStates, splitStates, type StrainState } from '../../../../runtime/src/constitutive/neo-hookean.js';
import { fitConstitutive, modelFromFile, modelStress, modelToFile, type ConstitutiveFile, type ConstitutiveModel } from '../../../../runtime/src/constitutive/networks.js';
import { greenLagrange, toVoigt } from '../../../../runtime/src/constitutive/tensor.js';
import { normals } from '../../../../runtime/src/math/random.js';
import { lineChart } from '../../../../runtime/src/report/svg-plot.js';
import { CliError } from '../cli-error.js';

function materialOf(ir: SpecIR, name: string, where: string): MaterialIR {
    const m = ir.materials?.find((x) => x.name === name);
    if (!m) throw new CliError(`${where}: no material named '${name}'`);
    return m;
}

/** The strain states of a constitutive block's `fit`, split as its training used them. */
export function constitutiveData(ir: SpecIR, c: ConstitutiveIR): { train: StrainState[]; test: StrainState[] } {
    const material = materialOf(ir, c.data.material, `constitutive '${c.name}'`);
    return splitStates(sampleStrainStates(material, c.data.strain, c.data.states, c.data.seed), c.data.test, c.data.seed);
}

const weightsOf = (specDir: string, c: ConstitutiveIR) => resolve(specDir, c.save);

/** Fits the named constitutive models (all when `names` is undefined) and writes their weights. */
export function trainConstitutive(ir: SpecIR, specDir: string, names: readonly string[] | undefined, out: (line: string) => void, err: (line: string) => void, epochs?: number): number {
    const blocks = (ir.constitutive ?? []).filter((c) => !names || names.includes(c.name));
    for (const c of blocks) {
        const { train, test } = constitutiveData(ir, c);
        const o = c.optimizer.options;
        if (c.optimizer.kind !== 'adam') throw new CliError(`nnp train: constitutive '${c.name}': only 'optimizer adam' fits constitutive models`);
        const n = epochs ?? c.epochs;
        err(`nnp train: constitutive '${c.name}' (${c.kind}): ${train.length} strain states of '${c.data.material}', ${test.length} held out; ${n} epochs of Adam (lr ${o['lr']}), batch ${c.batch}, float64 CPU`);
        const t0 = performance.now();
        const log: string[] = [];
        const fit = fitConstitutive({ kind: c.kind, hidden: c.hidden, activation: c.activation }, train, {
            epochs: n, batch: c.batch, lr: o['lr']!, beta1: o['beta1']!, beta2: o['beta2']!, epsilon: o['epsilon']!, seed: c.seed,
            onEpoch: (epoch, loss) => {
                log.push(JSON.stringify({ epoch, loss }));
                if (epoch % Math.max(1, Math.round(n / 10)) === 0) err(`epoch ${epoch}/${n}  loss ${loss.toExponential(3)}`);
            },
        });
        const seconds = (performance.now() - t0) / 1000;
        const stress: StressFunction = (E) => modelStress(fit.model, E);
        const errors = { train: stressErrors(stress, train), test: stressErrors(stress, test) };
        const path = weightsOf(specDir, c);
        writeFileAtomic(path, `${JSON.stringify({ ...modelToFile(fit.model, c), fit: { epochs: n, seconds, errors } })}\n`);
        writeFileAtomic(path.replace(/(\.json)?$/i, '.losses.jsonl'), log.map((l) => `${l}\n`).join(''));
        out(`${c.name}: stress RMSE train ${(1000 * errors.train.rmse).toFixed(2)} MPa, test ${(1000 * errors.test.rmse).toFixed(2)} MPa (${(100 * errors.test.relative).toFixed(2)} % relative); ${n} epochs in ${seconds.toFixed(1)} s; weights ${path}`);
    }
    return 0;
}

function loadModel(ir: SpecIR, specDir: string, name: string, out: (line: string) => void, err: (line: string) => void): ConstitutiveModel {
    const c = ir.constitutive?.find((x) => x.name === name);
    if (!c) throw new CliError(`nnp run: no constitutive model named '${name}'`);
    const path = weightsOf(specDir, c);
    if (!existsSync(path)) {
        err(`nnp run: constitutive model '${name}' has no weights yet: fitting it first`);
        trainConstitutive(ir, specDir, [name], out, err);
    }
    return modelFromFile(JSON.parse(readFileSync(path, 'utf8')) as ConstitutiveFile);
}

/** A unit (Frobenius) symmetric tensor with Gaussian components. */
function randomDirection(n: () => number): Float64Array {
    const A = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = i; j < 3; j++) A[3 * i + j] = A[3 * j + i] = n();
    const norm = Math.hypot(...A);
    return A.map((v) => v / norm);
}

export interface StiffnessSummary {
    readonly protocol: 'stiffness';
    readonly material: MaterialIR & { readonly linear: { c11: number; c12: number; c44: number } };
    readonly loops: { readonly amplitude: number; readonly count: number };
    readonly models: Record<string, {
        readonly kind: string;
        /** ‖C − Cᵀ‖_F/‖C‖_F of the FD tangent at E = 0, and mean / max over the held-out states. */
        readonly asymmetryAtZero: number;
        readonly asymmetryMean: number;
        readonly asymmetryMax: number;
        /** Small-strain constants at E = 0, GPa. */
        readonly elastic: { c11: number; c12: number; c44: number };
        /** Largest |∮ S:dE| over the loops and the mean of |∮ S:dE| / ∮ |S:dE|, GPa and dimensionless. */
        readonly loopWorkMax: number;
        readonly loopWorkRelativeMean: number;
        readonly loopWorks: number[];
        /** Held-out stress errors (GPa, relative). */
        readonly test: { rmse: number; mae: number; relative: number; count: number };
    }>;
}

export function runStiffness(run: RunIR, ir: SpecIR, specDir: string, outDir: string, out: (line: string) => void, err: (line: string) => void): StiffnessSummary {
    const compare = run.items.find((i) => i.type === 'Compare')?.['other'] as string | undefined;
    if (!compare) throw new CliError(`nnp run: '${run.name}' needs 'compare <material>'`);
    const material = materialOf(ir, compare, `nnp run: '${run.name}'`);
    const names = [run.calculator.name, ...((run.items.find((i) => i.type === 'Versus')?.['others'] as string[] | undefined) ?? [])];
    const loopItem = run.items.find((i) => i.type === 'StrainLoop');
    const primary = ir.constitutive?.find((c) => c.name === run.calculator.name);
    const amplitude = (loopItem?.['amplitude'] as number | undefined) ?? (primary?.data.strain ?? 0.1) / 2;
    const count = (loopItem?.['count'] as number | undefined) ?? 20;
    const seed = (run.items.find((i) => i.type === 'Seed')?.['value'] as number | undefined) ?? 0;
    const n = normals(seed ^ 0x3c6ef372);
    const planes = Array.from({ length: count }, () => [randomDirection(n), randomDirection(n)] as const);
    const neo: StressFunction = (E) => toVoigt(neoHookeanStress(material, E));
    const zero = new Float64Array(9);
    const stiffRows = ['model,state,asymmetry,c11_GPa,c12_GPa,c44_GPa'];
    const loopRows = ['loop,model,work_GPa,abs_work_GPa'];
    const strainMax = 1.5 * (primary?.data.strain ?? 0.1);
    const ts = Array.from({ length: 61 }, (_, i) => -strainMax + (2 * strainMax * i) / 60);
    const uniaxialE = ts.map((t) => greenLagrange(Float64Array.of(1 + t, 0, 0, 0, 1, 0, 0, 0, 1)));
    const curves: { name: string; s11: number[] }[] = [{ name: `${material.name} (Neo-Hookean)`, s11: uniaxialE.map((E) => neo(E)[0]!) }];
    const cumulative: { name: string; y: Float64Array }[] = [];
    const models: StiffnessSummary['models'] = {};
    const c0 = elasticConstants(tangentStiffness(neo, zero));
    stiffRows.push(`${material.name},zero,${asymmetry(tangentStiffness(neo, zero)).toExponential(3)},${c0.c11},${c0.c12},${c0.c44}`);
    for (const name of names) {
        const c = ir.constitutive!.find((x) => x.name === name)!;
        const model = loadModel(ir, specDir, name, out, err);
        const stress: StressFunction = (E) => modelStress(model, E);
        const { test } = constitutiveData(ir, c);
        const C0 = tangentStiffness(stress, zero);
        const elastic = elasticConstants(C0);
        stiffRows.push(`${name},zero,${asymmetry(C0).toExponential(3)},${elastic.c11},${elastic.c12},${elastic.c44}`);
        const asym = test.map((s, k) => {
            const a = asymmetry(tangentStiffness(stress, s.strain));
            stiffRows.push(`${name},${k},${a.toExponential(3)},,,`);
            return a;
        });
        const loops = planes.map(([A, B], k) => {
            const w = loopWork(stress, A, B, amplitude);
            loopRows.push(`${k},${name},${w.work.toExponential(6)},${w.absolute.toExponential(6)}`);
            if (k === 0) cumulative.push({ name: `${name} (${model.kind})`, y: w.cumulative });
            return w;
        });
        curves.push({ name: `${name} (${model.kind})`, s11: uniaxialE.map((E) => stress(E)[0]!) });
        models[name] = {
            kind: model.kind,
            asymmetryAtZero: asymmetry(C0),
            asymmetryMean: asym.reduce((a, v) => a + v, 0) / asym.length,
            asymmetryMax: Math.max(...asym),
            elastic,
            loopWorkMax: Math.max(...loops.map((w) => Math.abs(w.work))),
            loopWorkRelativeMean: loops.reduce((a, w) => a + Math.abs(w.work) / w.absolute, 0) / loops.length,
            loopWorks: loops.map((w) => w.work),
            test: stressErrors(stress, test),
        };
    }
    writeFileAtomic(join(outDir, 'stiffness.csv'), `${stiffRows.join('\n')}\n`);
    writeFileAtomic(join(outDir, 'loops.csv'), `${loopRows.join('\n')}\n`);
    writeFileAtomic(join(outDir, 'uniaxial.csv'), `${['t,E11', ...curves.map((c) => c.name.split(' ')[0]!)].join(',')}\n${ts.map((t, i) => [t, uniaxialE[i]![0], ...curves.map((c) => c.s11[i])].join(',')).join('\n')}\n`);
    const colors = ['#222222', '#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
    writeFileAtomic(join(outDir, 'uniaxial.svg'), lineChart('Uniaxial stretch F = diag(1+t, 1, 1)', 'E11 (Green–Lagrange)', 'S11 (GPa, 2nd Piola–Kirchhoff)',
        curves.map((c, k) => ({ name: c.name, color: colors[k % colors.length]!, x: uniaxialE.map((E) => E[0]!), y: c.s11 })), false));
    const theta = Array.from({ length: cumulative[0]?.y.length ?? 0 }, (_, i) => (360 * i) / ((cumulative[0]?.y.length ?? 1) - 1));
    writeFileAtomic(join(outDir, 'loop-work.svg'), lineChart(`Work ∫ S:dE around a closed strain loop (amplitude ${amplitude})`, 'loop angle θ (degrees)', 'cumulative work (GPa = GJ/m³)',
        cumulative.map((c, k) => ({ name: c.name, color: colors[(k + 1) % colors.length]!, x: theta, y: Array.from(c.y) })), false));
    return { protocol: 'stiffness', material: { ...material, linear: linearElastic(material) }, loops: { amplitude, count }, models };
}


export function describeStiffness(s: StiffnessSummary): string {
    return Object.entries(s.models).map(([name, m]) =>
        `${name} (${m.kind}): tangent asymmetry ${m.asymmetryMean.toExponential(2)}, max |∮S:dE| ${m.loopWorkMax.toExponential(2)} GPa, test RMSE ${(1000 * m.test.rmse).toFixed(2)} MPa`).join('; ');
}
