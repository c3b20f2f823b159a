// The rank protocol: energies per atom of a list of structures (every structure of every file named
// by `structures "a" "b" …`), optionally relaxed first (`relax`: atoms and, for fully periodic
// structures, the cell, with the run's method/fmax/max_steps), ordered from the lowest, with the
// differences to the lowest in meV/atom — e.g. the stability order of polymorphs. Writes ranking.csv
// and the relaxed structures (relaxed.extxyz).
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { writeExtxyz } from '../../../../../runtime/src/io/extxyz.js';
import { readStructures } from '../../../../../runtime/src/io/read-structures.js';
import { det3 } from '../../../../../runtime/src/math/mat3.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import { CliError } from '../../cli-error.js';
import { find, type Protocol } from './context.js';
import { optimizeSettings } from './optimize.js';

export interface RankEntry {
    readonly name: string;
    readonly atoms: number;
    readonly energyPerAtomEv: number;
    /** Relative to the lowest, meV/atom. */
    readonly deltaMevPerAtom: number;
    readonly volumePerAtomA3?: number;
    readonly relaxed?: { readonly converged: boolean; readonly steps: number; readonly fmaxEvPerA: number };
}

export interface RankSummary {
    readonly protocol: 'rank';
    readonly relaxed: boolean;
    readonly ranking: readonly RankEntry[];
}

export const rankProtocol: Protocol = {
    async run(ctx) {
        const paths = (find(ctx.run.items, 'StructureList')?.['paths'] as string[] | undefined) ?? [];
        const candidates: { name: string; structure: Structure }[] = [];
        for (const path of paths) {
            const all = readStructures(resolve(ctx.specDir, path));
            if (all.length === 0) throw new CliError(`nnp run: '${ctx.run.name}': ${path} holds no structure`);
            all.forEach((structure, k) => candidates.push({ name: all.length > 1 ? `${path}[${k}]` : path, structure }));
        }
        const relax = ctx.run.items.some((i) => i.type === 'Relax');
        const { minimize } = await import('../../../../../runtime/src/optimize/minimize.js');
        const settings = optimizeSettings(ctx);
        const entries: Omit<RankEntry, 'deltaMevPerAtom'>[] = [];
        const relaxedFrames: string[] = [];
        for (const { name, structure } of candidates) {
            let final = structure;
            let energy: number;
            let relaxed: RankEntry['relaxed'];
            if (relax) {
                const periodic = !!structure.cell && structure.pbc.every(Boolean);
                const r = await minimize(structure, ctx.calculator, { ...settings, relaxCell: periodic });
                if (!r.converged) ctx.err(`nnp run: '${ctx.run.name}': warning: ${name} did not relax to fmax ${settings.fmax} eV/A in ${r.steps} steps (fmax ${r.fmaxEvPerA.toExponential(2)})`);
                ({ final } = r);
                energy = r.energyEv;
                relaxed = { converged: r.converged, steps: r.steps, fmaxEvPerA: r.fmaxEvPerA };
                relaxedFrames.push(writeExtxyz([{ ...final, info: { ...final.info, name } }]));
            } else {
                energy = (await ctx.calculator(structure)).energy;
            }
            const n = final.symbols.length;
            entries.push({
                name, atoms: n, energyPerAtomEv: energy / n,
                ...(final.cell && final.pbc.every(Boolean) ? { volumePerAtomA3: Math.abs(det3(final.cell)) / n } : {}),
                ...(relaxed ? { relaxed } : {}),
            });
            ctx.err(`${ctx.run.name}: ${name}: ${(energy / n).toFixed(6)} eV/atom`);
        }
        entries.sort((a, b) => a.energyPerAtomEv - b.energyPerAtomEv);
        const lowest = entries[0]?.energyPerAtomEv ?? 0;
        const ranking = entries.map((e) => ({ ...e, deltaMevPerAtom: 1000 * (e.energyPerAtomEv - lowest) }));
        const rows = ranking.map((e, k) => [k + 1, JSON.stringify(e.name), e.atoms, e.energyPerAtomEv, e.deltaMevPerAtom, e.volumePerAtomA3 ?? ''].join(','));
        writeFileAtomic(join(ctx.outDir, 'ranking.csv'), `rank,structure,atoms,energy_per_atom_eV,delta_meV_per_atom,volume_per_atom_A3\n${rows.join('\n')}\n`);
        if (relax) writeFileAtomic(join(ctx.outDir, 'relaxed.extxyz'), relaxedFrames.join(''));
        const summary: RankSummary = { protocol: 'rank', relaxed: relax, ranking };
        return summary;
    },
    describe(summary) {
        const s = summary as RankSummary;
        return s.ranking.map((e) => `${e.name} ${e.deltaMevPerAtom === 0 ? '0' : `+${e.deltaMevPerAtom.toFixed(1)}`} meV/atom`).join(' < ');
    },
};
