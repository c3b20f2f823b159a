// Physical units of the .nnp language. Every dimensioned number is converted on load to the
// internal system: energy eV, length Å, time fs, mass amu, temperature K, angle rad.
// Energy and pressure are kept as their own dimensions (not reduced to amu·Å²/fs²) so that a
// diagnostic can say "expected an energy" in the words a user thinks in.

export const BASE_DIMENSIONS = ['energy', 'length', 'time', 'mass', 'temperature', 'angle'] as const;
export type BaseDimension = (typeof BASE_DIMENSIONS)[number];
/** Exponents of the base dimensions, e.g. force = { energy: 1, length: -1 }. */
export type Dimension = Readonly<Partial<Record<BaseDimension, number>>>;

export interface UnitValue {
    /** Multiply a number in this unit by `factor` to get internal units. */
    readonly factor: number;
    readonly dimension: Dimension;
}

// CODATA 2018 constants.
const EV_PER_JOULE = 1 / 1.602176634e-19;
const AVOGADRO = 6.02214076e23;
export const HARTREE_EV = 27.211386245988;
export const BOHR_A = 0.529177210903;
export const PASCAL_EV_PER_A3 = EV_PER_JOULE * 1e-30; // 1 J/m³ in eV/Å³

const E: Dimension = { energy: 1 };
const L: Dimension = { length: 1 };
const T: Dimension = { time: 1 };
const PRESSURE: Dimension = { energy: 1, length: -3 };

/** Unit symbols (case-sensitive, as physicists write them). */
export const UNITS: ReadonlyMap<string, UnitValue> = new Map<string, UnitValue>([
    // length
    ['A', { factor: 1, dimension: L }],
    ['Ang', { factor: 1, dimension: L }],
    ['angstrom', { factor: 1, dimension: L }],
    ['\u00C5', { factor: 1, dimension: L }],
    ['bohr', { factor: BOHR_A, dimension: L }],
    ['nm', { factor: 10, dimension: L }],
    ['pm', { factor: 0.01, dimension: L }],
    ['cm', { factor: 1e8, dimension: L }],
    ['m', { factor: 1e10, dimension: L }],
    // energy
    ['eV', { factor: 1, dimension: E }],
    ['meV', { factor: 1e-3, dimension: E }],
    ['Ha', { factor: HARTREE_EV, dimension: E }],
    ['hartree', { factor: HARTREE_EV, dimension: E }],
    ['Ry', { factor: HARTREE_EV / 2, dimension: E }],
    ['kcal', { factor: 4184 * EV_PER_JOULE, dimension: E }],
    ['kJ', { factor: 1000 * EV_PER_JOULE, dimension: E }],
    ['J', { factor: EV_PER_JOULE, dimension: E }],
    // amount: "per mol" divides by Avogadro's number (kcal/mol → eV per particle)
    ['mol', { factor: AVOGADRO, dimension: {} }],
    // time
    ['fs', { factor: 1, dimension: T }],
    ['ps', { factor: 1e3, dimension: T }],
    ['ns', { factor: 1e6, dimension: T }],
    ['s', { factor: 1e15, dimension: T }],
    // frequency
    ['THz', { factor: 1e-3, dimension: { time: -1 } }],
    ['Hz', { factor: 1e-15, dimension: { time: -1 } }],
    // mass
    ['amu', { factor: 1, dimension: { mass: 1 } }],
    ['u', { factor: 1, dimension: { mass: 1 } }],
    ['Da', { factor: 1, dimension: { mass: 1 } }],
    ['g', { factor: AVOGADRO, dimension: { mass: 1 } }], // g/mol = amu
    // temperature
    ['K', { factor: 1, dimension: { temperature: 1 } }],
    // angle
    ['deg', { factor: Math.PI / 180, dimension: { angle: 1 } }],
    ['rad', { factor: 1, dimension: { angle: 1 } }],
    // pressure (internal eV/Å³)
    ['Pa', { factor: PASCAL_EV_PER_A3, dimension: PRESSURE }],
    ['kPa', { factor: 1e3 * PASCAL_EV_PER_A3, dimension: PRESSURE }],
    ['MPa', { factor: 1e6 * PASCAL_EV_PER_A3, dimension: PRESSURE }],
    ['GPa', { factor: 1e9 * PASCAL_EV_PER_A3, dimension: PRESSURE }],
    ['bar', { factor: 1e5 * PASCAL_EV_PER_A3, dimension: PRESSURE }],
    ['kbar', { factor: 1e8 * PASCAL_EV_PER_A3, dimension: PRESSURE }],
    ['atm', { factor: 101325 * PASCAL_EV_PER_A3, dimension: PRESSURE }],
    ['percent', { factor: 0.01, dimension: {} }],
]);

