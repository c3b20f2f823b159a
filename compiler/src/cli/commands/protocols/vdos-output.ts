// The VDOS files both phonons and md write: vdos.csv (one density column per calculator) and vdos.svg
// (all curves on one plot, the overlap in the title when there are two).
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { vdosOverlap, type Vdos, type VdosGrid } from '../../../../../runtime/src/phonons/vdos.js';
import { lineChart } from '../../../../../runtime/src/report/svg-plot.js';
import { find, type ProtocolContext } from './context.js';

/** Frequencies in the IR are in 1/fs; 1 THz = 10⁻³ /fs. */
export const THZ = 1e3;

export interface VdosSettings {
    readonly smearingThz: number;
    readonly bins: number;
    /** THz; 0 = chosen from the data. */
    readonly maxThz: number;
}

export function vdosSettings(ctx: ProtocolContext): VdosSettings | undefined {
    const item = find(ctx.run.items, 'Vdos');
    if (!item) return undefined;
    return {
        smearingThz: ((item['smearing'] as number | undefined) ?? 0.2e-3) * THZ,
        bins: (item['bins'] as number | undefined) ?? 400,
        maxThz: ((item['max'] as number | undefined) ?? 0) * THZ,
    };
}

export function vdosGrid(s: VdosSettings | undefined, highestThz: number): VdosGrid {
    const smearing = s?.smearingThz ?? 0.2;
    return { bins: s?.bins ?? 400, maxThz: s?.maxThz || Math.ceil(1.1 * highestThz + 4 * smearing) };
}

/** Writes the files; returns the overlap of the first two curves (if two). */
export function writeVdos(ctx: ProtocolContext, title: string, curves: readonly { readonly name: string; readonly vdos: Vdos }[]): number | undefined {
    const [a, b] = curves;
    const overlap = a && b ? vdosOverlap(a.vdos, b.vdos) : undefined;
    const rows = Array.from(a!.vdos.frequencyThz, (f, k) => [f, ...curves.map((c) => c.vdos.density[k])].join(','));
    writeFileAtomic(join(ctx.outDir, 'vdos.csv'), `frequency_THz,${curves.map((c) => `${c.name}_per_THz`).join(',')}\n${rows.join('\n')}\n`);
    const colors = ['#1f77b4', '#d62728'];
    const series = curves.map((c, k) => ({ name: c.name, color: colors[k % 2]!, x: c.vdos.frequencyThz, y: c.vdos.density }));
    writeFileAtomic(join(ctx.outDir, 'vdos.svg'), lineChart(`${title}${overlap !== undefined ? `, overlap ${overlap.toFixed(3)}` : ''}`, 'frequency (THz)', 'g(f) (1/THz)', series, false));
    return overlap;
}
