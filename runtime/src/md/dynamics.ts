// Molecular dynamics integrators in internal units (Å, fs, eV, amu, K):
//   a [Å/fs²] = F [eV/Å] / m [amu] × EV_PER_AMU,   E_kin [eV] = ½ m v² / EV_PER_AMU
//   nve          velocity Verlet
//   langevin     BAOAB (Leimkuhler & Matthews 2013), friction γ = 1/damping
//   nose_hoover  Nosé–Hoover chain (Martyna, Klein & Tuckerman 1992), thermostat half-steps around
//                velocity Verlet; Q₁ = N_f k_B T τ², Q_j = k_B T τ² (τ = damping)
//   npt csvr     (npt-csvr.ts) stochastic velocity rescaling + stochastic cell rescaling
// Velocities start from Maxwell–Boltzmann by seed, with zero total momentum, scaled to T exactly.
// Two-dimensional systems (`dimension 2`) keep z fixed: no z velocity, force or noise; N_f = 2N − 2.
// Dataset sampling (data/sample.ts) runs the same Langevin integrator.
import { normals, type NormalStream } from '../math/random.js';

/** Boltzmann constant, eV/K. */
export const KB = 8.617333262e-5;
/** 1 eV/amu in Å²/fs². */
export const EV_PER_AMU = 9.648533212e-3;

export interface MdState {
    readonly positions: Float64Array;
    readonly velocities: Float64Array;
    /** amu, per atom */
    readonly masses: Float64Array;
    forces: Float64Array;
    energy: number;
    /** Rows a, b, c (Å); barostats scale it in place. */
    readonly cell?: Float64Array;
    /** Stress of the last force evaluation (eV/Å³, ASE sign), for barostats. */
    stress?: Float64Array;
    /** 2: motion in the xy plane only. */
    readonly dimensions?: 2 | 3;
}

export type ForceField = (positions: Float64Array) => Promise<{ energy: number; forces: Float64Array; stress?: Float64Array }>;

export function kineticEnergy(s: Pick<MdState, 'velocities' | 'masses'>): number {
    let k = 0;
    for (let i = 0; i < s.masses.length; i++) {
        const v2 = s.velocities[3 * i]! ** 2 + s.velocities[3 * i + 1]! ** 2 + s.velocities[3 * i + 2]! ** 2;
        k += 0.5 * s.masses[i]! * v2;
    }
    return k / EV_PER_AMU;
}

/** Degrees of freedom: dN − d in d dimensions (the total momentum is fixed at zero), at least 1. */
export function degreesOfFreedom(atoms: number, dimensions: 2 | 3 = 3): number {
    return Math.max(1, dimensions * atoms - dimensions);
}

/**
 * Kinetic temperature 2E_kin/(N_f k_B). N_f = 3N − 3 when the total momentum is conserved (NVE,
 * Nosé–Hoover); Langevin dynamics exchanges momentum with the bath, so there N_f = 3N.
 */
export function temperature(s: Pick<MdState, 'velocities' | 'masses'>, dof = degreesOfFreedom(s.masses.length)): number {
    return (2 * kineticEnergy(s)) / (dof * KB);
}

/** Maxwell–Boltzmann velocities at T (Å/fs) by seed, total momentum zero, rescaled to T exactly. */
export function maxwellBoltzmann(masses: Float64Array, t: number, seed: number, dimensions: 2 | 3 = 3): Float64Array {
    const random = normals(seed * 7919 + 1);
    const n = masses.length;
    const v = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) v[3 * i + c] = Math.sqrt((KB * t * EV_PER_AMU) / masses[i]!) * random();
    if (dimensions === 2) for (let i = 0; i < n; i++) v[3 * i + 2] = 0;
    removeMomentum(v, masses);
    const current = temperature({ velocities: v, masses }, degreesOfFreedom(n, dimensions));
    if (current > 0 && t > 0) {
        const f = Math.sqrt(t / current);
        for (let k = 0; k < v.length; k++) v[k]! *= f;
    }
    return v;
}

export function removeMomentum(v: Float64Array, masses: Float64Array): void {
    let m = 0;
    const p = [0, 0, 0];
    for (let i = 0; i < masses.length; i++) {
        m += masses[i]!;
        for (let c = 0; c < 3; c++) p[c]! += masses[i]! * v[3 * i + c]!;
    }
    for (let i = 0; i < masses.length; i++) for (let c = 0; c < 3; c++) v[3 * i + c]! -= p[c]! / m;
}

export function kick(s: MdState, dt: number): void {
    // in 2-D the z forces (zero for a planar system up to rounding) must not start a z motion
    const dims = s.dimensions ?? 3;
    for (let i = 0; i < s.masses.length; i++) {
        const f = (dt * EV_PER_AMU) / s.masses[i]!;
        for (let c = 0; c < dims; c++) s.velocities[3 * i + c]! += f * s.forces[3 * i + c]!;
    }
}

export function drift(s: MdState, dt: number): void {
    for (let k = 0; k < s.positions.length; k++) s.positions[k]! += dt * s.velocities[k]!;
}

/**
 * An integrator step of dt (fs) split around its one force evaluation, so that the same step serves
 * asynchronous calculators (WebGPU) and synchronous ones (dataset sampling): `beforeForces` moves the
 * positions to where the new forces are needed, `afterForces` completes the step with them.
 */
