// The `md` protocol: a structure, an ensemble (nve, nvt langevin | nose_hoover), timestep, steps,
// initial velocities; a thermo log (CSV), an extended XYZ trajectory and a summary.
//
// Log columns: step, time (fs), T (K), E_pot, E_kin, E_tot, conserved (E_tot + thermostat energy;
// eV), pressure (bar; periodic cells: P = 2E_kin/(3V) − tr σ/3 with σ = (1/V) ∂E/∂ε), volume (Å³).
import { appendFileSync } from 'node:fs';
import type { PlainIR } from '../../../compiler/src/ir/model-ir.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeExtxyz } from '../io/extxyz.js';
import { det3 } from '../math/mat3.js';
import type { Structure } from '../structure.js';
import { normals } from '../math/random.js';
import {
    advance, degreesOfFreedom, kineticEnergy, LangevinBaoab, maxwellBoltzmann, NoseHooverChain, temperature, VelocityVerlet,
    type Integrator, type MdState,
} from './dynamics.js';

/** eV/Å³ in bar. */
const BAR_PER_EV_A3 = 1.602176634e6;

export interface Calculation {
    readonly energy: number;
    readonly forces: Float64Array;
    readonly stress?: Float64Array;
}

export type Calculator = (s: Structure) => Promise<Calculation>;

export interface MdOptions {
    readonly items: readonly PlainIR[];
    readonly start: Structure;
    readonly masses: Float64Array;
    readonly calculator: Calculator;
    /** Output paths (absolute), with intervals in steps. */
    readonly log?: { readonly path: string; readonly every: number };
    readonly trajectory?: { readonly path: string; readonly every: number };
    readonly onProgress?: (step: number, steps: number, temperature: number) => void;
    /** Called after every step with the velocities (Å/fs; the array is reused, copy to keep). */
    readonly onVelocities?: (step: number, velocities: Float64Array) => void;
}

export interface MdSummary {
    readonly protocol: 'md';
    readonly ensemble: string;
    readonly atoms: number;
    readonly steps: number;
    readonly timestepFs: number;
    /** Averages over the second half of the run (the first half counts as equilibration). */
    readonly meanTemperatureK: number;
    readonly stdTemperatureK: number;
    readonly meanPotentialEnergyEv: number;
    /** Slope of the conserved quantity over the second half of the run, eV/atom/ps. */
    readonly conservedDriftEvPerAtomPs: number;
    readonly meanPressureBar?: number;
    readonly stepsPerSecond: number;
}

const find = (items: readonly PlainIR[], type: string) => items.find((i) => i.type === type);

