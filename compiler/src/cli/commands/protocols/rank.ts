// The rank protocol: energies per atom of a list of structures (every structure of every file named
// by `structures "a" "b" …`), optionally relaxed first (`relax`: atoms and, for fully periodic
// structures, the cell, with the run's method/fmax/max_steps), ordered from the lowest, with the
// differences to the lowest in meV/atom — e.g. the stability order of polymorphs. Writes ranking.csv
// and the relaxed structures (relaxed.extxyz). A structure is named by its frame's `name` (extended
// XYZ info) when it has one, else by its file (and index in the file).
// With `compare other` (a reference potential or another model) every structure is evaluated (and,
// with `relax`, relaxed) by the other calculator too, and the two orders are scored over all pairs of
// structures: concordant pairs (same sign of E_a − E_b), Kendall's τ_b, whether both put the same
// structure lowest, and the mean absolute error of the relative energies ΔE = E − E(the other's
// lowest structure) in meV/atom.
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { writeExtxyz } from '../../../../../runtime/src/io/extxyz.js';
import { readStructures } from '../../../../../runtime/src/io/read-structures.js';
import { det3 } from '../../../../../runtime/src/math/mat3.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import { CliError } from '../../cli-error.js';
import { find, type Protocol, type ProtocolContext } from './context.js';
import type { Calculator } from '../../../../../runtime/src/md/run-md.js';
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
    readonly compare?: RankComparison;
}

/** The run's order scored against another calculator's (`compare other`). */
export interface RankComparison {
    readonly calculator: string;
    /** The other calculator's ranking of the same structures. */
    readonly ranking: readonly RankEntry[];
    readonly pairs: number;
    /** Pairs ordered the same way by both (a tie in either counts as not concordant). */
    readonly concordantPairs: number;
    /** Kendall's τ_b of the two energy lists: 1 the same order, −1 reversed. */
    readonly kendallTau: number;
    /** Both calculators put the same structure lowest. */
    readonly sameLowest: boolean;
    /** Mean and largest |ΔE_run − ΔE_other|, ΔE relative to the other's lowest structure, meV/atom. */
    readonly maeMevPerAtom: number;
    readonly maxErrorMevPerAtom: number;
}

type Candidate = { readonly name: string; readonly structure: Structure };
type Energies = Omit<RankEntry, 'deltaMevPerAtom'>;

/** Energies per atom (after relaxing, with `relax`) of every candidate, in the candidates' order. */
async function energies(ctx: ProtocolContext, calculator: Calculator, label: string, candidates: readonly Candidate[], relaxedFrames: string[]): Promise<Energies[]> {
    const relax = ctx.run.items.some((i) => i.type === 'Relax');
    const { minimize } = await import('../../../../../runtime/src/optimize/minimize.js');
    const settings = optimizeSettings(ctx);
    const entries: Energies[] = [];
    for (const { name, structure } of candidates) {
        let final = structure;
        let energy: number;
        let relaxed: RankEntry['relaxed'];
        if (relax) {
            const periodic = !!structure.cell && structure.pbc.every(Boolean);
            const r = await minimize(structure, calculator, { ...settings, relaxCell: periodic });
            if (!r.converged) ctx.err(`nnp run: '${ctx.run.name}': warning: ${label}: ${name} did not relax to fmax ${settings.fmax} eV/A in ${r.steps} steps (fmax ${r.fmaxEvPerA.toExponential(2)})`);
            ({ final } = r);
            energy = r.energyEv;
            relaxed = { converged: r.converged, steps: r.steps, fmaxEvPerA: r.fmaxEvPerA };
            relaxedFrames.push(writeExtxyz([{ ...final, info: { ...final.info, name, calculator: label } }]));
        } else {
            energy = (await calculator(structure)).energy;
        }
        const n = final.symbols.length;
        entries.push({
            name, atoms: n, energyPerAtomEv: energy / n,
            ...(final.cell && final.pbc.every(Boolean) ? { volumePerAtomA3: Math.abs(det3(final.cell)) / n } : {}),
            ...(relaxed ? { relaxed } : {}),
        });
        ctx.err(`${ctx.run.name}: ${label}: ${name}: ${(energy / n).toFixed(6)} eV/atom`);
    }
    return entries;
}

/** Sorted from the lowest, with the differences to the lowest in meV/atom. */
function ranked(entries: readonly Energies[]): RankEntry[] {
    const sorted = [...entries].sort((a, b) => a.energyPerAtomEv - b.energyPerAtomEv);
    const lowest = sorted[0]?.energyPerAtomEv ?? 0;
    return sorted.map((e) => ({ ...e, deltaMevPerAtom: 1000 * (e.energyPerAtomEv - lowest) }));
}

