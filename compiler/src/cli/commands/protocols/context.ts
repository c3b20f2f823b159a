// What every `nnp run` protocol gets: its run block, the spec, where to write, a calculator (model or
// analytic potential) and a way to build another one (for `compare`), plus the error stream.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PlainIR, RunIR, SpecIR } from '../../../ir/model-ir.js';
import type { DeviceForceField } from '../../../../../runtime/src/gpu/device-md.js';
import { readStructures } from '../../../../../runtime/src/io/read-structures.js';
import type { Calculator } from '../../../../../runtime/src/md/run-md.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import { structuresOf } from '../../../../../runtime/src/structures/source.js';
import { CliError } from '../../cli-error.js';

export interface LoadedCalculator {
    readonly calculator: Calculator;
    /** On WebGPU: the force field for protocols that keep work on the device (md). */
    readonly device?: DeviceForceField;
    /** amu per atom of a structure's symbols. */
    readonly massesOf: (symbols: readonly string[]) => Float64Array;
    readonly close: () => Promise<void>;
}

export interface ProtocolContext {
    readonly run: RunIR;
    readonly ir: SpecIR;
    readonly specDir: string;
    /** The run's output folder (created): `output "dir"` or out/<run name>. */
    readonly outDir: string;
    readonly calculator: Calculator;
    /** Set when the calculator runs on WebGPU and can be driven on the device (md). */
    readonly device?: DeviceForceField;
    readonly massesOf: (symbols: readonly string[]) => Float64Array;
    /** Another calculator of the spec by name (closed by the caller of the protocol). */
    readonly calculatorNamed: (name: string) => Promise<LoadedCalculator>;
    readonly err: (line: string) => void;
    /** `nnp run --resume`: continue from the run's restart file. */
    readonly resume: boolean;
}

/** The protocol's key figures, written to summary.json. */
export interface ProtocolSummary {
    readonly protocol: string;
}

export interface Protocol {
    run(ctx: ProtocolContext): Promise<ProtocolSummary>;
    /** One line for the terminal. */
    describe(summary: ProtocolSummary): string;
}

export const find = (items: readonly PlainIR[], type: string): PlainIR | undefined => items.find((i) => i.type === type);
export const findAll = (items: readonly PlainIR[], type: string): PlainIR[] => items.filter((i) => i.type === type);

/** A numeric setting of the run block, or its default. */
export function setting(run: RunIR, type: string, key: string, fallback: number): number {
    return (find(run.items, type)?.[key] as number | undefined) ?? fallback;
}

/** The run's structure (`crystal …` or the first frame of `from "file"`). */
export function startStructure(ctx: Pick<ProtocolContext, 'run' | 'specDir'>): Structure {
    const item = ctx.run.items.find((i) => i.type === 'CrystalStructure' || i.type === 'FileStructure');
    if (!item) throw new CliError(`nnp run: '${ctx.run.name}' names no structure (add 'crystal …' or 'from "file"')`);
    const s = structuresOf(item, (p) => readStructures(resolve(ctx.specDir, p)))[0];
    if (!s) throw new CliError(`nnp run: '${ctx.run.name}': ${String(item['path'])} holds no structure`);
    return s;
}

/** The first structure of a file named relative to the spec. */
export function structureFile(ctx: Pick<ProtocolContext, 'run' | 'specDir'>, path: string): Structure {
    const s = readStructures(resolve(ctx.specDir, path))[0];
    if (!s) throw new CliError(`nnp run: '${ctx.run.name}': ${path} holds no structure`);
    return s;
}

/** An `OutputFile` of the run (log, trajectory, restart) as an absolute path with its interval. */
export function outputFile(ctx: Pick<ProtocolContext, 'run' | 'specDir'>, kind: string): { path: string; every: number } | undefined {
    const o = ctx.run.items.find((i) => i.type === 'OutputFile' && i['kind'] === kind);
    if (!o) return undefined;
    const path = resolve(ctx.specDir, o['path'] as string);
    mkdirSync(dirname(path), { recursive: true });
    return { path, every: Math.max(1, (o['every'] as number | undefined) ?? 1) };
}
