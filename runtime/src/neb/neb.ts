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
//
// Variable cell (`variable_cell`; a solid-state or generalized NEB after D. Sheppard, P. Xiao,
// W. Chemelewski, D. D. Johnson, G. Henkelman, J. Chem. Phys. 136, 074103 (2012)): for a
// transformation that changes the cell each image carries its cell too. With H₀ the initial end's
// cell (rows = lattice vectors) an image is (u, F): the deformation gradient F maps the reference
// frame onto the image, cell rows a' = F a₀ (H = H₀ Fᵀ), atoms r = F u, so u are the atoms in the
// reference frame (the image's fractional coordinates times H₀). Its coordinate vector is
//   X = (u₁ … u_n, J F)   (3n + 9 numbers, all lengths in Å),
//   J = (V̄/n)^{1/3} n^{1/2},  V̄ the mean volume of the two ends:
// a strain ε then moves X by J|ε|, the size of an atomic displacement of one neighbour distance times
// ε for each of the n atoms, so atoms and cell weigh alike in the band's metric (Sheppard et al.'s
// Jacobian; the saddle point and the energies do not depend on J, only the spacing of the images).
// The generalized force is −∂E/∂X:
//   −∂E/∂u = Fᵀ f,   −∂E/∂(J F) = −W F⁻ᵀ / J,   W = V σ = ∂E/∂ε (eV)
// with σ the calculator's stress in ASE's sign (σ = (1/V) ∂E/∂ε: positive under tension). Tangents,
// spring forces, FIRE and the reaction coordinate all use X unchanged, and the convergence test
// treats the nine cell numbers as three more "atoms" (eV/Å). The ends: F₀ = I, F₁ = (H₀⁻¹ H₁)ᵀ and
// u = F₁⁻¹ r of the final structure, taken by minimum image in H₀ next to the initial atoms.
import type { Calculation, Calculator } from '../md/run-md.js';
import { det3, invert3 } from '../math/mat3.js';
import { minimizeFire } from '../optimize/fire.js';
import { maxNorm3, type Objective } from '../optimize/objective.js';
import type { Structure } from '../structure.js';