/** The dimensions a position in a spec can require, with the words a diagnostic uses. */
export interface NamedDimension {
    readonly name: string;
    readonly dimension: Dimension;
    /** Units offered in messages and completion. */
    readonly examples: readonly string[];
}

export const DIMENSIONS = {
    dimensionless: { name: 'a plain number', dimension: {}, examples: [] },
    length: { name: 'a length', dimension: L, examples: ['A', 'bohr', 'nm'] },
    inverseLength: { name: 'an inverse length', dimension: { length: -1 }, examples: ['/A', '/bohr'] },
    inverseArea: { name: 'an inverse squared length', dimension: { length: -2 }, examples: ['/A^2', '/bohr^2'] },
    energy: { name: 'an energy', dimension: E, examples: ['eV', 'Ha', 'kcal/mol', 'kJ/mol'] },
    inverseEnergy: { name: 'an inverse energy', dimension: { energy: -1 }, examples: ['/eV', '/Ha'] },
    force: { name: 'a force', dimension: { energy: 1, length: -1 }, examples: ['eV/A', 'Ha/bohr'] },
    springConstant: { name: 'a spring constant', dimension: { energy: 1, length: -2 }, examples: ['eV/A^2'] },
    energyLength9: { name: 'an energy times length⁹ (the ATM C9 coefficient)', dimension: { energy: 1, length: 9 }, examples: ['eV*A^9'] },
    time: { name: 'a time', dimension: T, examples: ['fs', 'ps'] },
    frequency: { name: 'a frequency', dimension: { time: -1 }, examples: ['THz', '/ps'] },
    mass: { name: 'a mass', dimension: { mass: 1 }, examples: ['amu'] },
    temperature: { name: 'a temperature', dimension: { temperature: 1 }, examples: ['K'] },
    angle: { name: 'an angle', dimension: { angle: 1 }, examples: ['deg', 'rad'] },
    pressure: { name: 'a pressure', dimension: PRESSURE, examples: ['bar', 'GPa', 'eV/A^3'] },
} as const satisfies Record<string, NamedDimension>;
export type DimensionName = keyof typeof DIMENSIONS;

/** A unit written as factors: `eV/A^2` = [eV^1, A^-2]. */
export interface UnitTerm {
    readonly name: string;
    readonly power: number;
}

export type UnitResult =
    | { readonly ok: true; readonly value: UnitValue }
    | { readonly ok: false; readonly unknown: string };

/** Combines unit terms into one factor and dimension; reports the first unknown symbol. */
export function evaluateUnit(terms: readonly UnitTerm[]): UnitResult {
    let factor = 1;
    const dims: Partial<Record<BaseDimension, number>> = {};
    for (const term of terms) {
        const unit = UNITS.get(term.name);
        if (!unit) return { ok: false, unknown: term.name };
        factor *= Math.pow(unit.factor, term.power);
        for (const base of BASE_DIMENSIONS) {
            const exponent = (unit.dimension[base] ?? 0) * term.power;
            if (exponent !== 0) dims[base] = (dims[base] ?? 0) + exponent;
        }
    }
    for (const base of BASE_DIMENSIONS) if (dims[base] === 0) delete dims[base];
    return { ok: true, value: { factor, dimension: dims } };
}

export function sameDimension(a: Dimension, b: Dimension): boolean {
    return BASE_DIMENSIONS.every((base) => (a[base] ?? 0) === (b[base] ?? 0));
}

/** Human words for a dimension: the named one if any, else e.g. "energy·length⁻¹". */
export function describeDimension(d: Dimension): string {
    for (const named of Object.values(DIMENSIONS)) if (sameDimension(named.dimension, d)) return named.name;
    const parts = BASE_DIMENSIONS.filter((b) => d[b]).map((b) => (d[b] === 1 ? b : `${b}^${d[b]}`));
    return parts.join('·');
}

/** Unit symbols close to a misspelled one (case-insensitive match, then edit distance 1). */
export function suggestUnits(name: string): string[] {
    const lower = name.toLowerCase();
    const symbols = [...UNITS.keys()];
    const exact = symbols.filter((s) => s.toLowerCase() === lower);
    if (exact.length > 0) return exact;
    return symbols.filter((s) => editDistance(s.toLowerCase(), lower) <= 1);
}

export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0]!;
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = row[j]!;
            row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = tmp;
        }
    }
    return row[b.length]!;
}
