// Nudged elastic band with the improved tangent and an optional climbing image (G. Henkelman,
// H. Jónsson, J. Chem. Phys. 113, 9978 (2000); G. Henkelman, B. P. Uberuaga, H. Jónsson, J. Chem.
// Phys. 113, 9901 (2000)). Units: Å, eV, eV/Å; the spring constant k in eV/Å².
//
// The band R_0 … R_{N+1}: the ends are fixed, the N images between them move. Each R_i is the
// 3n-vector of all positions. For image i, with τ⁺ = R_{i+1} − R_i and τ⁻ = R_i − R_{i−1}:
//   tangent   τ = τ⁺ if V_{i+1} > V_i > V_{i−1};  τ = τ⁻ if V_{i+1} < V_i < V_{i−1};  otherwise
//             τ = τ⁺ ΔV_max + τ⁻ ΔV_min if V_{i+1} > V_{i−1}, else τ⁺ ΔV_min + τ⁻ ΔV_max,
//             ΔV_max = max(|V_{i+1} − V_i|, |V_{i−1} − V_i|), ΔV_min = min(…); then τ̂ = τ/|τ|
//   force     F_i = F_i^⊥ + F_i^s∥,  F_i^⊥ = F_i − (F_i·τ̂) τ̂  (the true force F = −∇V)
//             F_i^s∥ = k (|R_{i+1} − R_i| − |R_i − R_{i−1}|) τ̂   (springs act along the band only)
//   climbing  the highest image feels F_c = F − 2 (F·τ̂) τ̂ and no spring: it climbs along the band
//             and relaxes across it, onto the saddle point.
// The climbing image is switched on once the plain band has found its valley (largest NEB force
// below 10 fmax) or after a quarter of max_steps, whichever comes first; the highest image is chosen
// anew at every step. The whole band (all moving images as one vector) is relaxed with FIRE
// (runtime/src/optimize/fire.ts; its 0.2 Å cap applies to the step of the whole band) and has
// converged when the largest atomic NEB force over the moving images is below fmax.
//
// Periodic cells: the band starts from the linear interpolation R_i = R_0 + (i/(N+1)) d, where d
// is each atom's minimum-image displacement from the initial to the final structure; the final end
// is R_0 + d (the same structure as the final one, atoms maybe shifted by lattice vectors), so the
// band is continuous and differences of images need no minimum image.
import type { Calculator } from '../md/run-md.js';
import { invert3 } from '../math/mat3.js';
import { minimizeFire } from '../optimize/fire.js';
import { maxNorm3, type Objective } from '../optimize/objective.js';
import type { Structure } from '../structure.js';

export interface NebOptions {
    readonly initial: Structure;
    readonly final: Structure;
    /** Moving images between the two ends. */
    readonly images: number;
    /** A starting band (ends included, images + 2 structures) instead of the linear interpolation. */
    readonly band?: readonly Structure[];
    /** Spring constant k, eV/Å² (default 0.1). */
    readonly spring?: number;
    /** Climbing image (default false). */
    readonly climbing?: boolean;
    /** eV/Å (default 0.05). */
    readonly fmax?: number;
    /** FIRE iterations (default 1000). */
    readonly maxSteps?: number;
    /** After each evaluation of the band: the iteration, its largest NEB force, the energies and positions of all images. */
    readonly onStep?: (iteration: number, fmax: number, energies: readonly number[], climbing: boolean, positions: readonly Float64Array[]) => void;
}

export interface NebResult {
    readonly protocol: 'neb';
    /** Moving images (the band has images + 2 structures). */
    readonly images: number;
    readonly converged: boolean;
    readonly iterations: number;
    /** Whether the climbing image was on at the end. */
    readonly climbing: boolean;
    /** max_i E_i − E_0 (eV). */
    readonly barrierEv: number;
    /** max_i E_i − E_{N+1} (eV). */
    readonly reverseBarrierEv: number;
    /** E_{N+1} − E_0 (eV). */
    readonly reactionEnergyEv: number;
    /** Index in the band (0 = initial) of the highest image. */
    readonly saddleImage: number;
    /** Largest atomic NEB force over the moving images at the end (eV/Å). */
    readonly fmaxEvPerA: number;
    /** The final band, ends included, with energies and true forces. */
    readonly band: readonly Structure[];
    /** Energy per image (eV). */
    readonly energies: readonly number[];
    /** Cumulative path length Σ|R_i − R_{i−1}| over all coordinates (Å). */
    readonly reactionCoordinate: readonly number[];
    /** dE/ds at each image along the band, −F·τ̂ (eV/Å), for a smooth interpolated profile. */
    readonly slopes: readonly number[];
}

