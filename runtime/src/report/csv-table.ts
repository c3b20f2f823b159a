// The CSV files nnp writes (thermo logs, frequencies, scores, rankings): a header line, then rows of
// plain comma-separated values (no quoting: none of our values holds a comma).
import { readFileSync } from 'node:fs';

export interface CsvTable {
    readonly header: readonly string[];
    readonly rows: readonly (readonly string[])[];
}

export function readCsv(path: string): CsvTable {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const header = (lines[0] ?? '').split(',');
    return { header, rows: lines.slice(1).map((l) => l.split(',')) };
}

/** The numbers of a column by name (NaN where a cell is empty or not a number); undefined if absent. */
export function column(t: CsvTable, name: string): number[] | undefined {
    const k = t.header.indexOf(name);
    if (k < 0) return undefined;
    return t.rows.map((r) => (r[k] === undefined || r[k] === '' ? NaN : Number(r[k])));
}
