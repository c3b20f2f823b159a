// NPT by stochastic velocity rescaling (Bussi, Donadio & Parrinello, JCP 126, 014101 (2007)) and
// isotropic stochastic cell rescaling (Bernetti & Bussi, JCP 153, 114107 (2020)), around velocity
// Verlet. Units: eV, Å, fs, amu; pressures in eV/Å³.
//
// Thermostat, a half step Δ = dt/2 on each side of the step: with K̄ = N_f k_B T/2 and c = e^{−Δ/τ_T},
//   K' = c K + (1 − c) K̄ (R₁² + Σ_{i=2}^{N_f} R_i²)/N_f + 2 R₁ √(c (1 − c) K K̄ / N_f),   v ← v √(K'/K)
// Barostat, once per step after the drift, on ε = ln V:
//   dε = (β_T/τ_P) (P − P₀ + k_B T/V) dt + √(2 k_B T β_T dt / (V τ_P)) R,
//   positions and cell × e^{dε/3}, velocities × e^{−dε/3}
// with P = 2K/(3V) − tr σ/3 from the last force evaluation. β_T (the isothermal compressibility) only
// sets how fast the volume relaxes; the sampled distribution does not depend on it. It is estimated
// at the start from the potential pressure at ±0.5 % volume (β = −(1/V) dV/dP), so that τ_P is the
// actual relaxation time for solids and liquids alike.
// Conserved (on average, to integration error): E_tot + P₀V + the heat both baths exchanged; the
// barostat's change in potential energy is taken to first order, ΔU ≈ −P_pot ΔV.
import type { NormalStream } from '../math/random.js';
import { det3 } from '../math/mat3.js';
import { drift, KB, kick, kineticEnergy, type Integrator, type MdState } from './dynamics.js';

export class CsvrNpt implements Integrator {
    reservoir = 0;
    /** Isothermal compressibility β_T (Å³/eV). */
    compressibility: number;

    constructor(
        private readonly dt: number,
        private readonly temperature: number,
        /** P₀, eV/Å³. */
        private readonly pressure: number,
        private readonly tauT: number,
        private readonly tauP: number,
        private readonly dof: number,
        private readonly random: NormalStream,
        compressibility: number,
    ) {
        this.compressibility = compressibility;
    }

    save(): unknown {
        return { reservoir: this.reservoir, random: this.random.state, compressibility: this.compressibility };
    }

    restore(state: unknown): void {
        const r = state as { reservoir: number; random: number; compressibility: number };
        this.reservoir = r.reservoir;
        this.random.state = r.random;
        this.compressibility = r.compressibility;
    }

    /** E_tot + reservoir + P₀V is the conserved quantity; this gives the P₀V part. */
    enthalpyTerm(s: MdState): number {
        return this.pressure * Math.abs(det3(s.cell!));
    }

    private thermostat(s: MdState, delta: number): void {
        const k = kineticEnergy(s);
        if (!(k > 0)) return;
        const target = (this.dof * KB * this.temperature) / 2;
        const c = Math.exp(-delta / this.tauT);
        const r1 = this.random.next();
        let sum = 0;
        for (let i = 1; i < this.dof; i++) sum += this.random.next() ** 2;
        const next = c * k + ((1 - c) * target * (r1 * r1 + sum)) / this.dof + 2 * r1 * Math.sqrt((c * (1 - c) * k * target) / this.dof);
        const scale = Math.sqrt(Math.max(0, next) / k);
        for (let j = 0; j < s.velocities.length; j++) s.velocities[j]! *= scale;
        this.reservoir -= next - k;
    }

    private barostat(s: MdState): void {
        if (!s.cell || !s.stress) return;
        const volume = Math.abs(det3(s.cell));
        const k = kineticEnergy(s);
        const kt = KB * this.temperature;
        const pPot = -(s.stress[0]! + s.stress[4]! + s.stress[8]!) / 3;
        const p = (2 * k) / (3 * volume) + pPot;
        const b = this.compressibility / this.tauP;
        const de = b * (p - this.pressure + kt / volume) * this.dt + Math.sqrt((2 * kt * b * this.dt) / volume) * this.random.next();
        const scale = Math.exp(de / 3);
        for (let j = 0; j < s.positions.length; j++) s.positions[j]! *= scale;
        for (let j = 0; j < 9; j++) s.cell[j]! *= scale;
        for (let j = 0; j < s.velocities.length; j++) s.velocities[j]! /= scale;
        const dV = volume * (Math.exp(de) - 1);
        // heat exchanged with the barostat's bath: the change of E_tot + P₀V it caused
        this.reservoir -= kineticEnergy(s) - k - pPot * dV + this.pressure * dV;
    }

    beforeForces(s: MdState): void {
        this.thermostat(s, this.dt / 2);
        kick(s, this.dt / 2);
        drift(s, this.dt);
        this.barostat(s);
    }

    afterForces(s: MdState): void {
        kick(s, this.dt / 2);
        this.thermostat(s, this.dt / 2);
    }
}

/** Fallback compressibility when the estimate fails: 4.5 × 10⁻⁵ /bar (water) in Å³/eV. */
export const DEFAULT_COMPRESSIBILITY = 4.5e-5 * 1.602176634e6;

/** β_T = −(1/V) dV/dP from the potential pressure of isotropically scaled copies (±0.5 % in volume). */
export async function estimateCompressibility(
    positions: Float64Array, cell: Float64Array,
    pressureAt: (positions: Float64Array, cell: Float64Array) => Promise<number>,
): Promise<number> {
    const h = 0.005;
    const at = async (f: number) => {
        const l = Math.cbrt(f);
        return pressureAt(positions.map((x) => x * l), cell.map((x) => x * l));
    };
    const dPdlnV = ((await at(1 + h)) - (await at(1 - h))) / (Math.log(1 + h) - Math.log(1 - h));
    const beta = -1 / dPdlnV;
    return Number.isFinite(beta) && beta > 0 ? beta : DEFAULT_COMPRESSIBILITY;
}

