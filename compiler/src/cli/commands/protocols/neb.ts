// The neb protocol: a nudged elastic band (runtime/src/neb/neb.ts: improved tangent, optional
// climbing image, FIRE on the whole band) between `initial` and `final`, with `images` moving images.
// Writes profile.csv (image, reaction coordinate, energy, energy relative to the initial end),
// profile.svg (the images and a cubic interpolation with the slopes dE/ds = −F·τ̂), band.extxyz (the
// final band), saddle.extxyz (its highest image); `log "file"` (CSV per iteration) and
// `trajectory "file" every n` (the whole band every n iterations) on request. `relax_ends`: both ends
// are first relaxed with the run's calculator (ends.extxyz). `variable_cell`: a
// solid-state NEB whose images carry their cells (runtime/src/neb/neb.ts cellSpace); profile.csv then
// also lists each image's volume and cell lengths, and the reaction coordinate is measured in the
// generalized coordinates (atoms in the reference frame and J times the deformation gradient, Å).
// `guess "file"`: the band starts along a guessed path (several structures, e.g. a path run's
// path.extxyz: the grid's least-cost route), resampled at equal arc length, not along the straight line.
import { join, resolve } from 'node:path';
import { readStructures } from '../../../../../runtime/src/io/read-structures.js';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { det3 } from '../../../../../runtime/src/math/mat3.js';
import type { NebResult } from '../../../../../runtime/src/neb/neb.js';
import { lineChart } from '../../../../../runtime/src/report/svg-plot.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import { CliError } from '../../cli-error.js';
import { find, outputFile, setting, structureFile, type Protocol } from './context.js';

export interface NebSummary {
    readonly protocol: 'neb';
    /** Moving images (the band holds images + 2 structures). */
    readonly images: number;
    readonly converged: boolean;
    readonly iterations: number;
    readonly climbing: boolean;
    /** Solid-state NEB: the images' cells moved too. */
    readonly variableCell: boolean;
    readonly springEvPerA2: number;
    readonly barrierEv: number;
    readonly reverseBarrierEv: number;
    readonly reactionEnergyEv: number;
    /** Index in the band (0 = initial) of the highest image. */
    readonly saddleImage: number;
    readonly saddleEnergyEv: number;
    /** Length of the band (Å). */
    readonly pathLengthA: number;
    readonly fmaxEvPerA: number;
    /** `relax_ends`: both ends were relaxed with the run's calculator first (written to ends.extxyz). */
    readonly endsRelaxed: boolean;
}

