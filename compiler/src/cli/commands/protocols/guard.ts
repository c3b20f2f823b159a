// `guard mahalanobis | minimum | range | committee [percentile P | <threshold>] [warn | stop]` in an md
// run: the descriptor-distance guard or the committee guard (runtime/src/uncertainty/guard.ts) as
// run-md.ts's MdGuard. `guard committee` needs a model trained with `committee K`: it evaluates every
// member in float64 and compares the largest calibrated force spread of an atom (eV/Å; the grammar
// gives the threshold the dimension of a force) with the threshold (default: the 99th percentile of
// the calibration split's structures' largest). Checked on the
// start structure and every GUARD_EVERY = 10 steps: a check is one float64 evaluation of the
// structure's descriptors on the CPU (measured: 11 ms for 64 Si atoms, 54 ms for 512, about 40 % of a
// reference-backend force evaluation and several WebGPU steps), so checking every step would slow a
// WebGPU run several-fold, while in 10 steps (10 fs at 1 fs) atoms move ≲ 0.1 Å. The run stops at the
// first check that trips. Default: percentile 99, warn.
import type { PlainIR } from '../../../ir/model-ir.js';
import type { MdGuard } from '../../../../../runtime/src/md/run-md.js';
import { CliError } from '../../cli-error.js';
import type { ProtocolContext } from './context.js';
import { runModel, trainingDomain } from './domain-source.js';
import { modelCommittee } from '../../load-model.js';

/** Steps between guard checks. */
export const GUARD_EVERY: number = 10;
export const GUARD_PERCENTILE = 99;

export interface GuardDescription {
    readonly measure: string;
    readonly action: 'warn' | 'stop';
    readonly every: number;
    /** mahalanobis, minimum: per element; range: the tolerance (fraction of the training range); committee: maxForceStd (eV/Å). */
    readonly thresholds: Readonly<Record<string, number>>;
    /** Where the thresholds come from. */
    readonly from: string;
}

export async function mdGuard(ctx: ProtocolContext, item: PlainIR): Promise<{ guard: MdGuard; description: GuardDescription }> {
    const who = `nnp run: '${ctx.run.name}'`;
    const measure = item['measure'] as string;
    const action = (item['action'] as 'warn' | 'stop' | undefined) ?? 'warn';
    const percentile = item['percentile'] as number | undefined;
    const threshold = item['threshold'] as number | undefined;
    if (measure !== 'committee' && measure !== 'mahalanobis' && measure !== 'minimum' && measure !== 'range') throw new CliError(`${who}: unknown guard measure '${measure}'`);
    if (threshold !== undefined && !(threshold >= 0)) throw new CliError(`${who}: a guard threshold cannot be negative, got ${threshold}`);
    const rm = runModel(ctx, 'a guard');
    const { descriptorGuard } = await import('../../../../../runtime/src/uncertainty/guard.js');
    let description: GuardDescription;
    let check: MdGuard['check'];
    if (measure === 'committee') {
        const committee = modelCommittee(ctx.ir, rm.model, ctx.specDir, who);
        if (!committee) {
            throw new CliError(`${who}: the committee guard needs a committee: add 'committee K' (K ≥ 2) to the train block of model '${rm.model.name}' and train it`);
        }
        const { committeeGuard } = await import('../../../../../runtime/src/uncertainty/guard.js');
        const { percentileOfSorted } = await import('../../../../../runtime/src/uncertainty/committee.js');
        const { prepareModel, evaluatePrepared } = await import('../../../../../runtime/src/reference/evaluate.js');
        const f = committee.file;
        const p = percentile ?? GUARD_PERCENTILE;
        const limit = threshold ?? percentileOfSorted(f.maxForceStd, p);
        const from = threshold !== undefined ? 'given' : `${p}th percentile of the ${f.calibration.split} structures`;
        const members = committee.members.map((params) => {
            const pm = prepareModel(rm.model, params);
            return (s: Parameters<MdGuard['check']>[1]) => evaluatePrepared(pm, s);
        });
        check = committeeGuard({ members, energyScale: f.calibration.energy, forceScale: f.calibration.forces, threshold: limit, thresholdLabel: from });
        description = { measure, action, every: GUARD_EVERY, thresholds: { maxForceStd: limit }, from: `${from}; largest calibrated force spread of ${committee.members.length} members, eV/Å` };
    } else if (measure === 'range') {
        if (percentile !== undefined) {
            throw new CliError(`${who}: guard range compares the descriptors with the training minimum and maximum: give a tolerance as a fraction of the range (e.g. guard range 0.05) instead of a percentile`);
        }
        const { DescriptorVectors } = await import('../../../../../runtime/src/uncertainty/domain.js');
        const tolerance = threshold ?? 0;
        check = descriptorGuard({ measure, vectors: new DescriptorVectors(rm.model, rm.params), scaling: rm.params.scaling, tolerance });
        description = { measure, action, every: GUARD_EVERY, thresholds: { tolerance }, from: "the training range in the weights' scaling statistics" };
    } else {
        const domain = await trainingDomain(ctx, rm, 'a guard');
        const p = percentile ?? GUARD_PERCENTILE;
        const thresholds = threshold !== undefined ? Float64Array.from(domain.elements, () => threshold) : domain.thresholds(measure, p);
        const from = threshold !== undefined ? 'given' : `${p}th percentile of the training structures`;
        check = descriptorGuard({ measure, domain, thresholds, thresholdLabel: from });
        description = { measure, action, every: GUARD_EVERY, thresholds: Object.fromEntries(domain.elements.map((el, e) => [el.element, thresholds[e]!])), from };
    }
    const th = Object.entries(description.thresholds).map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`).join(', ');
    ctx.err(`${ctx.run.name}: guard ${measure} (${th}; ${description.from}), checked every ${GUARD_EVERY === 1 ? 'step' : `${GUARD_EVERY} steps`}, ${action === 'stop' ? 'stops the run' : 'warns'} when it trips`);
    return { guard: { action, every: GUARD_EVERY, check }, description };
}
