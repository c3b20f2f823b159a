// The md guard on descriptor distances (`guard mahalanobis | minimum | range …` in an md run): a check
// of one structure against the model's domain (domain.ts) for run-md.ts's MdGuard. The structure's
// descriptors are computed in float64 on the CPU, whatever backend runs the dynamics.
//
//   mahalanobis, minimum   trips when an atom's distance exceeds the threshold of its element: the
//                          P-th percentile of the training structures' largest atom distance
//                          (`percentile P`, default 99) or a given number (scaled-descriptor units)
//   committee              trips when an atom's calibrated committee force spread exceeds the P-th
//                          percentile of the calibration split's structures' largest or a given force (eV/Å)
//   range                  trips when a raw descriptor leaves the training range [G_min, G_max] by
//                          more than the given fraction of the range (default 0: n2p2's check)
import type { ScalingStatistics } from '../model/parameters.js';
import type { GuardCheck } from '../md/run-md.js';
import type { Structure } from '../structure.js';
import { committeeStatistics, type MemberPrediction } from './committee.js';
import { functionsOutsideRange, judge, rangeExcess, type DescriptorDomain, type DescriptorVectors, type DistanceKind } from './domain.js';

export type GuardMeasure = DistanceKind | 'range';

export type DescriptorGuardSettings =
    | { readonly measure: DistanceKind; readonly domain: DescriptorDomain; readonly thresholds: ArrayLike<number>; readonly thresholdLabel: string }
    | { readonly measure: 'range'; readonly vectors: DescriptorVectors; readonly scaling: readonly ScalingStatistics[]; readonly tolerance: number };

/** Atoms listed in a message at most. */
const LISTED = 8;

export function descriptorGuard(g: DescriptorGuardSettings): (step: number, s: Structure) => Promise<GuardCheck> {
    if (g.measure === 'range') {
        return async (_step, s) => {
            const v = g.vectors.of(s);
            const excess = rangeExcess(v, g.scaling);
            const atoms: number[] = [];
            let worst = 0;
            excess.forEach((x, i) => {
                if (x > g.tolerance) atoms.push(i);
                if (x > excess[worst]!) worst = i;
            });
            if (atoms.length === 0) return { tripped: false, message: '' };
            const st = g.scaling[v.element[worst]!]!;
            const fs = functionsOutsideRange(v.raw[worst]!, st).map((k) => k + 1);
            const tol = g.tolerance > 0 ? ` by more than ${g.tolerance} of their range` : '';
            return {
                tripped: true,
                message: `${atoms.length} atom${atoms.length === 1 ? '' : 's'} with descriptors outside the training range${tol} (atoms ${list(atoms)}; atom ${worst} ${s.symbols[worst]}: functions ${fs.join(', ')}, ${fmt(excess[worst]!)} of the range out)`,
            };
        };
    }
    const symbols = g.domain.model.elements.map((e) => e.symbol);
    return async (_step, s) => {
        const v = g.domain.vectorsOf.of(s);
        const d = g.domain.distances(g.measure, v);
        const verdict = judge(d, v.element, g.thresholds);
        if (!verdict.outOfDomain) return { tripped: false, message: '' };
        const w = verdict.worstAtom;
        const e = v.element[w]!;
        return {
            tripped: true,
            message: `${g.measure} distance ${fmt(d[w]!)} > ${fmt(g.thresholds[e]!)} (${symbols[e]} threshold, ${g.thresholdLabel}) at atom ${w}; ${verdict.over.length} atom${verdict.over.length === 1 ? '' : 's'} over the threshold: ${list(verdict.over)}`,
        };
    };
}

function list(atoms: readonly number[]): string {
    return atoms.length > LISTED ? `${atoms.slice(0, LISTED).join(', ')}, … (${atoms.length - LISTED} more)` : atoms.join(', ');
}

function fmt(x: number): string {
    return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}

/**
 * The committee guard (`guard committee …`): trips when the largest calibrated committee spread of an
 * atom's force, max_i s_F σ_F,i (eV/Å), exceeds the threshold (the force deviation of DP-GEN's model
 * deviation; per atom, so one atom leaving the domain is seen in a large cell). `members` evaluate one
 * member each (float64 on the CPU, prepared once).
 */
export function committeeGuard(g: {
    readonly members: readonly ((s: Structure) => MemberPrediction)[];
    readonly energyScale: number;
    readonly forceScale: number;
    readonly threshold: number;
    readonly thresholdLabel: string;
}): (step: number, s: Structure) => Promise<GuardCheck> {
    return async (_step, s) => {
        const st = committeeStatistics(g.members.map((m) => m(s)));
        let worst = 0;
        st.forceStd.forEach((v, i) => {
            if (v > st.forceStd[worst]!) worst = i;
        });
        const largest = g.forceScale * (st.forceStd[worst] ?? 0);
        if (!(largest > g.threshold)) return { tripped: false, message: '' };
        const over: number[] = [];
        st.forceStd.forEach((v, i) => {
            if (g.forceScale * v > g.threshold) over.push(i);
        });
        const perAtom = (g.energyScale * st.energyStd) / s.symbols.length;
        return {
            tripped: true,
            message: `committee force spread ${fmt(largest)} eV/Å > ${fmt(g.threshold)} eV/Å (${g.thresholdLabel}) at atom ${worst}; ${over.length} atom${over.length === 1 ? '' : 's'} over the threshold: ${list(over)}; energy spread ${fmt(1000 * perAtom)} meV/atom`,
        };
    };
}
