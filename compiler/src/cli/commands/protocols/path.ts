// The path protocol: the energy of a probe atom over a grid of two of its coordinates (`axis x of
// atom 0 from … to … points n`, twice), and the cheapest path across it (runtime/src/landscape/
// grid-path.ts: Dijkstra, 8 neighbours, kept at or below the lowest pass). The ends are the probe
// atom's positions in `initial` / `final` when given, else the two lowest minima of the grid.
// For comparison, the straight segment between the same ends: the calculator's energies along it,
// sampled at the finer grid spacing, and the same discrete line integral as the path's cost.
// Writes grid.csv, path.csv, path.extxyz (the route as structures: a neb run's `guess`), straight-line.csv
// and landscape.svg (a heat map with both routes).
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../../runtime/src/io/atomic-write.js';
import { writeExtxyz } from '../../../../../runtime/src/io/extxyz.js';
import type { EnergyGrid, GridAxis, GridPath } from '../../../../../runtime/src/landscape/grid-path.js';
import type { Calculator } from '../../../../../runtime/src/md/run-md.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import { heatMap } from '../../../../../runtime/src/report/svg-plot.js';
import { CliError } from '../../cli-error.js';
import { findAll, startStructure, structureFile, type Protocol } from './context.js';

const COORDINATES = ['x', 'y', 'z'] as const;

export interface PathSummary {
    readonly protocol: 'path';
    readonly atom: number;
    /** Coordinate names of the two axes. */
    readonly axes: readonly [string, string];
    readonly gridPoints: number;
    /** Points on the path. */
    readonly points: number;
    readonly pathLengthA: number;
    /** The path's discrete line integral of E − E_min (eV·Å): Σ ½(E_u + E_v − 2 E_min)|x_u − x_v|. */
    readonly costEvA: number;
    /** E_min: the lowest energy on the grid (eV), the zero of the cost. */
    readonly gridMinimumEv: number;
    /** Highest energy on the path minus the start's (eV). */
    readonly barrierEv: number;
    readonly highestEnergyEv: number;
    readonly startEnergyEv: number;
    readonly endEnergyEv: number;
    /** Coordinates (Å) along the two axes. */
    readonly start: readonly [number, number];
    readonly end: readonly [number, number];
    readonly highest: readonly [number, number];
    /** Where the ends came from. */
    readonly ends: 'initial/final' | 'grid minima';
    /** The straight segment between the path's ends, for comparison. */
    readonly straightLine: {
        readonly points: number;
        readonly lengthA: number;
        /** The same line integral as `costEvA`, over the segment (eV·Å). */
        readonly costEvA: number;
        readonly highestEnergyEv: number;
        /** Highest energy on the segment minus the start's (eV). */
        readonly barrierEv: number;
        readonly highest: readonly [number, number];
    };
}

/** Energies along a straight segment of the probe atom's two coordinates. */
interface LineProfile {
    /** (points, 2) coordinates (Å). */
    readonly coordinates: ReadonlyArray<readonly [number, number]>;
    /** Distance from the start (Å). */
    readonly distance: readonly number[];
    /** eV */
    readonly energies: readonly number[];
    /** Σ ½(E_k + E_k+1 − 2 E_min)|Δx| (eV·Å), the step cost of the grid path. */
    readonly cost: number;
    readonly highestIndex: number;
}

