// nnp eval <spec> <structures>: energy, forces, stress and atomic energies of every structure,
// on WebGPU or with the float64 reference evaluator.
import type { Structure } from '../../../../runtime/src/structure.js';
import { readStructures } from '../../../../runtime/src/io/read-structures.js';
import type { EnergyForces } from '../../../../runtime/src/gpu/hdnnp-evaluator.js';
import { createEvaluator, createPotentialEvaluator, type Backend } from '../backend.js';
import { CliError } from '../cli-error.js';
import { loadModel, loadSpecIr, type LoadedModel } from '../load-model.js';


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

const rows3 = (m: Float64Array) => [0, 1, 2].map((r) => [m[3 * r]!, m[3 * r + 1]!, m[3 * r + 2]!]);

export function evalJson(results: readonly EnergyForces[]): string {
    return JSON.stringify({
        units: { energy: 'eV', length: 'A' },
        structures: results.map((r) => ({
            energy: r.energy,
            forces: Array.from({ length: r.forces.length / 3 }, (_, i) => [r.forces[3 * i]!, r.forces[3 * i + 1]!, r.forces[3 * i + 2]!]),
            stress: r.stress ? rows3(r.stress) : null,
            atomicEnergies: [...r.atomEnergies],
        })),
    });
}

const EV_PER_A3_IN_GPA = 160.21766208;

export function evalTable(structures: readonly Structure[], results: readonly EnergyForces[]): string[] {
    const lines = ['structure  atoms        energy/eV   energy/atom/eV   max|F|/(eV/A)   pressure/GPa'];
    results.forEach((r, k) => {
        const n = structures[k]!.symbols.length;
        let fmax = 0;
        for (let i = 0; i < n; i++) fmax = Math.max(fmax, Math.hypot(r.forces[3 * i]!, r.forces[3 * i + 1]!, r.forces[3 * i + 2]!));
        // pressure = −tr(σ)/3 (σ = (1/V) ∂E/∂ε, ASE's sign)
        const p = r.stress ? ((-(r.stress[0]! + r.stress[4]! + r.stress[8]!) / 3) * EV_PER_A3_IN_GPA).toFixed(4) : '-';
        lines.push(`${String(k).padStart(9)}  ${String(n).padStart(5)}  ${r.energy.toFixed(8).padStart(15)}  ${(r.energy / n).toFixed(8).padStart(15)}  ${fmax.toExponential(4).padStart(14)}  ${p.padStart(13)}`);
    });
    return lines;
}

export async function evalCommand(o: EvalOptions, out: (line: string) => void, err: (line: string) => void): Promise<number> {
    const structures = readStructures(o.structures, { units: o.units });
    let results: EnergyForces[];
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
        results = await evaluateAll(await loadModel(o.spec, o.model, err, 'nnp eval'), structures, o.backend);
    }
    if (o.json) out(evalJson(results));
    else for (const line of evalTable(structures, results)) out(line);
    return 0;
}
