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
// With `compare other` (an analytic potential or another model), the true error as well: every
// structure is evaluated with the run's model (the committee mean for a committee) and with the other
// calculator, and scores.csv adds energy_error (eV/atom, model − reference), force_rmse (eV/Å, RMS over
// force components) and max_force_error (eV/Å, the largest |F_model,i − F_ref,i|), atoms.csv
// force_error (eV/Å, |F_model,i − F_ref,i|); the summary gives Spearman's rank correlation of the
// distance (ratio to the threshold, comparable across elements) with the error, per atom (ratio,
// force error) and per structure (largest ratio, force RMSE and |energy error|), and distance-error.svg
// plots each atom's force error against its ratio. Structures are grouped by an info key (`group by
// "key"`, default config_type when the file has it): a column of that name in both CSV files, and per
// group in the summary the fraction of atoms over the threshold and the errors.
// Credible intervals: a last-layer Laplace approximation fitted on the training split
// (runtime/src/uncertainty/laplace.ts) gives every structure a predictive standard deviation of its
// energy (scores.csv laplace_energy_std, eV/atom; the summary has the fitted α, β and γ); with
// `compare`, the summary also ranks the Laplace width and (for a committee) the committee's calibrated
// spread against the true errors (Spearman ρ). `select … by committee`: query by committee — the pool
// structures with the largest calibrated committee force spread, instead of the farthest in descriptor space.
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
import type { Calculation } from '../../../../../runtime/src/md/run-md.js';
import { spearman } from '../../../../../runtime/src/math/rank-correlation.js';
import { scatterChart } from '../../../../../runtime/src/report/svg-plot.js';

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
    /** The info key the structures are grouped by (a column of that name in scores.csv and atoms.csv), when grouped. */
    readonly groupBy?: string;
    /** Per group (value of the key; 'none' where a structure lacks it). */
    readonly groups?: Readonly<Record<string, GroupFigures>>;
    /** With `compare other`: the true errors against that calculator and how the distance ranks them. */
    readonly compare?: CompareFigures;
    /** The last-layer Laplace fit: prior and noise precisions, well-determined parameters γ of P, noise 1/√β (eV per structure). */
    readonly laplace?: { readonly alpha: number; readonly beta: number; readonly effectiveParameters: number; readonly parameters: number; readonly noiseEvPerStructure: number };
}

export interface GroupFigures {
    readonly structures: number;
    readonly atoms: number;
    readonly outOfDomain: number;
    readonly atomsOverThreshold: number;
    /** atomsOverThreshold / atoms */
    readonly flaggedAtomFraction: number;
    /** Median and largest per-atom ratio to the threshold. */
    readonly medianRatio: number;
    readonly maxRatio: number;
    /** With compare: RMS of the per-structure energy errors (meV/atom), RMS over force components (meV/Å), largest |ΔF_i| (meV/Å). */
    readonly energyRmse?: number;
    readonly forceRmse?: number;
    readonly maxForceError?: number;
}

export interface CompareFigures {
    readonly calculator: string;
    /** Over all structures: meV/atom, meV/Å (force components), meV/Å (largest |ΔF_i|). */
    readonly energyRmse: number;
    readonly forceRmse: number;
    readonly maxForceError: number;
    /**
     * Spearman's ρ: per atom (ratio vs |ΔF_i|), per structure (largest ratio vs force RMSE, vs |energy error|);
     * the Laplace energy std vs |energy error| per structure; with a committee its calibrated force spread vs
     * |ΔF_i| per atom and its largest per structure vs the largest |ΔF_i|.
     */
    readonly spearman: {
        readonly atoms: number; readonly structuresForces: number; readonly structuresEnergy: number;
        readonly laplaceEnergy?: number; readonly committeeAtoms?: number; readonly committeeStructures?: number;
    };
    readonly plot: 'distance-error.svg';
}

/** One structure's true error: eV/atom (signed), eV/Å (RMS over components), eV/Å per atom (|ΔF_i|). */
interface TrueError {
    readonly energy: number;
    readonly forceRmse: number;
    readonly atomForce: Float64Array;
}