export const pathProtocol: Protocol = {
    async run(ctx) {
        const { run } = ctx;
        const items = findAll(run.items, 'PathAxis');
        if (items.length !== 2) throw new CliError(`nnp run: '${run.name}': a path run needs exactly two axes, got ${items.length}`);
        const atom = items[0]!['atom'] as number;
        if (items[1]!['atom'] !== atom) throw new CliError(`nnp run: '${run.name}': both axes must move the same atom`);
        const axes = items.map((i): GridAxis => ({
            coordinate: COORDINATES.indexOf(i['coordinate'] as 'x') as 0 | 1 | 2,
            from: i['from'] as number, to: i['to'] as number, points: i['points'] as number,
        })) as [GridAxis, GridAxis];
        const names = axes.map((a) => COORDINATES[a.coordinate]) as [string, string];
        const probe = startStructure(ctx);
        if (atom >= probe.symbols.length) throw new CliError(`nnp run: '${run.name}': atom ${atom} does not exist (the structure has ${probe.symbols.length} atoms)`);
        const { energyGrid, gridMinima, gridPath, nearestNode } = await import('../../../../../runtime/src/landscape/grid-path.js');
        let reported = 0;
        const grid = await energyGrid(probe, atom, axes, ctx.calculator, (row, rows) => {
            if (row === rows || row >= reported + rows / 10) {
                reported = row;
                ctx.err(`${run.name}: grid row ${row}/${rows}`);
            }
        });
        const endNode = (kind: 'initial' | 'final'): number | undefined => {
            const item = run.items.find((i) => i.type === 'NebEnds' && i['kind'] === kind);
            if (!item) return undefined;
            const s = structureFile(ctx, item['path'] as string);
            if (atom >= s.symbols.length) throw new CliError(`nnp run: '${run.name}': ${String(item['path'])} has no atom ${atom}`);
            return nearestNode(grid, [s.positions[3 * atom + axes[0].coordinate]!, s.positions[3 * atom + axes[1].coordinate]!]);
        };
        let start = endNode('initial');
        let end = endNode('final');
        const fromMinima = start === undefined || end === undefined;
        if (fromMinima) {
            const minima = gridMinima(grid).filter((m) => m !== start && m !== end);
            if (start === undefined) start = minima.shift();
            if (end === undefined) end = minima.shift();
            if (start === undefined || end === undefined) throw new CliError(`nnp run: '${run.name}': the grid has fewer than two local minima; give 'initial' and 'final'`);
        }
        const path = gridPath(grid, start!, end!);
        const eMin = grid.energies.reduce((a, b) => Math.min(a, b), Infinity);
        const spacing = Math.min(...[grid.a, grid.b].filter((v) => v.length > 1).map((v) => Math.abs(v[1]! - v[0]!)));
        const line = await straightLine(probe, atom, axes, path.coordinates[0]!, path.coordinates.at(-1)!, spacing, eMin, ctx.calculator);
        writeFileAtomic(join(ctx.outDir, 'grid.csv'), gridCsv(grid, names));
        writeFileAtomic(join(ctx.outDir, 'path.csv'), pathCsv(path, names));
        // the route as structures (the probe atom moved along it): a neb run's `guess`
        writeFileAtomic(join(ctx.outDir, 'path.extxyz'), writeExtxyz(path.coordinates.map((c, k) => {
            const positions = Float64Array.from(probe.positions);
            positions[3 * atom + axes[0].coordinate] = c[0];
            positions[3 * atom + axes[1].coordinate] = c[1];
            return { ...probe, positions, energy: path.energies[k]!, forces: undefined, stress: undefined, info: { ...probe.info, point: k } };
        })));
        writeFileAtomic(join(ctx.outDir, 'straight-line.csv'), profileCsv(line.coordinates, line.distance, line.energies, names));
        writeFileAtomic(join(ctx.outDir, 'landscape.svg'), landscapeSvg(grid, path, line, names, atom, run.name));
        const summary: PathSummary = {
            protocol: 'path', atom, axes: names, gridPoints: grid.energies.length, points: path.nodes.length, pathLengthA: path.arcLength.at(-1)!,
            costEvA: path.cost, gridMinimumEv: eMin,
            barrierEv: path.barrier, highestEnergyEv: path.highestEnergy, startEnergyEv: path.energies[0]!, endEnergyEv: path.energies.at(-1)!,
            start: path.coordinates[0]!, end: path.coordinates.at(-1)!, highest: path.coordinates[path.highestIndex]!,
            ends: fromMinima ? 'grid minima' : 'initial/final',
            straightLine: {
                points: line.energies.length, lengthA: line.distance.at(-1)!, costEvA: line.cost,
                highestEnergyEv: line.energies[line.highestIndex]!, barrierEv: line.energies[line.highestIndex]! - line.energies[0]!,
                highest: line.coordinates[line.highestIndex]!,
            },
        };
        return summary;
    },
    describe(summary) {
        const s = summary as unknown as PathSummary;
        const at = (p: readonly [number, number]) => `(${p.map((v) => v.toFixed(3)).join(', ')})`;
        return `${s.points}-point path over ${s.gridPoints} grid points from ${at(s.start)} to ${at(s.end)} A, length ${s.pathLengthA.toFixed(3)} A, barrier ${s.barrierEv.toFixed(4)} eV at ${at(s.highest)}, `
            + `cost ${s.costEvA.toPrecision(4)} eV*A (straight line: ${s.straightLine.lengthA.toFixed(3)} A, barrier ${s.straightLine.barrierEv.toFixed(4)} eV, cost ${s.straightLine.costEvA.toPrecision(4)} eV*A)`;
    },
};

