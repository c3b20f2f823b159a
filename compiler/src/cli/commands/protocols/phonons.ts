// The phonons protocol: the Hessian of a (super)cell, its normal modes (THz and cm⁻¹; those of the
// q-points commensurate with the supercell), the VDOS by Gaussian smearing (`vdos bins N smearing s
// max f`), and with `compare other` the other calculator's modes and VDOS on the same structure, their
// overlap and both curves on one plot. Writes frequencies.csv, vdos.csv, vdos.svg (vdos-output.ts).
// The Hessian of an analytic reference potential is its analytic one (second-order forward mode, no
// force evaluations) unless the run block gives a `displacement`; with `displacement`, and always
// for models, it is central differences of the forces (displacement default 0.01 Å). The rule applies
// to the compared calculator as well.
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import type { Calculator } from '../../../../../runtime/src/md/run-md.js';
import { finiteDifferenceHessian } from '../../../../../runtime/src/optimize/hessian.js';
import { positionsObjective } from '../../../../../runtime/src/optimize/objective.js';
import { CM1_PER_THZ, normalModes } from '../../../../../runtime/src/phonons/modes.js';
import { modesVdos } from '../../../../../runtime/src/phonons/vdos.js';
import { potentialHessian } from '../../../../../runtime/src/reference/potentials.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import { supercell } from '../../../../../runtime/src/structures/supercell.js';
import { CliError } from '../../cli-error.js';
import { find, setting, startStructure, type Protocol, type ProtocolContext } from './context.js';
import { analyticPotential } from './hessian-source.js';
import { vdosGrid, vdosSettings, writeVdos } from './vdos-output.js';

export interface PhononSummary {
    readonly protocol: 'phonons';
    readonly atoms: number;
    readonly modes: number;
    readonly maxFrequencyThz: number;
    readonly maxFrequencyCm1: number;
    /** Largest |f| of the three lowest modes: the acoustic modes at Γ, ideally 0. */
    readonly acousticMaxAbsThz: number;
    readonly imaginaryModes: number;
    /** How the run's calculator's Hessian was obtained. */
    readonly hessian: 'analytic' | 'finite_difference';
    readonly compare?: { readonly calculator: string; readonly maxFrequencyThz: number; readonly vdosOverlap: number };
}

export const phononsProtocol: Protocol = {
    async run(ctx) {
        const structure = phononStructure(ctx);
        const masses = ctx.massesOf(structure.symbols);
        // an analytic potential's own Hessian, unless the run asks for a displacement
        const analyticOf = (name: string) => (find(ctx.run.items, 'Displacement') ? undefined : analyticPotential(ctx, name));
        const h = setting(ctx.run, 'Displacement', 'value', 0.01);
        const settings = vdosSettings(ctx);
        const smearing = settings?.smearingThz ?? 0.2;
        const modes = async (calculator: Calculator, label: string) => {
            const potential = analyticOf(label);
            if (potential) {
                ctx.err(`${ctx.run.name}: ${label} analytic Hessian`);
                return normalModes(potentialHessian(potential, structure), masses).frequenciesThz;
            }
            let reported = 0;
            const H = await finiteDifferenceHessian(positionsObjective(structure, calculator), Float64Array.from(structure.positions), h, (k, n) => {
                if (k === n || k >= reported + n / 10) {
                    reported = k;
                    ctx.err(`${ctx.run.name}: ${label} Hessian column ${k}/${n}`);
                }
            });
            return normalModes(H, masses).frequenciesThz;
        };
        const freqs = await modes(ctx.calculator, ctx.run.calculator.name);
        const compared = find(ctx.run.items, 'Compare')?.['other'] as string | undefined;
        const other = compared ? await modes((await ctx.calculatorNamed(compared)).calculator, compared) : undefined;
        const top = Math.max(...freqs, ...(other ?? []));
        const grid = vdosGrid(settings, top);
        const vdos = modesVdos(freqs, smearing, grid);
        const otherVdos = other && modesVdos(other, smearing, grid);
        writeFileAtomic(join(ctx.outDir, 'frequencies.csv'), frequencyTable(freqs, other, compared));
        const overlap = writeVdos(ctx, `VDOS of the normal modes, ${structure.symbols.length} atoms (smearing ${smearing} THz)`, [
            { name: ctx.run.calculator.name, vdos },
            ...(otherVdos ? [{ name: compared!, vdos: otherVdos }] : []),
        ]);

        const summary: PhononSummary = {
            protocol: 'phonons', atoms: structure.symbols.length, modes: freqs.length,
            hessian: analyticOf(ctx.run.calculator.name) ? 'analytic' : 'finite_difference',
            ...extremes(freqs),
            ...(other ? { compare: { calculator: compared!, maxFrequencyThz: Math.max(...other), vdosOverlap: overlap! } } : {}),
        };
        return summary;
    },
    describe(summary) {
        const s = summary as PhononSummary;
        const c = s.compare ? `; vs ${s.compare.calculator}: max ${s.compare.maxFrequencyThz.toFixed(3)} THz, VDOS overlap ${s.compare.vdosOverlap.toFixed(3)}` : '';
        return `${s.modes} modes, max ${s.maxFrequencyThz.toFixed(3)} THz (${s.maxFrequencyCm1.toFixed(1)} cm-1), acoustic |f| ≤ ${s.acousticMaxAbsThz.toExponential(1)} THz, ${s.imaginaryModes} imaginary${c}`;
    },
};

/** The run's structure, repeated by its `supercell n n n` (a crystal's own supercell is already applied). */
function phononStructure(ctx: ProtocolContext): Structure {
    const start = startStructure(ctx);
    const n = find(ctx.run.items, 'Supercell')?.['n'] as [number, number, number] | undefined;
    if (!n) return start;
    if (!start.cell || !start.pbc.every(Boolean)) throw new CliError(`nnp run: '${ctx.run.name}': supercell needs a structure periodic in all three directions`);
    return supercell(start, n);
}

function extremes(freqs: Float64Array) {
    const abs = Array.from(freqs, Math.abs).sort((a, b) => a - b);
    const max = Math.max(...freqs);
    return {
        maxFrequencyThz: max,
        maxFrequencyCm1: max * CM1_PER_THZ,
        acousticMaxAbsThz: abs[Math.min(2, abs.length - 1)] ?? 0,
        // beyond the three acoustic modes' numerical noise
        imaginaryModes: Array.from(freqs).filter((f) => f < -Math.max(0.05, abs[2] ?? 0)).length,
    };
}

function frequencyTable(freqs: Float64Array, other: Float64Array | undefined, otherName: string | undefined): string {
    const head = `mode,frequency_THz,frequency_cm-1${other ? `,${otherName}_THz,${otherName}_cm-1` : ''}\n`;
    return head + Array.from(freqs, (f, k) => `${k},${f},${f * CM1_PER_THZ}${other ? `,${other[k]},${other[k]! * CM1_PER_THZ}` : ''}`).join('\n') + '\n';
}