const GROUP_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

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
        const vectorsOf = (list: readonly Structure[], file: string) => list.map((s, k) => {
            try {
                return domain.vectorsOf.of(s);
            } catch (e) {
                throw new CliError(`${who}: ${file} structure ${k + 1}: ${(e as Error).message}`);
            }
        });
        const vectors = vectorsOf(structures, path);
        const poolVectors = select ? vectorsOf(pool, select['pool'] as string) : [];
        if (kind === 'minimum' && ctx.device) {
            // on WebGPU: the exact minimum distances on the device (tiled over the training set), every
            // probe and pool atom of an element in one search, the training set's leave-one-out too
            const { gpuMinimumDistances } = await import('../../../../../runtime/src/gpu/min-distance.js');
            const gpu = ctx.device.ctx;
            const t0 = performance.now();
            await domain.precomputeMinimum((q, r, o) => gpuMinimumDistances(gpu, q, r, o), [...vectors, ...poolVectors]);
            ctx.err(`${ctx.run.name}: minimum distances on WebGPU in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        }
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

        // last-layer Laplace: the predictive std of each structure's energy, from the training split's fit
        const { fitLaplace, laplaceStd, lastLayerFeatures } = await import('../../../../../runtime/src/uncertainty/laplace.js');
        const { prepareModel } = await import('../../../../../runtime/src/reference/evaluate.js');
        const mapModel = prepareModel(rm.model, rm.params);
        const labelled = domain.trainingSet.filter((t) => t.energy !== undefined);
        const laplace = labelled.length > 0 ? fitLaplace(mapModel, labelled) : undefined;
        const laplaceOf = (s: Structure) => laplaceStd(laplace!, lastLayerFeatures(mapModel, s).features).std / s.symbols.length;

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

        // the true error: the model (committee mean) against `compare other`, both on every structure
        const compared = find(ctx.run.items, 'Compare')?.['other'] as string | undefined;
        if (compared === ctx.run.calculator.name) throw new CliError(`${who}: 'compare ${compared}' names the run's own model; compare it with a reference potential or another model`);
        const reference = compared ? (await ctx.calculatorNamed(compared)).calculator : undefined;
        const trueError = async (s: Structure, spread: CommitteePrediction | undefined): Promise<TrueError> => {
            const mine: Calculation | CommitteePrediction = spread ?? (await ctx.calculator(s));
            const ref = await reference!(s);
            const n = s.symbols.length;
            const atomForce = new Float64Array(n);
            let sq = 0;
            for (let i = 0; i < n; i++) {
                let a = 0;
                for (let c = 0; c < 3; c++) a += (mine.forces[3 * i + c]! - ref.forces[3 * i + c]!) ** 2;
                atomForce[i] = Math.sqrt(a);
                sq += a;
            }
            return { energy: (mine.energy - ref.energy) / n, forceRmse: Math.sqrt(sq / (3 * n)), atomForce };
        };
        // groups: `group by "key"`, else config_type when any structure has it
        const groupKey = (find(ctx.run.items, 'GroupBy')?.['key'] as string | undefined) ?? 'config_type';
        const grouped = find(ctx.run.items, 'GroupBy') !== undefined || structures.some((s) => s.info[groupKey] !== undefined);
        const groupOf = (s: Structure) => String(s.info[groupKey] ?? 'none').replace(/[,\r\n]/g, ' ');

        const scoreRows = [`index,atoms,max_distance,max_ratio,worst_atom,atoms_over_threshold,atoms_outside_range,out_of_domain${cal ? ',committee_energy_std,committee_max_force_std' : ''}${laplace ? ',laplace_energy_std' : ''}${reference ? ',energy_error,force_rmse,max_force_error' : ''}${grouped ? `,${groupKey}` : ''}`];
        const atomRows = [`structure,atom,element,distance,threshold,ratio,over_threshold,range_excess${cal ? ',committee_force_std' : ''}${reference ? ',force_error' : ''}${grouped ? `,${groupKey}` : ''}`];
        const outIdx: number[] = [];
        let outsideRange = 0;
        // per structure and per atom, for the groups and the rank correlations
        const rows: Array<{
            group: string; atoms: number; outOfDomain: boolean; over: number; maxRatio: number; ratios: number[]; error?: TrueError;
            laplace?: number; committeeForce?: number; committeeAtoms?: number[];
        }> = [];
        for (const [k, s] of structures.entries()) {
            const v = vectors[k]!;
            const d = domain.distances(kind, v);
            const verdict = judge(d, v.element, tau);
            const range = rangeExcess(v, rm.params.scaling);
            const outside = range.reduce((a, x) => a + (x > 0 ? 1 : 0), 0);
            if (outside > 0) outsideRange++;
            if (verdict.outOfDomain) outIdx.push(k);
            const spread = spreadOf?.(s);
            const extra = spread && cal ? [num((cal.energy * spread.energyStd) / s.symbols.length), num(cal.forces * Math.max(...spread.forceStd))] : [];
            const width = laplace ? laplaceOf(s) : undefined;
            if (width !== undefined) extra.push(num(width));
            const error = reference ? await trueError(s, spread) : undefined;
            const errorCols = error ? [num(error.energy), num(error.forceRmse), num(Math.max(...error.atomForce))] : [];
            const group = grouped ? [groupOf(s)] : [];
            scoreRows.push([k, s.symbols.length, num(verdict.maxDistance), num(verdict.maxRatio), verdict.worstAtom, verdict.over.length, outside, verdict.outOfDomain, ...extra, ...errorCols, ...group].join(','));
            const ratios: number[] = [];
            d.forEach((x, i) => {
                const e = v.element[i]!;
                const r = ratio(x, tau[e]!);
                ratios.push(r);
                atomRows.push([k, i, symbols[e], num(x), num(tau[e]!), num(r), r > 1, num(range[i]!), ...(spread && cal ? [num(cal.forces * spread.forceStd[i]!)] : []), ...(error ? [num(error.atomForce[i]!)] : []), ...group].join(','));
            });
            rows.push({
                group: groupOf(s), atoms: s.symbols.length, outOfDomain: verdict.outOfDomain, over: verdict.over.length, maxRatio: verdict.maxRatio, ratios, ...(error ? { error } : {}),
                ...(width !== undefined ? { laplace: width } : {}),
                ...(spread && cal ? { committeeForce: cal.forces * Math.max(...spread.forceStd), committeeAtoms: Array.from(spread.forceStd, (x) => cal.forces * x) } : {}),
            });
        }
        writeFileAtomic(join(ctx.outDir, 'scores.csv'), `${scoreRows.join('\n')}\n`);
        writeFileAtomic(join(ctx.outDir, 'atoms.csv'), `${atomRows.join('\n')}\n`);
        const names = [...new Set(rows.map((r) => r.group))];
        const groups = grouped ? Object.fromEntries(names.map((g) => [g, groupFigures(rows.filter((r) => r.group === g))])) : undefined;
        let compare: CompareFigures | undefined;
        if (reference) {
            const all = groupFigures(rows);
            const atomRatio = rows.flatMap((r) => r.ratios);
            const atomError = rows.flatMap((r) => Array.from(r.error!.atomForce));
            compare = {
                calculator: compared!, energyRmse: all.energyRmse!, forceRmse: all.forceRmse!, maxForceError: all.maxForceError!,
                spearman: {
                    atoms: spearman(atomRatio, atomError),
                    structuresForces: spearman(rows.map((r) => r.maxRatio), rows.map((r) => r.error!.forceRmse)),
                    structuresEnergy: spearman(rows.map((r) => r.maxRatio), rows.map((r) => Math.abs(r.error!.energy))),
                    // the credible-interval width and the committee spread against the true errors
                    ...(laplace ? { laplaceEnergy: spearman(rows.map((r) => r.laplace!), rows.map((r) => Math.abs(r.error!.energy))) } : {}),
                    ...(cal ? {
                        committeeAtoms: spearman(rows.flatMap((r) => r.committeeAtoms!), atomError),
                        committeeStructures: spearman(rows.map((r) => r.committeeForce!), rows.map((r) => Math.max(...r.error!.atomForce))),
                    } : {}),
                },
                plot: 'distance-error.svg',
            };
            // one dot per atom, by group; log–log: ratios and errors both span decades
            const series = (grouped ? names : ['all']).map((g, i) => {
                const of = rows.filter((r) => !grouped || r.group === g);
                return { name: g, color: GROUP_COLORS[i % GROUP_COLORS.length]!, x: of.flatMap((r) => r.ratios), y: of.flatMap((r) => Array.from(r.error!.atomForce)) };
            });
            const rho = compare.spearman.atoms;
            writeFileAtomic(join(ctx.outDir, 'distance-error.svg'), scatterChart(
                `${ctx.run.calculator.name} vs ${compared}: force error per atom (Spearman ρ = ${Number.isNaN(rho) ? '—' : rho.toFixed(2)})`,
                `${kind} distance / threshold`, `|F_${ctx.run.calculator.name} − F_${compared}| (eV/Å)`, series,
                { logX: true, logY: true, xLines: [{ x: 1, label: 'threshold' }] },
            ));
        }

        let selected: UncertaintySummary['select'];
        if (select) {
            const { selectFarthest } = await import('../../../../../runtime/src/uncertainty/selection.js');
            const byCommittee = select['by'] === 'committee';
            if (byCommittee && !(spreadOf && cal)) throw new CliError(`${who}: 'select … by committee' needs the model trained as a committee ('committee K' in its train block)`);
            // query by committee: the largest calibrated force spread of the committee's members, first on ties
            const picks = byCommittee
                ? pool.map((s, index) => ({ index, score: cal!.forces * Math.max(...spreadOf!(s).forceStd) }))
                    .sort((a, b) => b.score - a.score || a.index - b.index).slice(0, select['count'] as number)
                    .map(({ index, score }) => ({ index, score, trainingScore: Math.max(...domain.distances(kind, poolVectors[index]!).map((x, i) => ratio(x, tau[poolVectors[index]!.element[i]!]!))) }))
                : selectFarthest(domain, kind, poolVectors, tau, select['count'] as number);
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
            ...(groups ? { groupBy: groupKey, groups } : {}), ...(compare ? { compare } : {}),
            ...(committee ? { committee: { members: committee.members.length, calibration: { energy: committee.file.calibration.energy, forces: committee.file.calibration.forces } } } : {}),
            ...(laplace ? { laplace: { alpha: laplace.alpha, beta: laplace.beta, effectiveParameters: laplace.effectiveParameters, parameters: laplace.parameters, noiseEvPerStructure: 1 / Math.sqrt(laplace.beta) } } : {}),
        };
        return summary;
    },
    describe(summary) {
        const s = summary as UncertaintySummary;
        const th = s.thresholds.map((t) => `${t.element} ${Number(t.threshold.toPrecision(4))}`).join(', ');
        const sel = s.select ? `; ${s.select.picks.length} of ${s.select.poolStructures} pool structures selected to ${s.select.path}` : '';
        const groups = s.groups ? ` (atoms over the threshold: ${Object.entries(s.groups).map(([g, f]) => `${g} ${(100 * f.flaggedAtomFraction).toFixed(1)}%`).join(', ')})` : '';
        const c = s.compare;
        const cmp = c ? `; vs ${c.calculator}: force RMSE ${c.forceRmse.toFixed(1)} meV/A, energy RMSE ${c.energyRmse.toFixed(2)} meV/atom, Spearman ρ(distance, error) ${c.spearman.atoms.toFixed(2)} per atom, ${c.spearman.structuresForces.toFixed(2)} per structure` : '';
        return `${s.outOfDomain} of ${s.structures} structures out of domain by the ${s.distance} distance (threshold ${th}: ${s.percentile}th percentile of the training structures), ${s.outsideRange} outside the training range${groups}${sel}${cmp}`;
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

/** A group's flagged atoms and (with compare) its errors: meV/atom, meV/Å. */
function groupFigures(rows: ReadonlyArray<{ atoms: number; outOfDomain: boolean; over: number; ratios: number[]; error?: TrueError }>): GroupFigures {
    const atoms = rows.reduce((a, r) => a + r.atoms, 0);
    const over = rows.reduce((a, r) => a + r.over, 0);
    const ratios = rows.flatMap((r) => r.ratios).sort((a, b) => a - b);
    const median = ratios.length % 2 ? ratios[(ratios.length - 1) / 2]! : (ratios[ratios.length / 2 - 1]! + ratios[ratios.length / 2]!) / 2;
    const base = { structures: rows.length, atoms, outOfDomain: rows.filter((r) => r.outOfDomain).length, atomsOverThreshold: over, flaggedAtomFraction: over / atoms, medianRatio: median, maxRatio: ratios.at(-1)! };
    if (!rows.every((r) => r.error)) return base;
    // energy: RMS over structures of the per-atom error; forces: RMS over all components (3 per atom)
    const energyRmse = 1000 * Math.sqrt(rows.reduce((a, r) => a + r.error!.energy ** 2, 0) / rows.length);
    const forceRmse = 1000 * Math.sqrt(rows.reduce((a, r) => a + 3 * r.atoms * r.error!.forceRmse ** 2, 0) / (3 * atoms));
    const maxForceError = 1000 * Math.max(...rows.map((r) => Math.max(...r.error!.atomForce)));
    return { ...base, energyRmse, forceRmse, maxForceError };
}

/** A CSV number: shortest round-trip form. */
function num(x: number): string {
    return String(x);
}