/** The per-atom minimum-image displacement from a to b (Cartesian, Å), along the periodic directions of a's cell. */
export function minimumImageDisplacement(a: Structure, b: Structure): Float64Array {
    const d = b.positions.map((x, k) => x - a.positions[k]!);
    if (!a.cell || !a.pbc.some(Boolean)) return d;
    const cell = a.cell;
    const inv = invert3(cell);
    for (let i = 0; i < d.length / 3; i++) {
        // fractional f = d · cell⁻¹ (rows of the cell are the lattice vectors), wrapped to [−½, ½)
        const f = [0, 1, 2].map((c) => d[3 * i]! * inv[c]! + d[3 * i + 1]! * inv[3 + c]! + d[3 * i + 2]! * inv[6 + c]!);
        for (let c = 0; c < 3; c++) if (a.pbc[c]) f[c]! -= Math.round(f[c]!);
        for (let c = 0; c < 3; c++) d[3 * i + c] = f[0]! * cell[c]! + f[1]! * cell[3 + c]! + f[2]! * cell[6 + c]!;
    }
    return d;
}

/** The band R_0 … R_{N+1} by linear interpolation of the minimum-image displacement. */
export function interpolateBand(initial: Structure, final: Structure, images: number): Structure[] {
    checkEnds(initial, final);
    const d = minimumImageDisplacement(initial, final);
    return Array.from({ length: images + 2 }, (_, i) => {
        const t = i / (images + 1);
        return { ...initial, positions: initial.positions.map((x, k) => x + t * d[k]!), energy: undefined, forces: undefined, stress: undefined, info: { ...initial.info } };
    });
}

function checkEnds(initial: Structure, final: Structure): void {
    if (initial.symbols.length !== final.symbols.length || initial.symbols.some((s, i) => s !== final.symbols[i])) {
        throw new Error(`the initial and final structures must have the same atoms in the same order (${initial.symbols.length} and ${final.symbols.length} atoms)`);
    }
}

const sub = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from({ length: a.length }, (_, k) => a[k]! - b[k]!);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
    return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

/** The improved tangent τ̂ of the interior image i (unit vector). */
export function improvedTangent(prev: ArrayLike<number>, x: ArrayLike<number>, next: ArrayLike<number>, vPrev: number, v: number, vNext: number): Float64Array {
    const plus = sub(next, x);
    const minus = sub(x, prev);
    let tau: Float64Array;
    if (vNext > v && v > vPrev) tau = plus;
    else if (vNext < v && v < vPrev) tau = minus;
    else {
        const dMax = Math.max(Math.abs(vNext - v), Math.abs(vPrev - v));
        const dMin = Math.min(Math.abs(vNext - v), Math.abs(vPrev - v));
        const [wPlus, wMinus] = vNext > vPrev ? [dMax, dMin] : [dMin, dMax];
        tau = plus.map((p, k) => wPlus * p + wMinus * minus[k]!);
        // equal energies all along (a flat landscape): the bisector of the two segments
        if (norm(tau) === 0) tau = plus.map((p, k) => p + minus[k]!);
    }
    const n = norm(tau);
    return n > 0 ? tau.map((t) => t / n) : tau;
}

