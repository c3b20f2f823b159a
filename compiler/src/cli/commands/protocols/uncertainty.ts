// The uncertainty protocol: how far the structures of `on "file"` lie from the model's training data in
// descriptor space (runtime/src/uncertainty/domain.ts), per atom and per structure, by the
// `distance mahalanobis` (default) or `distance minimum`, with the threshold of each element at the
// 99th percentile of the training structures' own largest atom distances; plus n2p2's range check.
// Writes scores.csv (per structure: largest distance, largest distance/threshold, atoms over the
// threshold, atoms outside the training range, out_of_domain) and atoms.csv (per atom). With
// `select N from "pool" to "file"`: the N pool structures farthest from the training data by greedy
// farthest-point selection (runtime/src/uncertainty/selection.ts: each pick counts as known for the
// next, so the picks differ from each other), written without energies or forces, ready to be labelled.
// When the model was trained as a committee (`committee K`), scores.csv and atoms.csv add the
// committee's calibrated spread (columns committee_*; the members evaluated in float64).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { readStructures, writeStructures } from '../../../../../runtime/src/io/read-structures.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import type { DistanceKind } from '../../../../../runtime/src/uncertainty/domain.js';
import type { PoolPick } from '../../../../../runtime/src/uncertainty/selection.js';
import { CliError } from '../../cli-error.js';
import { find, type Protocol } from './context.js';
import { runModel, trainingDomain } from './domain-source.js';
import { modelCommittee } from '../../load-model.js';
import type { CommitteePrediction } from '../../../../../runtime/src/uncertainty/committee.js';

/** The percentile of the training distances that sets the thresholds. */
export const UNCERTAINTY_PERCENTILE = 99;

export interface ElementThreshold {
    readonly element: string;
    readonly threshold: number;
    readonly trainingAtoms: number;
    /** Training structures with atoms of the element. */
    readonly trainingStructures: number;
    /** The training atoms' own distances (leave-one-out for the minimum distance). */
    readonly trainingDistances: { readonly median: number; readonly p99: number; readonly max: number };
    /** Mahalanobis: the Ledoit–Wolf shrinkage δ of the covariance. */
    readonly shrinkage?: number;
}

export interface UncertaintySummary {
    readonly protocol: 'uncertainty';
    readonly distance: DistanceKind;
    readonly percentile: number;
    readonly thresholds: readonly ElementThreshold[];
    readonly file: string;
    readonly structures: number;
    readonly outOfDomain: number;
    /** Structures with a descriptor outside the training range (n2p2's check). */
    readonly outsideRange: number;
    /** Indices (0-based) of the structures out of domain (the first 100). */
    readonly outOfDomainIndices: readonly number[];
    readonly scores: 'scores.csv';
    readonly atoms: 'atoms.csv';
    /** With a committee: scores.csv adds committee_energy_std (eV/atom) and committee_max_force_std (eV/Å), atoms.csv committee_force_std (eV/Å), all calibrated. */
    readonly committee?: { readonly members: number; readonly calibration: { readonly energy: number; readonly forces: number } };
    readonly select?: { readonly pool: string; readonly poolStructures: number; readonly path: string; readonly picks: readonly PoolPick[] };
}

