// --length-unit / --energy-unit: the units n2p2 files are written in (they carry none).
import { BOHR_A, HARTREE_EV } from '../../../language/src/units.js';
import { CliError, ExitCode } from './cli-error.js';

export const LENGTH_UNITS: Readonly<Record<string, number>> = { A: 1, Ang: 1, angstrom: 1, bohr: BOHR_A, nm: 10 };
export const ENERGY_UNITS: Readonly<Record<string, number>> = { eV: 1, Ha: HARTREE_EV, hartree: HARTREE_EV, Ry: HARTREE_EV / 2, meV: 1e-3 };

export function unitFactor(command: string, option: string, value: unknown, table: Readonly<Record<string, number>>, fallback: string): { symbol: string; factor: number } {
    const symbol = typeof value === 'string' ? value : fallback;
    const factor = table[symbol];
    if (factor === undefined) throw new CliError(`${command}: --${option} must be one of ${Object.keys(table).join(', ')}, got '${symbol}'`, ExitCode.Usage);
    return { symbol, factor };
}
