// Errors in structure files, and the token checks the readers share. Every message has the form
// `file:line: expected <what>, found <what was there>`: one line that an editor can jump to, and
// that the CLI prints as it is (no stack).

export class DataFileError extends Error {
    override readonly name: string = 'DataFileError';

    constructor(
        readonly file: string,
        /** 1-based line number. */
        readonly line: number,
        /** What the reader expected there. */
        readonly expected: string,
        /** What it found, already quoted or described ("end of file"). */
        readonly found: string,
    ) {
        super(`${file}:${line}: expected ${expected}, found ${found}`);
    }
}

/**
 * A value that is written as a number but is NaN or ±infinity ("nan", "inf", or too large for a
 * double). A separate class so that a caller can decide to skip the structure (readers take an
 * `onNonFinite` option) instead of stopping.
 */
export class NonFiniteValueError extends DataFileError {
    override readonly name: string = 'NonFiniteValueError';
}

/** Options shared by the structure readers. */
export interface ReadOptions {
    /**
     * Without it, a NaN or infinite value is an error like any other. With it, the structure that
     * holds the value is left out, the error is passed here, and reading goes on.
     */
    readonly onNonFinite?: (error: NonFiniteValueError) => void;
}

// A decimal floating-point number as C's strtod, Python's float and Fortran's list-directed read
// all accept it. Hexadecimal and JavaScript's "Infinity" are not numbers in these files.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * The number a token spells, or undefined if it is not a number. NaN and infinities written as
 * such ("nan", "-inf") or by overflow ("1e999") come back as NaN/±Infinity for the caller to
 * report. JavaScript's Number() rounds correctly, so a shortest round-trip or 17-digit
 * representation reads back to the same double.
 */
export function numberToken(token: string): number | undefined {
    if (DECIMAL.test(token)) return Number(token);
    if (NON_FINITE.test(token)) return token.toLowerCase().includes('nan') ? NaN : token.startsWith('-') ? -Infinity : Infinity;
    return undefined;
}

/** A token or line as it appears in a message: in double quotes, shortened if long. */
export function quoted(text: string, max = 40): string {
    const short = text.length > max ? `${text.slice(0, max - 3)}...` : text;
    return JSON.stringify(short);
}

/** Reads numbers for one structure; a non-finite one is thrown or, with onNonFinite, remembered. */
export class NumberReader {
    /** The first non-finite value of the structure being read, when the caller skips those. */
    nonFinite: NonFiniteValueError | undefined;

    constructor(
        readonly file: string,
        private readonly skipNonFinite: boolean,
    ) {}

    /** The number in `token`; `what` names it in the message ("x coordinate of atom 3"). */
    read(token: string | undefined, what: string, line: number): number {
        const value = token === undefined ? undefined : numberToken(token);
        if (value === undefined) throw new DataFileError(this.file, line, `a number for ${what}`, token === undefined ? 'end of line' : quoted(token));
        if (Number.isFinite(value)) return value;
        const error = new NonFiniteValueError(this.file, line, `a finite number for ${what}`, quoted(token!));
        if (!this.skipNonFinite) throw error;
        this.nonFinite ??= error;
        return value;
    }
}