/**
 * The straight segment from `from` to `to` (the probe's two coordinates, Å), sampled no coarser than
 * `spacing` (ends included), with the calculator's energies and the grid path's step cost summed.
 * Off-grid samples may lie slightly below E_min; their terms are then slightly negative.
 */
async function straightLine(structure: Structure, atom: number, axes: readonly [GridAxis, GridAxis], from: readonly [number, number], to: readonly [number, number], spacing: number, eMin: number, calculator: Calculator): Promise<LineProfile> {
    const length = Math.hypot(to[0] - from[0], to[1] - from[1]);
    const count = length > 0 ? Math.max(2, Math.ceil(length / spacing) + 1) : 1;
    const coordinates: [number, number][] = [];
    const distance: number[] = [];
    const energies: number[] = [];
    let cost = 0;
    let highestIndex = 0;
    for (let k = 0; k < count; k++) {
        const t = count > 1 ? k / (count - 1) : 0;
        const p: [number, number] = [from[0] + t * (to[0] - from[0]), from[1] + t * (to[1] - from[1])];
        const positions = Float64Array.from(structure.positions);
        positions[3 * atom + axes[0].coordinate] = p[0];
        positions[3 * atom + axes[1].coordinate] = p[1];
        const energy = (await calculator({ ...structure, positions })).energy;
        coordinates.push(p);
        distance.push(t * length);
        energies.push(energy);
        if (k > 0) cost += 0.5 * (energies[k - 1]! + energy - 2 * eMin) * (length / (count - 1));
        if (energy > energies[highestIndex]!) highestIndex = k;
    }
    return { coordinates, distance, energies, cost, highestIndex };
}

function gridCsv(grid: EnergyGrid, names: readonly [string, string]): string {
    const lines = [`${names[0]}_A,${names[1]}_A,energy_eV`];
    const nb = grid.b.length;
    for (let i = 0; i < grid.a.length; i++) for (let j = 0; j < nb; j++) lines.push(`${grid.a[i]!},${grid.b[j]!},${grid.energies[i * nb + j]!}`);
    return `${lines.join('\n')}\n`;
}

function pathCsv(path: GridPath, names: readonly [string, string]): string {
    return profileCsv(path.coordinates, path.arcLength, path.energies, names);
}

/** Points along a route: coordinates, arc length, energy and energy relative to the first point. */
function profileCsv(coordinates: ReadonlyArray<readonly [number, number]>, arcLength: readonly number[], energies: readonly number[], names: readonly [string, string]): string {
    const lines = [`point,${names[0]}_A,${names[1]}_A,arc_length_A,energy_eV,relative_energy_eV`];
    coordinates.forEach(([a, b], k) => lines.push(`${k},${a},${b},${arcLength[k]!},${energies[k]!},${energies[k]! - energies[0]!}`));
    return `${lines.join('\n')}\n`;
}

/** The landscape as a heat map, clipped at 1.5× the path's height above the grid minimum so that the valleys keep their contrast. */
function landscapeSvg(grid: EnergyGrid, path: GridPath, line: LineProfile, names: readonly [string, string], atom: number, name: string): string {
    const eMin = grid.energies.reduce((a, b) => Math.min(a, b), Infinity);
    const clip = eMin + 1.5 * Math.max(path.highestEnergy - eMin, 1e-9);
    const top = path.coordinates[path.highestIndex]!;
    return heatMap(`${name}: barrier ${path.barrier.toPrecision(4)} eV`, `${names[0]} of atom ${atom} (Å)`, `${names[1]} of atom ${atom} (Å)`, 'energy (eV)',
        { x: grid.a, y: grid.b, z: grid.energies }, [
            { name: 'straight line', color: '#17becf', x: line.coordinates.map((p) => p[0]), y: line.coordinates.map((p) => p[1]) },
            { name: 'path', color: '#ff7f0e', x: path.coordinates.map((p) => p[0]), y: path.coordinates.map((p) => p[1]) },
            { name: 'ends', color: '#e377c2', x: [path.coordinates[0]![0], path.coordinates.at(-1)![0]], y: [path.coordinates[0]![1], path.coordinates.at(-1)![1]], line: false, dots: true },
            { name: 'highest point', color: '#d62728', x: [top[0]], y: [top[1]], line: false, dots: true },
        ], clip);
}