export async function runNeb(calculator: Calculator, o: NebOptions): Promise<NebResult> {
    const N = o.images;
    if (!(Number.isInteger(N) && N >= 1)) throw new Error(`a band needs at least one moving image, got ${N}`);
    checkEnds(o.initial, o.final);
    const start = o.band ?? interpolateBand(o.initial, o.final, N);
    if (start.length !== N + 2) throw new Error(`the starting band has ${start.length} structures, expected ${N + 2}`);
    const k = o.spring ?? 0.1;
    const fmax = o.fmax ?? 0.05;
    const maxSteps = o.maxSteps ?? 1000;
    const template = start[0]!;
    const size = template.positions.length; // 3n per image
    const ends = [await calculator(start[0]!), await calculator(start[N + 1]!)];
    const first = Float64Array.from(start[0]!.positions);
    const last = Float64Array.from(start[N + 1]!.positions);

    let climbing = false;
    let iteration = -1;
    /** The band as last evaluated (FIRE accepts every point it evaluates). */
    let state: { positions: Float64Array[]; energies: number[]; forces: Float64Array[]; tangents: Float64Array[]; fmax: number } | undefined;

    /** NEB forces of the moving images (flattened, N·3n) for a band whose true forces are known. */
    const nebForces = (positions: Float64Array[], energies: number[], forces: Float64Array[], climb: boolean) => {
        const out = new Float64Array(N * size);
        const tangents: Float64Array[] = [];
        let top = 1;
        for (let i = 2; i <= N; i++) if (energies[i]! > energies[top]!) top = i;
        for (let i = 1; i <= N; i++) {
            const tau = improvedTangent(positions[i - 1]!, positions[i]!, positions[i + 1]!, energies[i - 1]!, energies[i]!, energies[i + 1]!);
            tangents.push(tau);
            const f = forces[i]!;
            const fPar = dot(f, tau);
            const target = out.subarray((i - 1) * size, i * size);
            if (climb && i === top) {
                for (let c = 0; c < size; c++) target[c] = f[c]! - 2 * fPar * tau[c]!;
            } else {
                const stretch = k * (norm(sub(positions[i + 1]!, positions[i]!)) - norm(sub(positions[i]!, positions[i - 1]!)));
                for (let c = 0; c < size; c++) target[c] = f[c]! - fPar * tau[c]! + stretch * tau[c]!;
            }
        }
        return { out, tangents };
    };

    const objective: Objective = {
        size: N * size,
        atoms: N * template.symbols.length,
        x0: Float64Array.from(start.slice(1, N + 1).flatMap((s) => Array.from(s.positions))),
        async evaluate(x) {
            iteration++;
            const positions = [first, ...Array.from({ length: N }, (_, i) => x.slice(i * size, (i + 1) * size)), last];
            const energies = [ends[0]!.energy];
            const forces = [ends[0]!.forces];
            for (let i = 1; i <= N; i++) {
                const r = await calculator({ ...template, positions: positions[i]! });
                energies.push(r.energy);
                forces.push(r.forces);
            }
            energies.push(ends[1]!.energy);
            forces.push(ends[1]!.forces);
            let neb = nebForces(positions, energies, forces, climbing);
            let f = maxNorm3(neb.out);
            if (o.climbing && !climbing && (f < 10 * fmax || iteration >= maxSteps / 4)) {
                climbing = true;
                neb = nebForces(positions, energies, forces, true);
                f = maxNorm3(neb.out);
            }
            state = { positions, energies, forces, tangents: neb.tangents, fmax: f };
            o.onStep?.(iteration, f, energies, climbing, positions);
            const gradient = neb.out.map((v) => -v);
            return { energy: energies.slice(1, N + 1).reduce((a, b) => a + b, 0), gradient, structure: { ...template, positions: positions[1]! }, calculation: { energy: energies[1]!, forces: forces[1]! } };
        },
        fmax: (g) => maxNorm3(g),
        get evaluations() {
            return iteration + 1;
        },
    };
    const result = await minimizeFire(objective, { fmax, maxSteps });
    const s = state!;
    const E = s.energies;
    const s0: number[] = [0];
    for (let i = 1; i < E.length; i++) s0.push(s0[i - 1]! + norm(sub(s.positions[i]!, s.positions[i - 1]!)));
    // slopes dE/ds = −F·τ̂: interior images along their tangent, the ends along the first / last segment
    const endTangent = (a: Float64Array, b: Float64Array) => {
        const t = sub(b, a);
        const n = norm(t);
        return n > 0 ? t.map((v) => v / n) : t;
    };
    const tangents = [endTangent(s.positions[0]!, s.positions[1]!), ...s.tangents, endTangent(s.positions[N]!, s.positions[N + 1]!)];
    const slopes = E.map((_, i) => -dot(s.forces[i]!, tangents[i]!));
    let top = 0;
    for (let i = 1; i < E.length; i++) if (E[i]! > E[top]!) top = i;
    const band = s.positions.map((positions, i): Structure => ({
        ...template, positions, energy: E[i]!, forces: s.forces[i]!, stress: undefined,
        info: { ...template.info, image: i, reaction_coordinate: s0[i]! },
    }));
    return {
        protocol: 'neb', images: N, converged: result.converged, iterations: result.steps, climbing,
        barrierEv: E[top]! - E[0]!, reverseBarrierEv: E[top]! - E[N + 1]!, reactionEnergyEv: E[N + 1]! - E[0]!,
        saddleImage: top, fmaxEvPerA: s.fmax, band, energies: E, reactionCoordinate: s0, slopes,
    };
}
