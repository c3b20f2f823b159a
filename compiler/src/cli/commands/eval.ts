// nnp eval <spec> <structures>: energy, forces, stress and atomic energies of every structure,
// on WebGPU or with the float64 reference evaluator.
import type { Structure } from '../../../../runtime/src/structure.js';
import { readStructures } from '../../../../runtime/src/io/read-structures.js';
import type { EnergyForces } from '../../../../runtime/src/gpu/hdnnp-evaluator.js';
import { createEvaluator, createPotentialEvaluator, type Backend } from '../backend.js';
import { CliError } from '../cli-error.js';
import { loadModel, loadSpecIr, type LoadedCommittee, type LoadedModel } from '../load-model.js';


export interface EvalOptions {
    readonly spec: string;
    readonly structures: string;
    readonly backend: Backend;
    readonly json: boolean;
    readonly model?: string;
    /** Evaluate this analytic potential of the spec instead of a model (its kernels on WebGPU, or float64). */
    readonly potential?: string;
    readonly units: { readonly length: number; readonly energy: number };
}

export async function evaluateAll(loaded: LoadedModel, structures: readonly Structure[], backend: Backend): Promise<EnergyForces[]> {
    const evaluator = await createEvaluator(loaded, backend);
    try {
        const out: EnergyForces[] = [];
        for (const s of structures) out.push(await evaluator.evaluate(s));
        return out;
    } finally {
        await evaluator.close();
    }
}

/** Committee results per structure: the calibrated σ_E (eV) and σ_F per atom (eV/Å). */
export interface CommitteeSpread {
    readonly energyStd: number;
    readonly forceStd: Float64Array;
}

/**
 * Every member of the committee on every structure (one evaluator at a time), combined: energy, forces,
 * stress and atomic energies are the members' means; the spread is calibrated (runtime/src/uncertainty/committee.ts).
 */
export async function evaluateCommitteeAll(loaded: LoadedModel & { committee: LoadedCommittee }, structures: readonly Structure[], backend: Backend): Promise<{ results: EnergyForces[]; spread: CommitteeSpread[] }> {
    const { committeeStatistics } = await import('../../../../runtime/src/uncertainty/committee.js');
    const per: EnergyForces[][] = [];
    for (const params of loaded.committee.members) per.push(await evaluateAll({ model: loaded.model, params }, structures, backend));
    const K = per.length;
    const cal = loaded.committee.file.calibration;
    const results: EnergyForces[] = [];
    const spread: CommitteeSpread[] = [];
    structures.forEach((_, j) => {
        const members = per.map((p) => p[j]!);
        const st = committeeStatistics(members);
        const mean = (f: (r: EnergyForces) => Float64Array | undefined): Float64Array | undefined => {
            const first = f(members[0]!);
            if (!first) return undefined;
            const out = new Float64Array(first.length);
            for (const m of members) f(m)!.forEach((x, q) => (out[q]! += x / K));
            return out;
        };
        const stress = mean((r) => r.stress);
        results.push({ energy: st.energy, forces: st.forces, atomEnergies: mean((r) => r.atomEnergies)!, virial: mean((r) => r.virial)!, ...(stress ? { stress } : {}) });
        spread.push({ energyStd: cal.energy * st.energyStd, forceStd: st.forceStd.map((v) => cal.forces * v) });
    });
    return { results, spread };
}

const rows3 = (m: Float64Array) => [0, 1, 2].map((r) => [m[3 * r]!, m[3 * r + 1]!, m[3 * r + 2]!]);

/** With a committee: `energyStd` (eV) and `forceStd` (per atom, eV/Å), calibrated, per structure, and `committee`. */
export function evalJson(results: readonly EnergyForces[], spread?: readonly CommitteeSpread[], committee?: { members: number; calibration: { energy: number; forces: number } }): string {
    return JSON.stringify({
        units: { energy: 'eV', length: 'A' },
        ...(committee ? { committee } : {}),
        structures: results.map((r, k) => ({
            energy: r.energy,
            forces: Array.from({ length: r.forces.length / 3 }, (_, i) => [r.forces[3 * i]!, r.forces[3 * i + 1]!, r.forces[3 * i + 2]!]),
            stress: r.stress ? rows3(r.stress) : null,
            atomicEnergies: [...r.atomEnergies],
            ...(spread ? { energyStd: spread[k]!.energyStd, forceStd: [...spread[k]!.forceStd] } : {}),
        })),
    });
}

const EV_PER_A3_IN_GPA = 160.21766208;

export function evalTable(structures: readonly Structure[], results: readonly EnergyForces[], spread?: readonly CommitteeSpread[]): string[] {
    const lines = [`structure  atoms        energy/eV   energy/atom/eV   max|F|/(eV/A)   pressure/GPa${spread ? '  std_E/atom/eV  max_std_F/(eV/A)' : ''}`];
    results.forEach((r, k) => {
        const n = structures[k]!.symbols.length;
        let fmax = 0;
        for (let i = 0; i < n; i++) fmax = Math.max(fmax, Math.hypot(r.forces[3 * i]!, r.forces[3 * i + 1]!, r.forces[3 * i + 2]!));
        // pressure = −tr(σ)/3 (σ = (1/V) ∂E/∂ε, ASE's sign)
        const p = r.stress ? ((-(r.stress[0]! + r.stress[4]! + r.stress[8]!) / 3) * EV_PER_A3_IN_GPA).toFixed(4) : '-';
        const c = spread ? `  ${(spread[k]!.energyStd / n).toExponential(4).padStart(13)}  ${Math.max(...spread[k]!.forceStd).toExponential(4).padStart(16)}` : '';
        lines.push(`${String(k).padStart(9)}  ${String(n).padStart(5)}  ${r.energy.toFixed(8).padStart(15)}  ${(r.energy / n).toFixed(8).padStart(15)}  ${fmax.toExponential(4).padStart(14)}  ${p.padStart(13)}${c}`);
    });
    return lines;
}

export async function evalCommand(o: EvalOptions, out: (line: string) => void, err: (line: string) => void): Promise<number> {
    const structures = readStructures(o.structures, { units: o.units });
    let results: EnergyForces[];
    let spread: CommitteeSpread[] | undefined;
    let committee: { members: number; calibration: { energy: number; forces: number } } | undefined;
    if (o.potential) {
        const potential = (await loadSpecIr(o.spec, err, 'nnp eval')).potentials.find((p) => p.name === o.potential);
        if (!potential) throw new CliError(`nnp eval: no potential named '${o.potential}' in ${o.spec}`);
        const evaluator = await createPotentialEvaluator(potential, o.backend);
        try {
            results = [];
            for (const s of structures) results.push(await evaluator.evaluate(s));
        } finally {
            await evaluator.close();
        }
    } else {
        const loaded = await loadModel(o.spec, o.model, err, 'nnp eval', true);
        if (loaded.committee) {
            const c = loaded.committee;
            ({ results, spread } = await evaluateCommitteeAll({ ...loaded, committee: c }, structures, o.backend));
            committee = { members: c.members.length, calibration: { energy: c.file.calibration.energy, forces: c.file.calibration.forces } };
            if (!o.json) err(`nnp eval: committee of ${c.members.length} (${c.path}): the members' mean, with the calibrated spread`);
        } else {
            results = await evaluateAll(loaded, structures, o.backend);
        }
    }
    if (o.json) out(evalJson(results, spread, committee));
    else for (const line of evalTable(structures, results, spread)) out(line);
    return 0;
}
