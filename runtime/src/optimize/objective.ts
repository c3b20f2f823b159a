// What the optimisers minimise: an energy over a flat vector of coordinates, with its gradient.
// Two kinds: the atoms' Cartesian positions (gradient = −forces), and positions plus the cell
// (`relax_cell`), where the coordinates are the positions of a reference configuration and the
// deformation gradient F = I + ε (times a cell factor, as ASE's UnitCellFilter): the structure is
// r = F r_ref, cell rows a' = F a. Its gradient is ∂E/∂r_ref = −Fᵀ f and ∂E/∂F = W F⁻ᵀ, with
// W = V σ the virial (∂E/∂ε of a strain of the current structure; eV), so a relaxed cell has zero
// stress (at zero external pressure).
import type { Calculation, Calculator } from '../md/run-md.js';
import { det3, invert3 } from '../math/mat3.js';
import type { Structure } from '../structure.js';

export interface Evaluation {
    readonly energy: number;
    readonly gradient: Float64Array;
    readonly structure: Structure;
    readonly calculation: Calculation;
}

export interface Objective {
    /** Number of coordinates. */
    readonly size: number;
    /** Number of atoms (the first 3N coordinates are theirs). */
    readonly atoms: number;
    readonly x0: Float64Array;
    evaluate(x: Float64Array): Promise<Evaluation>;
    /** The largest "force" of a gradient: atoms' |f| (eV/Å) and, with a cell, the cell's per-row norm. */
    fmax(gradient: Float64Array): number;
    /** Calculator calls so far. */
    readonly evaluations: number;
}

/** Largest per-triple Euclidean norm of a vector of 3-vectors (eV/Å for forces). */
export function maxNorm3(v: ArrayLike<number>, count = v.length / 3): number {
    let m = 0;
    for (let i = 0; i < count; i++) m = Math.max(m, Math.hypot(v[3 * i]!, v[3 * i + 1]!, v[3 * i + 2]!));
    return m;
}

/** Atoms move, the cell (if any) is fixed. */
export function positionsObjective(start: Structure, calculator: Calculator): Objective {
    let evaluations = 0;
    return {
        size: start.positions.length,
        atoms: start.symbols.length,
        x0: Float64Array.from(start.positions),
        async evaluate(x) {
            evaluations++;
            const structure: Structure = { ...start, positions: Float64Array.from(x) };
            const calculation = await calculator(structure);
            return { energy: calculation.energy, gradient: calculation.forces.map((f) => -f), structure, calculation };
        },
        fmax: (g) => maxNorm3(g),
        get evaluations() {
            return evaluations;
        },
    };
}

/** Atoms and cell move (periodic structures; the calculator must return the stress). */
export function cellObjective(start: Structure, calculator: Calculator): Objective {
    if (!start.cell || !start.pbc.every(Boolean)) throw new Error('relax_cell needs a structure periodic in all three directions');
    const n = start.symbols.length;
    const factor = n; // ASE's default cell factor: cell coordinates scaled like an atom's
    const refCell = start.cell;
    let evaluations = 0;
    const deformation = (x: Float64Array) => Float64Array.from({ length: 9 }, (_, k) => x[3 * n + k]! / factor);
    return {
        size: 3 * n + 9,
        atoms: n,
        x0: Float64Array.from([...start.positions, 1, 0, 0, 0, 1, 0, 0, 0, 1].map((v, k) => (k >= 3 * n ? v * factor : v))),
        async evaluate(x) {
            evaluations++;
            const F = deformation(x);
            const positions = new Float64Array(3 * n);
            for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) {
                positions[3 * i + a] = F[3 * a]! * x[3 * i]! + F[3 * a + 1]! * x[3 * i + 1]! + F[3 * a + 2]! * x[3 * i + 2]!;
            }
            const cell = new Float64Array(9);
            for (let r = 0; r < 3; r++) for (let a = 0; a < 3; a++) {
                cell[3 * r + a] = F[3 * a]! * refCell[3 * r]! + F[3 * a + 1]! * refCell[3 * r + 1]! + F[3 * a + 2]! * refCell[3 * r + 2]!;
            }
            const structure: Structure = { ...start, positions, cell };
            const calculation = await calculator(structure);
            if (!calculation.stress) throw new Error('relax_cell: the calculator returned no stress for this structure');
            const volume = Math.abs(det3(cell));
            const gradient = new Float64Array(3 * n + 9);
            // ∂E/∂r_ref = −Fᵀ f
            for (let i = 0; i < n; i++) for (let b = 0; b < 3; b++) {
                let g = 0;
                for (let a = 0; a < 3; a++) g -= F[3 * a + b]! * calculation.forces[3 * i + a]!;
                gradient[3 * i + b] = g;
            }
            // ∂E/∂F = W F⁻ᵀ with W = V σ; the coordinates are factor·F
            const Finv = invert3(F);
            for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
                let g = 0;
                for (let c = 0; c < 3; c++) g += volume * calculation.stress[3 * a + c]! * Finv[3 * b + c]!;
                gradient[3 * n + 3 * a + b] = g / factor;
            }
            return { energy: calculation.energy, gradient, structure, calculation };
        },
        fmax: (g) => Math.max(maxNorm3(g.subarray(0, 3 * n)), maxNorm3(g.subarray(3 * n))),
        get evaluations() {
            return evaluations;
        },
    };
}