/**
 * Scores the order of `mine` against `theirs` (the same structures, the same order): over the
 * n(n−1)/2 pairs, concordant if sign(E_a − E_b) agrees and is not zero in either; Kendall's
 * τ_b = (C − D)/√((P − T_mine)(P − T_theirs)) with ties T counted per list (0 when either list is all
 * ties); errors of ΔE = E − E(their lowest structure) in meV/atom.
 */
export function compareRankings(mine: readonly number[], theirs: readonly number[]): Omit<RankComparison, 'calculator' | 'ranking'> {
    const n = mine.length;
    let concordant = 0;
    let discordant = 0;
    let tiesMine = 0;
    let tiesTheirs = 0;
    for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
            const s = Math.sign(mine[a]! - mine[b]!) * Math.sign(theirs[a]! - theirs[b]!);
            if (s > 0) concordant++;
            else if (s < 0) discordant++;
            if (mine[a] === mine[b]) tiesMine++;
            if (theirs[a] === theirs[b]) tiesTheirs++;
        }
    }
    const pairs = (n * (n - 1)) / 2;
    const norm = Math.sqrt((pairs - tiesMine) * (pairs - tiesTheirs));
    const argmin = (e: readonly number[]) => e.reduce((best, x, k) => (x < e[best]! ? k : best), 0);
    const ref = argmin(theirs);
    const errors = mine.map((e, k) => 1000 * Math.abs(e - mine[ref]! - (theirs[k]! - theirs[ref]!)));
    return {
        pairs, concordantPairs: concordant, kendallTau: norm > 0 ? (concordant - discordant) / norm : 0,
        sameLowest: n > 0 && argmin(mine) === ref,
        maeMevPerAtom: n > 0 ? errors.reduce((x, y) => x + y, 0) / n : 0,
        maxErrorMevPerAtom: Math.max(0, ...errors),
    };
}

export const rankProtocol: Protocol = {
    async run(ctx) {
        const paths = (find(ctx.run.items, 'StructureList')?.['paths'] as string[] | undefined) ?? [];
        const candidates: Candidate[] = [];
        for (const path of paths) {
            const all = readStructures(resolve(ctx.specDir, path));
            if (all.length === 0) throw new CliError(`nnp run: '${ctx.run.name}': ${path} holds no structure`);
            all.forEach((structure, k) => {
                const own = structure.info['name'];
                candidates.push({ name: typeof own === 'string' && own !== '' ? own : all.length > 1 ? `${path}[${k}]` : path, structure });
            });
        }
        const relax = ctx.run.items.some((i) => i.type === 'Relax');
        const relaxedFrames: string[] = [];
        const mine = await energies(ctx, ctx.calculator, ctx.run.calculator.name, candidates, relaxedFrames);
        const ranking = ranked(mine);
        const compared = find(ctx.run.items, 'Compare')?.['other'] as string | undefined;
        let compare: RankComparison | undefined;
        if (compared) {
            const theirs = await energies(ctx, (await ctx.calculatorNamed(compared)).calculator, compared, candidates, relaxedFrames);
            compare = {
                calculator: compared, ranking: ranked(theirs),
                ...compareRankings(mine.map((e) => e.energyPerAtomEv), theirs.map((e) => e.energyPerAtomEv)),
            };
        }
        // with compare: the other calculator's energy, ΔE relative to its lowest structure and its rank per row
        const other = new Map(compare?.ranking.map((e, k) => [e.name, { ...e, rank: k + 1 }]));
        const header = `rank,structure,atoms,energy_per_atom_eV,delta_meV_per_atom,volume_per_atom_A3${compared ? `,${compared}_rank,${compared}_energy_per_atom_eV,${compared}_delta_meV_per_atom` : ''}`;
        const rows = ranking.map((e, k) => {
            const o = other.get(e.name);
            return [k + 1, JSON.stringify(e.name), e.atoms, e.energyPerAtomEv, e.deltaMevPerAtom, e.volumePerAtomA3 ?? '', ...(o ? [o.rank, o.energyPerAtomEv, o.deltaMevPerAtom] : [])].join(',');
        });
        writeFileAtomic(join(ctx.outDir, 'ranking.csv'), `${header}\n${rows.join('\n')}\n`);
        if (relax) writeFileAtomic(join(ctx.outDir, 'relaxed.extxyz'), relaxedFrames.join(''));
        const summary: RankSummary = { protocol: 'rank', relaxed: relax, ranking, ...(compare ? { compare } : {}) };
        return summary;
    },
    describe(summary) {
        const s = summary as RankSummary;
        const order = s.ranking.map((e) => `${e.name} ${e.deltaMevPerAtom === 0 ? '0' : `+${e.deltaMevPerAtom.toFixed(1)}`} meV/atom`).join(' < ');
        const c = s.compare;
        return c ? `${order}; vs ${c.calculator}: ${c.concordantPairs}/${c.pairs} pairs in order, Kendall tau ${c.kendallTau.toFixed(3)}, ΔE MAE ${c.maeMevPerAtom.toFixed(1)} meV/atom` : order;
    },
};