export async function runMd(o: MdOptions): Promise<MdSummary> {
    const ensemble = find(o.items, 'Ensemble') ?? { type: 'Ensemble', kind: 'nve' };
    const dt = (find(o.items, 'Timestep')?.['value'] as number | undefined) ?? 1;
    const steps = (find(o.items, 'Steps')?.['value'] as number | undefined) ?? 1000;
    const seed = (find(o.items, 'Seed')?.['value'] as number | undefined) ?? 0;
    const t0 = (find(o.items, 'Velocities')?.['temperature'] as number | undefined) ?? 0;
    const n = o.start.symbols.length;
    const kind = ensemble['kind'] as string;
    if (((find(o.items, 'Dimension')?.['value'] as number | undefined) ?? 3) !== 3) throw new Error('two-dimensional MD (dimension 2) is not available yet');
    let integrator: Integrator;
    let label = kind;
    let dof = degreesOfFreedom(n);
    if (kind === 'nve') integrator = new VelocityVerlet(dt);
    else if (kind === 'nvt' && ensemble['thermostat'] === 'langevin') {
        integrator = new LangevinBaoab(dt, ensemble['temperature'] as number, ensemble['damping'] as number, normals(seed * 104729 + 3));
        label = 'nvt langevin';
        dof = 3 * n; // the bath does not conserve momentum
    } else if (kind === 'nvt') {
        integrator = new NoseHooverChain(dt, ensemble['temperature'] as number, ensemble['damping'] as number, (ensemble['chain'] as number | undefined) ?? 3, n);
        label = 'nvt nose_hoover';
    } else {
        throw new Error(`the ${kind} ensemble is not available yet (nve and nvt langevin | nose_hoover are)`);
    }

    const structureAt = (positions: Float64Array): Structure => ({ ...o.start, positions });
    let lastStress: Float64Array | undefined;
    const field = async (positions: Float64Array) => {
        const r = await o.calculator(structureAt(positions));
        lastStress = r.stress;
        return r;
    };
    const positions = Float64Array.from(o.start.positions);
    const first = await field(positions);
    const state: MdState = { positions, velocities: maxwellBoltzmann(o.masses, t0, seed), masses: o.masses, forces: first.forces, energy: first.energy };
    const volume = o.start.cell && o.start.pbc.every(Boolean) ? Math.abs(det3(o.start.cell)) : undefined;

    if (o.log) writeFileAtomic(o.log.path, 'step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,conserved_eV,pressure_bar,volume_A3\n');
    if (o.trajectory) writeFileAtomic(o.trajectory.path, '');
    const temps: number[] = [];
    const epots: number[] = [];
    const pressures: number[] = [];
    const conserved: { t: number; e: number }[] = [];
    const started = performance.now();
    const record = (step: number) => {
        const ke = kineticEnergy(state);
        const t = temperature(state, dof);
        const total = state.energy + ke;
        const pressure = volume !== undefined && lastStress
            ? ((2 * ke) / (3 * volume) - (lastStress[0]! + lastStress[4]! + lastStress[8]!) / 3) * BAR_PER_EV_A3
            : undefined;
        if (step > 0) {
            temps.push(t);
            epots.push(state.energy);
            if (pressure !== undefined) pressures.push(pressure);
        }
        conserved.push({ t: step * dt, e: total + integrator.reservoir });
        if (o.log && step % o.log.every === 0) {
            appendFileSync(o.log.path, `${step},${(step * dt).toFixed(3)},${t.toFixed(3)},${state.energy},${ke},${total},${total + integrator.reservoir},${pressure ?? ''},${volume ?? ''}\n`);
        }
        if (o.trajectory && step % o.trajectory.every === 0) {
            appendFileSync(o.trajectory.path, writeExtxyz([{ ...structureAt(Float64Array.from(state.positions)), energy: state.energy, forces: state.forces, info: { ...o.start.info, step, time_fs: step * dt, temperature_K: t } }]));
        }
    };
    record(0);
    for (let step = 1; step <= steps; step++) {
        await advance(integrator, state, field);
        record(step);
        o.onVelocities?.(step, state.velocities);
        o.onProgress?.(step, steps, temps.at(-1)!);
    }
    const seconds = (performance.now() - started) / 1000;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    // averages over the second half of the run: the first is taken as equilibration
    const half = <T>(xs: T[]) => xs.slice(Math.floor(xs.length / 2));
    const meanT = mean(half(temps));
    return {
        protocol: 'md', ensemble: label, atoms: n, steps, timestepFs: dt,
        meanTemperatureK: meanT,
        stdTemperatureK: Math.sqrt(mean(half(temps).map((t) => (t - meanT) ** 2))),
        meanPotentialEnergyEv: mean(half(epots)),
        conservedDriftEvPerAtomPs: (slope(conserved.slice(Math.floor(conserved.length / 2))) * 1000) / n,
        ...(pressures.length ? { meanPressureBar: mean(half(pressures)) } : {}),
        stepsPerSecond: steps / seconds,
    };
}

/** Least-squares slope of e against t. */
function slope(points: readonly { t: number; e: number }[]): number {
    const n = points.length;
    if (n < 2) return 0;
    const mt = points.reduce((a, p) => a + p.t, 0) / n;
    const me = points.reduce((a, p) => a + p.e, 0) / n;
    let num = 0;
    let den = 0;
    for (const p of points) {
        num += (p.t - mt) * (p.e - me);
        den += (p.t - mt) ** 2;
    }
    return den > 0 ? num / den : 0;
}