export interface Integrator {
    beforeForces(s: MdState): void;
    afterForces(s: MdState): void;
    /** Energy of the thermostat (eV) for the conserved quantity; 0 where there is none. */
    readonly reservoir: number;
    /** The integrator's own state (thermostat variables, random-number state) for restart files. */
    save(): unknown;
    restore(state: unknown): void;
}

/** One step: before, the forces at the new positions, after. */
export async function advance(integrator: Integrator, s: MdState, field: ForceField): Promise<void> {
    integrator.beforeForces(s);
    const r = await field(s.positions);
    s.forces = r.forces;
    s.energy = r.energy;
    if (r.stress) s.stress = r.stress;
    integrator.afterForces(s);
}

export class VelocityVerlet implements Integrator {
    readonly reservoir = 0;
    save(): unknown {
        return {};
    }
    restore(): void {}
    constructor(private readonly dt: number) {}

    beforeForces(s: MdState): void {
        kick(s, this.dt / 2);
        drift(s, this.dt);
    }

    afterForces(s: MdState): void {
        kick(s, this.dt / 2);
    }
}

export class LangevinBaoab implements Integrator {
    /** Heat taken out by friction and noise (eV): E_tot + reservoir is conserved on average. */
    reservoir = 0;
    private readonly c1: number;

    /** `temperature` (K) may be changed between steps (ramps); `random` gives standard normals. */
    constructor(private readonly dt: number, public temperature: number, damping: number, private readonly random: NormalStream) {
        this.c1 = Math.exp(-dt / damping);
    }

    save(): unknown {
        return { reservoir: this.reservoir, random: this.random.state, temperature: this.temperature };
    }

    restore(state: unknown): void {
        const r = state as { reservoir: number; random: number; temperature: number };
        this.reservoir = r.reservoir;
        this.random.state = r.random;
        this.temperature = r.temperature;
    }

    beforeForces(s: MdState): void {
        kick(s, this.dt / 2);
        drift(s, this.dt / 2);
        const before = kineticEnergy(s);
        const dims = s.dimensions ?? 3;
        for (let i = 0; i < s.masses.length; i++) {
            const sd = Math.sqrt(((1 - this.c1 * this.c1) * KB * this.temperature * EV_PER_AMU) / s.masses[i]!);
            for (let c = 0; c < dims; c++) s.velocities[3 * i + c] = this.c1 * s.velocities[3 * i + c]! + sd * this.random.next();
        }
        this.reservoir -= kineticEnergy(s) - before;
        drift(s, this.dt / 2);
    }

    afterForces(s: MdState): void {
        kick(s, this.dt / 2);
    }
}

export class NoseHooverChain implements Integrator {
    private readonly q: number[];
    private readonly v: number[];
    private readonly xi: number[];
    private readonly kt: number;
    private readonly nf: number;

    /** `dof`: the degrees of freedom N_f the chain thermostats. */
    constructor(private readonly dt: number, t: number, damping: number, length: number, dof: number) {
        this.kt = KB * t;
        this.nf = dof;
        const m = Math.max(1, Math.round(length));
        this.q = Array.from({ length: m }, (_, j) => (j === 0 ? this.nf : 1) * this.kt * damping * damping);
        this.v = new Array<number>(m).fill(0);
        this.xi = new Array<number>(m).fill(0);
    }

    save(): unknown {
        return { v: this.v, xi: this.xi };
    }

    restore(state: unknown): void {
        const r = state as { v: number[]; xi: number[] };
        this.v.splice(0, this.v.length, ...r.v);
        this.xi.splice(0, this.xi.length, ...r.xi);
    }

    get reservoir(): number {
        let e = 0;
        for (let j = 0; j < this.q.length; j++) e += 0.5 * this.q[j]! * this.v[j]! ** 2 + (j === 0 ? this.nf : 1) * this.kt * this.xi[j]!;
        return e;
    }

    private force(j: number, ke: number): number {
        return j === 0 ? (2 * ke - this.nf * this.kt) / this.q[0]! : (this.q[j - 1]! * this.v[j - 1]! ** 2 - this.kt) / this.q[j]!;
    }

    /** The chain's half step (dt/2): thermostat velocities, then the particle velocities scaled. */
    private half(s: MdState): void {
        const M = this.q.length;
        const d = this.dt / 2;
        let ke = kineticEnergy(s);
        const inner = (j: number) => {
            const damp = j + 1 < M ? Math.exp((-this.v[j + 1]! * d) / 4) : 1;
            this.v[j]! *= damp;
            this.v[j]! += (this.force(j, ke) * d) / 2;
            this.v[j]! *= damp;
        };
        for (let j = M - 1; j >= 0; j--) inner(j);
        const scale = Math.exp(-this.v[0]! * d);
        for (let k = 0; k < s.velocities.length; k++) s.velocities[k]! *= scale;
        ke *= scale * scale;
        for (let j = 0; j < M; j++) this.xi[j]! += this.v[j]! * d;
        for (let j = 0; j < M; j++) inner(j);
    }

    beforeForces(s: MdState): void {
        this.half(s);
        kick(s, this.dt / 2);
        drift(s, this.dt);
    }

    afterForces(s: MdState): void {
        kick(s, this.dt / 2);
        this.half(s);
    }
}