export interface NebOptions {
    readonly initial: Structure;
    readonly final: Structure;
    /** Moving images between the two ends. */
    readonly images: number;
    /** Solid-state NEB: the cells of the images move too (periodic ends; the calculator must give the stress). */
    readonly variableCell?: boolean;
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
    /** After each evaluation of the band: the iteration, its largest NEB force, the energies and positions of all images (and the images, with their cells). */
    readonly onStep?: (iteration: number, fmax: number, energies: readonly number[], climbing: boolean, positions: readonly Float64Array[], structures: readonly Structure[]) => void;
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
    /** Cumulative path length Σ|R_i − R_{i−1}| over all coordinates (Å; with a variable cell over X = (u, J F)). */
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

/**
 * A starting band from a guessed path (e.g. a path run's path.extxyz): `count` structures at equal
 * arc length along the polyline through the guess's configurations (Euclidean in all positions,
 * Å), interpolated linearly between neighbours; the first and last are replaced by the band's ends.
 */
export function bandFromGuess(guess: readonly Structure[], initial: Structure, final: Structure, count: number): Structure[] {
    for (const g of guess) checkEnds(initial, g);
    if (guess.length < 2) throw new Error(`a guessed path needs at least 2 structures, got ${guess.length}`);
    const arc = [0];
    for (let k = 1; k < guess.length; k++) {
        let d2 = 0;
        for (let c = 0; c < guess[k]!.positions.length; c++) d2 += (guess[k]!.positions[c]! - guess[k - 1]!.positions[c]!) ** 2;
        arc.push(arc[k - 1]! + Math.sqrt(d2));
    }
    const total = arc.at(-1)!;
    let k = 0;
    return Array.from({ length: count }, (_, i) => {
        if (i === 0) return { ...initial, energy: undefined, forces: undefined, stress: undefined };
        if (i === count - 1) return { ...final, cell: final.cell ?? initial.cell, energy: undefined, forces: undefined, stress: undefined };
        const target = (total * i) / (count - 1);
        while (k < guess.length - 2 && arc[k + 1]! < target) k++;
        const span = arc[k + 1]! - arc[k]!;
        const t = span > 0 ? (target - arc[k]!) / span : 0;
        const a = guess[k]!.positions;
        const b = guess[k + 1]!.positions;
        return { ...initial, positions: a.map((x, c) => x + t * (b[c]! - x)), energy: undefined, forces: undefined, stress: undefined, info: { ...initial.info } };
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

/** The band's coordinates: how a vector X of one image maps to a structure and its generalized force −∂E/∂X. */
export interface BandSpace {
    /** Coordinates per image. */
    readonly size: number;
    /** The structure of the coordinates x. */
    structure(x: Float64Array): Structure;
    /** The coordinates of a structure (an end or a given band). */
    coordinates(s: Structure): Float64Array;
    /** −∂E/∂X at x from the calculation of structure(x). */
    force(x: Float64Array, c: Calculation, s: Structure): Float64Array;
}

/** Fixed cell: X is the 3n Cartesian positions, the force the atomic forces. */
export function positionSpace(template: Structure): BandSpace {
    return {
        size: template.positions.length,
        structure: (x) => ({ ...template, positions: x }),
        coordinates: (s) => Float64Array.from(s.positions),
        force: (_x, c) => c.forces,
    };
}

/** F (row-major 3×3) from the cell of an image: Fᵀ = H₀⁻¹ H. */
function deformationOf(h0inv: Float64Array, cell: ArrayLike<number>): Float64Array {
    const F = new Float64Array(9);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
        let v = 0;
        for (let k = 0; k < 3; k++) v += h0inv[3 * b + k]! * cell[3 * k + a]!; // (H₀⁻¹H)_{ba} = F_{ab}
        F[3 * a + b] = v;
    }
    return F;
}

/** y = M v for each 3-vector of v (M row-major). */
function applyEach(M: ArrayLike<number>, v: ArrayLike<number>, transpose = false): Float64Array {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i += 3) for (let a = 0; a < 3; a++) {
        let y = 0;
        for (let b = 0; b < 3; b++) y += (transpose ? M[3 * b + a]! : M[3 * a + b]!) * v[i + b]!;
        out[i + a] = y;
    }
    return out;
}

/**
 * Variable cell (solid-state NEB): X = (u, J F) with H = H₀ Fᵀ, r = F u (see the header). `final`
 * fixes J through the mean volume of the ends; its atoms are placed by minimum image next to the
 * initial ones in the reference frame.
 */
export function cellSpace(initial: Structure, final: Structure): BandSpace & { readonly jacobian: number } {
    for (const s of [initial, final]) if (!s.cell || !s.pbc.every(Boolean)) throw new Error('a variable-cell band needs ends periodic in all three directions');
    checkEnds(initial, final);
    const n = initial.symbols.length;
    const h0 = Float64Array.from(initial.cell!);
    const h0inv = invert3(h0);
    const meanVolume = (Math.abs(det3(initial.cell!)) + Math.abs(det3(final.cell!))) / 2;
    const J = Math.cbrt(meanVolume / n) * Math.sqrt(n); // Å
    const u0 = Float64Array.from(initial.positions);
    const structure = (x: Float64Array): Structure => {
        const F = x.slice(3 * n).map((v) => v / J);
        const cell = applyEach(F, h0); // each row a' = F a₀
        return { ...initial, positions: applyEach(F, x.subarray(0, 3 * n)), cell, energy: undefined, forces: undefined, stress: undefined };
    };
    const coordinates = (s: Structure): Float64Array => {
        const F = deformationOf(h0inv, s.cell!);
        const u = applyEach(invert3(F), s.positions);
        // the same atoms next to the initial ones: minimum image in the reference cell
        const d = minimumImageDisplacement({ ...initial, positions: u0 }, { ...initial, positions: u });
        const x = new Float64Array(3 * n + 9);
        for (let k = 0; k < 3 * n; k++) x[k] = u0[k]! + d[k]!;
        for (let k = 0; k < 9; k++) x[3 * n + k] = J * F[k]!;
        return x;
    };
    return {
        size: 3 * n + 9,
        jacobian: J,
        structure,
        coordinates,
        force(x, c, s) {
            if (!c.stress) throw new Error('variable_cell: the calculator returned no stress');
            const F = x.slice(3 * n).map((v) => v / J);
            const out = new Float64Array(3 * n + 9);
            out.set(applyEach(F, c.forces, true)); // −∂E/∂u = Fᵀ f
            // −∂E/∂(J F) = −(V σ) F⁻ᵀ / J: (W F⁻ᵀ)_{ab} = Σ_c W_ac (F⁻¹)_{bc}
            const volume = Math.abs(det3(s.cell!));
            const Finv = invert3(F);
            for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
                let g = 0;
                for (let k = 0; k < 3; k++) g += volume * c.stress[3 * a + k]! * Finv[3 * b + k]!;
                out[3 * n + 3 * a + b] = -g / J;
            }
            return out;
        },
    };
}

export async function runNeb(calculator: Calculator, o: NebOptions): Promise<NebResult> {
    const N = o.images;
    if (!(Number.isInteger(N) && N >= 1)) throw new Error(`a band needs at least one moving image, got ${N}`);
    checkEnds(o.initial, o.final);
    const space = o.variableCell ? cellSpace(o.initial, o.final) : positionSpace(o.initial);
    let startX: Float64Array[];
    if (o.band) {
        if (o.band.length !== N + 2) throw new Error(`the starting band has ${o.band.length} structures, expected ${N + 2}`);
        startX = o.band.map((s) => space.coordinates(s));
    } else if (o.variableCell) {
        // linear interpolation of X = (u, J F) between the ends
        const a = space.coordinates(o.initial);
        const b = space.coordinates(o.final);
        startX = Array.from({ length: N + 2 }, (_, i) => a.map((v, k) => v + (i / (N + 1)) * (b[k]! - v)));
    } else {
        startX = interpolateBand(o.initial, o.final, N).map((s) => Float64Array.from(s.positions));
    }
    const k = o.spring ?? 0.1;
    const fmax = o.fmax ?? 0.05;
    const maxSteps = o.maxSteps ?? 1000;
    const size = space.size;
    const first = startX[0]!;
    const last = startX[N + 1]!;
    const evaluate = async (x: Float64Array) => {
        const structure = space.structure(x);
        const c = await calculator(structure);
        return { structure, calculation: c, force: space.force(x, c, structure) };
    };
    const ends = [await evaluate(first), await evaluate(last)];

    let climbing = false;
    let iteration = -1;
    /** The band as last evaluated (FIRE accepts every point it evaluates). */
    let state: { positions: Float64Array[]; energies: number[]; forces: Float64Array[]; evaluations: Awaited<ReturnType<typeof evaluate>>[]; tangents: Float64Array[]; fmax: number } | undefined;

    /** NEB forces of the moving images (flattened, N·size) for a band whose true (generalized) forces are known. */
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
        atoms: N * o.initial.symbols.length,
        x0: Float64Array.from(startX.slice(1, N + 1).flatMap((x) => Array.from(x))),
        async evaluate(x) {
            iteration++;
            const positions = [first, ...Array.from({ length: N }, (_, i) => x.slice(i * size, (i + 1) * size)), last];
            const evaluations = [ends[0]!];
            for (let i = 1; i <= N; i++) evaluations.push(await evaluate(positions[i]!));
            evaluations.push(ends[1]!);
            const energies = evaluations.map((e) => e.calculation.energy);
            const forces = evaluations.map((e) => e.force);
            let neb = nebForces(positions, energies, forces, climbing);
            let f = maxNorm3(neb.out);
            if (o.climbing && !climbing && (f < 10 * fmax || iteration >= maxSteps / 4)) {
                climbing = true;
                neb = nebForces(positions, energies, forces, true);
                f = maxNorm3(neb.out);
            }
            state = { positions, energies, forces, evaluations, tangents: neb.tangents, fmax: f };
            o.onStep?.(iteration, f, energies, climbing, evaluations.map((e) => e.structure.positions), evaluations.map((e) => e.structure));
            const gradient = neb.out.map((v) => -v);
            return { energy: energies.slice(1, N + 1).reduce((a, b) => a + b, 0), gradient, structure: evaluations[1]!.structure, calculation: evaluations[1]!.calculation };
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
    const band = s.evaluations.map(({ structure, calculation }, i): Structure => ({
        ...structure, energy: E[i]!, forces: calculation.forces, stress: o.variableCell ? calculation.stress : undefined,
        info: { ...o.initial.info, image: i, reaction_coordinate: s0[i]! },
    }));
    return {
        protocol: 'neb', images: N, converged: result.converged, iterations: result.steps, climbing,
        barrierEv: E[top]! - E[0]!, reverseBarrierEv: E[top]! - E[N + 1]!, reactionEnergyEv: E[N + 1]! - E[0]!,
        saddleImage: top, fmaxEvPerA: s.fmax, band, energies: E, reactionCoordinate: s0, slopes,
    };
}