export const nebProtocol: Protocol = {
    async run(ctx) {
        const { run } = ctx;
        const method = (find(run.items, 'Method')?.['kind'] as string | undefined) ?? 'fire';
        if (method !== 'fire') throw new CliError(`nnp run: '${run.name}': a band is relaxed with fire; method ${method} is not available for neb`);
        const ends = (kind: 'initial' | 'final'): Structure => {
            const item = run.items.find((i) => i.type === 'NebEnds' && i['kind'] === kind);
            if (!item) throw new CliError(`nnp run: '${run.name}': a neb run needs '${kind} "file"'`);
            return structureFile(ctx, item['path'] as string);
        };
        let initial = ends('initial');
        let final = ends('final');
        if (initial.symbols.length !== final.symbols.length || initial.symbols.some((s, i) => s !== final.symbols[i])) {
            throw new CliError(`nnp run: '${run.name}': the initial and final structures must hold the same atoms in the same order`);
        }
        const images = setting(run, 'Images', 'value', 5);
        const spring = setting(run, 'Spring', 'value', 0.1);
        const climbing = find(run.items, 'Climbing') !== undefined;
        const variableCell = find(run.items, 'VariableCell') !== undefined;
        const fmax = setting(run, 'Fmax', 'value', 0.05);
        const maxSteps = setting(run, 'MaxSteps', 'value', 1000);
        const log = outputFile(ctx, 'log');
        const trajectory = outputFile(ctx, 'trajectory');
        const { runNeb } = await import('../../../../../runtime/src/neb/neb.js');
        const endsRelaxed: { energyEv: number; fmax: number; steps: number }[] = [];
        if (find(run.items, 'RelaxEnds')) {
            // each calculator's band between its own minima: FIRE on the atoms (and, with
            // variable_cell, the cell to zero stress) to a tenth of the band's fmax, so that the ends'
            // residual error stays well below the band's
            const { minimizeFire } = await import('../../../../../runtime/src/optimize/fire.js');
            const { cellObjective, positionsObjective } = await import('../../../../../runtime/src/optimize/objective.js');
            const relax = async (s: Structure, kind: string) => {
                const objective = variableCell ? cellObjective(s, ctx.calculator) : positionsObjective(s, ctx.calculator);
                const r = await minimizeFire(objective, { fmax: fmax / 10, maxSteps: Math.max(maxSteps, 1000) });
                if (!r.converged) throw new CliError(`nnp run: '${run.name}': the ${kind} structure did not relax to fmax ${fmax / 10} eV/A in ${r.steps} steps`);
                ctx.err(`${run.name}: ${kind} relaxed in ${r.steps} steps, E = ${r.energyEv.toFixed(6)} eV`);
                endsRelaxed.push({ energyEv: r.energyEv, fmax: r.fmaxEvPerA, steps: r.steps });
                return { ...r.final, energy: undefined, forces: undefined, stress: undefined };
            };
            initial = await relax(initial, 'initial');
            final = await relax(final, 'final');
            writeFileAtomic(join(ctx.outDir, 'ends.extxyz'), (await import('../../../../../runtime/src/io/extxyz.js')).writeExtxyz([initial, final]));
        }
        const { writeExtxyz } = await import('../../../../../runtime/src/io/extxyz.js');
        const logLines = ['iteration,fmax_eV_per_A,highest_energy_eV,climbing'];
        const frames: string[] = [];
        // `guess "file"`: the band starts along a guessed path (e.g. a path run's path.extxyz) instead of the straight line
        const guessItem = find(run.items, 'BandGuess');
        let band: Structure[] | undefined;
        if (guessItem) {
            const { bandFromGuess } = await import('../../../../../runtime/src/neb/neb.js');
            const path = guessItem['path'] as string;
            try {
                band = bandFromGuess(readStructures(resolve(ctx.specDir, path)), initial, final, images + 2);
            } catch (e) {
                throw new CliError(`nnp run: '${run.name}': ${path}: ${(e as Error).message}`);
            }
        }
        const result = await runNeb(ctx.calculator, {
            initial, final, images, spring, climbing, variableCell, fmax, maxSteps, ...(band ? { band } : {}),
            onStep: (iteration, f, energies, climb, _positions, structures) => {
                const top = Math.max(...energies);
                if (log && iteration % log.every === 0) logLines.push(`${iteration},${f},${top},${climb ? 1 : 0}`);
                if (trajectory && iteration % trajectory.every === 0) {
                    frames.push(writeExtxyz(structures.map((s, image) => ({ ...s, energy: energies[image]!, forces: undefined, stress: undefined, info: { iteration, image } }))));
                }
                if (iteration % 50 === 0) ctx.err(`${run.name}: iteration ${iteration}  highest ${top.toFixed(6)} eV  fmax ${f.toExponential(3)} eV/A${climb ? '  (climbing)' : ''}`);
            },
        });
        if (log) writeFileAtomic(log.path, `${logLines.join('\n')}\n`);
        if (trajectory) writeFileAtomic(trajectory.path, frames.join(''));
        writeFileAtomic(join(ctx.outDir, 'profile.csv'), profileCsv(result, variableCell));
        writeFileAtomic(join(ctx.outDir, 'band.extxyz'), writeExtxyz(result.band));
        writeFileAtomic(join(ctx.outDir, 'saddle.extxyz'), writeExtxyz([result.band[result.saddleImage]!]));
        writeFileAtomic(join(ctx.outDir, 'profile.svg'), profileSvg(result, run.name));
        const summary: NebSummary = {
            protocol: 'neb', images: result.images, converged: result.converged, iterations: result.iterations, climbing: result.climbing, variableCell,
            springEvPerA2: spring, barrierEv: result.barrierEv, reverseBarrierEv: result.reverseBarrierEv, reactionEnergyEv: result.reactionEnergyEv,
            saddleImage: result.saddleImage, saddleEnergyEv: result.energies[result.saddleImage]!, pathLengthA: result.reactionCoordinate.at(-1)!,
            fmaxEvPerA: result.fmaxEvPerA, endsRelaxed: endsRelaxed.length > 0,
        };
        return summary;
    },
    describe(summary) {
        const s = summary as unknown as NebSummary;
        return `${s.converged ? 'converged' : 'NOT converged'} in ${s.iterations} iterations (${s.images} images${s.climbing ? ', climbing' : ''}), barrier ${s.barrierEv.toFixed(4)} eV (reverse ${s.reverseBarrierEv.toFixed(4)} eV) at image ${s.saddleImage}, ΔE = ${s.reactionEnergyEv.toFixed(4)} eV, fmax ${s.fmaxEvPerA.toExponential(2)} eV/A`;
    },
};

function profileCsv(r: NebResult, variableCell: boolean): string {
    // with a variable cell also each image's volume and cell-vector lengths |a|, |b|, |c| (Å³, Å)
    const lines = [`image,reaction_coordinate_A,energy_eV,relative_energy_eV${variableCell ? ',volume_A3,a_A,b_A,c_A' : ''}`];
    r.energies.forEach((e, i) => {
        let extra = '';
        const cell = r.band[i]!.cell;
        if (variableCell && cell) {
            const len = (row: number) => Math.hypot(cell[3 * row]!, cell[3 * row + 1]!, cell[3 * row + 2]!);
            extra = `,${Math.abs(det3(cell))},${len(0)},${len(1)},${len(2)}`;
        }
        lines.push(`${i},${r.reactionCoordinate[i]!},${e},${e - r.energies[0]!}${extra}`);
    });
    return `${lines.join('\n')}\n`;
}

/** Energy relative to the initial end against the reaction coordinate: a cubic Hermite curve through the images with their slopes, and the images. */
function profileSvg(r: NebResult, name: string): string {
    const s = r.reactionCoordinate;
    const E = r.energies.map((e) => e - r.energies[0]!);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i + 1 < E.length; i++) {
        const h = s[i + 1]! - s[i]!;
        for (let k = 0; k < 16; k++) {
            const t = k / 16;
            const h00 = 2 * t ** 3 - 3 * t ** 2 + 1;
            const h10 = t ** 3 - 2 * t ** 2 + t;
            const h01 = -2 * t ** 3 + 3 * t ** 2;
            const h11 = t ** 3 - t ** 2;
            xs.push(s[i]! + t * h);
            ys.push(h00 * E[i]! + h10 * h * r.slopes[i]! + h01 * E[i + 1]! + h11 * h * r.slopes[i + 1]!);
        }
    }
    xs.push(s.at(-1)!);
    ys.push(E.at(-1)!);
    const title = `${name}: barrier ${r.barrierEv.toPrecision(4)} eV at image ${r.saddleImage}${r.climbing ? ' (climbing)' : ''}`;
    return lineChart(title, 'reaction coordinate (Å)', 'E − E(initial) (eV)', [
        { name: 'interpolation', color: '#1f77b4', x: xs, y: ys },
        { name: 'images', color: '#d62728', x: s, y: E, line: false, dots: true },
    ], false);
}