export const uncertaintyProtocol: Protocol = {
    async run(ctx) {
        const who = `nnp run: '${ctx.run.name}'`;
        const kind = (find(ctx.run.items, 'Distance')?.['kind'] as string | undefined) ?? 'mahalanobis';
        if (kind !== 'mahalanobis' && kind !== 'minimum') {
            throw new CliError(`${who}: the ${kind} distance needs a committee (not available yet); use distance mahalanobis or minimum`);
        }
        const path = find(ctx.run.items, 'UncertaintyOn')?.['path'] as string;
        const structures = readFile(resolve(ctx.specDir, path), path, who);
        const select = find(ctx.run.items, 'Select');
        const pool = select ? readFile(resolve(ctx.specDir, select['pool'] as string), select['pool'] as string, who) : [];
        const rm = runModel(ctx, 'an uncertainty run');
        const domain = await trainingDomain(ctx, rm, 'an uncertainty run');
        const { judge, rangeExcess, ratio } = await import('../../../../../runtime/src/uncertainty/domain.js');
        const { percentile } = await import('../../../../../runtime/src/uncertainty/descriptor-distance.js');
        const p = UNCERTAINTY_PERCENTILE;
        const tau = domain.thresholds(kind, p);
        const symbols = domain.model.elements.map((e) => e.symbol);
        const thresholds: ElementThreshold[] = domain.elements.map((el, e) => {
            const d = domain.trainingDistances(kind, e);
            return {
                element: el.element, threshold: tau[e]!, trainingAtoms: el.vectors.count, trainingStructures: domain.structureMaxima(kind, e).length,
                trainingDistances: { median: percentile(d, 50), p99: percentile(d, 99), max: percentile(d, 100) },
                ...(kind === 'mahalanobis' ? { shrinkage: el.covariance.shrinkage } : {}),
            };
        });

        // with a committee: its calibrated spread per structure (energy per atom, largest per-atom force) and per atom
        const committee = modelCommittee(ctx.ir, rm.model, ctx.specDir, who);
        let spreadOf: ((s: Structure) => CommitteePrediction) | undefined;
        if (committee) {
            const { prepareModel, evaluatePrepared } = await import('../../../../../runtime/src/reference/evaluate.js');
            const { committeeStatistics } = await import('../../../../../runtime/src/uncertainty/committee.js');
            const prepared = committee.members.map((params) => prepareModel(rm.model, params));
            spreadOf = (s) => committeeStatistics(prepared.map((pm) => evaluatePrepared(pm, s)));
        }
        const cal = committee?.file.calibration;
        const scoreRows = [`index,atoms,max_distance,max_ratio,worst_atom,atoms_over_threshold,atoms_outside_range,out_of_domain${cal ? ',committee_energy_std,committee_max_force_std' : ''}`];
        const atomRows = [`structure,atom,element,distance,threshold,ratio,over_threshold,range_excess${cal ? ',committee_force_std' : ''}`];
        const outIdx: number[] = [];
        let outsideRange = 0;
        structures.forEach((s, k) => {
            let v;
            try {
                v = domain.vectorsOf.of(s);
            } catch (e) {
                throw new CliError(`${who}: ${path} structure ${k + 1}: ${(e as Error).message}`);
            }
            const d = domain.distances(kind, v);
            const verdict = judge(d, v.element, tau);
            const range = rangeExcess(v, rm.params.scaling);
            const outside = range.reduce((a, x) => a + (x > 0 ? 1 : 0), 0);
            if (outside > 0) outsideRange++;
            if (verdict.outOfDomain) outIdx.push(k);
            const spread = spreadOf?.(s);
            const extra = spread && cal ? [num((cal.energy * spread.energyStd) / s.symbols.length), num(cal.forces * Math.max(...spread.forceStd))] : [];
            scoreRows.push([k, s.symbols.length, num(verdict.maxDistance), num(verdict.maxRatio), verdict.worstAtom, verdict.over.length, outside, verdict.outOfDomain, ...extra].join(','));
            d.forEach((x, i) => {
                const e = v.element[i]!;
                const r = ratio(x, tau[e]!);
                atomRows.push([k, i, symbols[e], num(x), num(tau[e]!), num(r), r > 1, num(range[i]!), ...(spread && cal ? [num(cal.forces * spread.forceStd[i]!)] : [])].join(','));
            });
        });
        writeFileAtomic(join(ctx.outDir, 'scores.csv'), `${scoreRows.join('\n')}\n`);
        writeFileAtomic(join(ctx.outDir, 'atoms.csv'), `${atomRows.join('\n')}\n`);

        let selected: UncertaintySummary['select'];
        if (select) {
            const { selectFarthest } = await import('../../../../../runtime/src/uncertainty/selection.js');
            const poolVectors = pool.map((s, k) => {
                try {
                    return domain.vectorsOf.of(s);
                } catch (e) {
                    throw new CliError(`${who}: ${select['pool'] as string} structure ${k + 1}: ${(e as Error).message}`);
                }
            });
            const picks = selectFarthest(domain, kind, poolVectors, tau, select['count'] as number);
            const to = resolve(ctx.specDir, select['path'] as string);
            mkdirSync(dirname(to), { recursive: true });
            // energies, forces and stress left out: the file is to be labelled by the reference method
            const unlabelled = picks.map(({ index, score, trainingScore }) => {
                const { energy: _e, forces: _f, stress: _s, ...rest } = pool[index]!;
                return { ...rest, info: { ...rest.info, pool_index: index, selection_score: score, distance_ratio: trainingScore } } as Structure;
            });
            try {
                writeStructures(to, unlabelled);
            } catch (e) {
                throw new CliError(`${who}: cannot write ${select['path'] as string}: ${(e as Error).message}`);
            }
            selected = { pool: select['pool'] as string, poolStructures: pool.length, path: select['path'] as string, picks };
            ctx.err(`${ctx.run.name}: selected ${picks.length} of ${pool.length} pool structures → ${to}`);
        }
        const summary: UncertaintySummary = {
            protocol: 'uncertainty', distance: kind, percentile: p, thresholds, file: path,
            structures: structures.length, outOfDomain: outIdx.length, outsideRange, outOfDomainIndices: outIdx.slice(0, 100),
            scores: 'scores.csv', atoms: 'atoms.csv', ...(selected ? { select: selected } : {}),
            ...(committee ? { committee: { members: committee.members.length, calibration: { energy: committee.file.calibration.energy, forces: committee.file.calibration.forces } } } : {}),
        };
        return summary;
    },
    describe(summary) {
        const s = summary as UncertaintySummary;
        const th = s.thresholds.map((t) => `${t.element} ${Number(t.threshold.toPrecision(4))}`).join(', ');
        const sel = s.select ? `; ${s.select.picks.length} of ${s.select.poolStructures} pool structures selected to ${s.select.path}` : '';
        return `${s.outOfDomain} of ${s.structures} structures out of domain by the ${s.distance} distance (threshold ${th}: ${s.percentile}th percentile of the training structures), ${s.outsideRange} outside the training range${sel}`;
    },
};

function readFile(path: string, name: string, who: string): Structure[] {
    let all: Structure[];
    try {
        all = readStructures(path);
    } catch (e) {
        throw new CliError(`${who}: ${(e as Error).message}`);
    }
    if (all.length === 0) throw new CliError(`${who}: ${name} holds no structure`);
    return all;
}

/** A CSV number: shortest round-trip form. */
function num(x: number): string {
    return String(x);
}
