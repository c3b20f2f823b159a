// An atomic structure in internal units (Å, eV, eV/Å, eV/Å³). Readers convert on load.

export interface Structure {
    /** Element symbol per atom. */
    readonly symbols: readonly string[];
    /** (atoms, 3) Cartesian positions, Å. */
    readonly positions: Float64Array;
    /** (3, 3) row-major: rows are the lattice vectors a, b, c in Å; undefined for a molecule. */
    readonly cell?: Float64Array;
    /** Periodicity along a, b, c. All false without a cell. */
    readonly pbc: readonly [boolean, boolean, boolean];
    /** Reference total energy, eV. */
    readonly energy?: number;
    /** (atoms, 3) reference forces, eV/Å. */
    readonly forces?: Float64Array;
    /** (3, 3) reference stress, eV/Å³ (ASE sign convention: positive = tensile). */
    readonly stress?: Float64Array;
    /** Per-atom reference charges (n2p2 column 5), e. */
    readonly charges?: Float64Array;
    /** Total reference charge, e. */
    readonly totalCharge?: number;
    /** Free-text comment (n2p2 `comment` line). */
    readonly comment?: string;
    /** Other per-structure key=value data (extended XYZ info), kept for round trips. */
    readonly info: Readonly<Record<string, string | number | boolean>>;
    /** Where it came from, for error messages: file and 1-based line of its first line. */
    readonly source?: { readonly file: string; readonly line: number };
}
