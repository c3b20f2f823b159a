// The `nnp` command line. Each command has --help; failures are one line, never a stack trace
// (set NNP_DEBUG=1 to see one).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SpecFileError } from '../../../language/src/load-specs.js';
import { WeightsFileError } from '../../../runtime/src/model/weights-file.js';
import { CliError, ExitCode } from './cli-error.js';
import { checkCommand } from './commands/check.js';
import { compileCommand } from './commands/compile.js';
import { ENERGY_UNITS, LENGTH_UNITS, unitFactor } from './units-option.js';

const VERSION = '0.1.0';

interface Command {
    readonly usage: string;
    readonly summary: string;
    readonly help: string;
    readonly options?: ParseArgsConfig['options'];
    readonly run: (positionals: string[], values: Record<string, unknown>, io: Io) => Promise<number>;
}

interface Io {
    readonly out: (line: string) => void;
    readonly err: (line: string) => void;
}

const COMMANDS: Readonly<Record<string, Command>> = {
    check: {
        usage: 'nnp check <spec.nnp>...',
        summary: 'check specs and print diagnostics',
        help: 'Parses and validates each spec and the files it imports. Prints one line per problem:\n'
            + '  path:line:col: error|warning: message [code]\n'
            + 'Exit status 1 when there is an error, 0 otherwise (warnings allowed).',
        run: async (files, _v, io) => {
            if (files.length === 0) throw new CliError('nnp check: no spec files given (usage: nnp check <spec.nnp>...)', ExitCode.Usage);
            return checkCommand(files, io.out, io.err);
        },
    },
    compile: {
        usage: 'nnp compile <spec.nnp> -o <dir>',
        summary: 'check a spec and write its model IR',
        help: 'Checks the spec; if it has no errors, writes <dir>/ir.json: the models (elements by atomic number,\n'
            + 'expanded symmetry functions in network-input order, networks), potentials, datasets, training and\n'
            + 'run settings in internal units (eV, Å, fs, amu, K, rad). The output is byte-identical across runs\n'
            + 'and machines.',
        options: { output: { type: 'string', short: 'o' } },
        run: async (files, values, io) => {
            if (files.length !== 1) throw new CliError('nnp compile: give exactly one spec (usage: nnp compile <spec.nnp> -o <dir>)', ExitCode.Usage);
            const dir = values['output'];
            if (typeof dir !== 'string') throw new CliError('nnp compile: missing -o <dir>', ExitCode.Usage);
            return compileCommand(files[0]!, dir, io.out, io.err);
        },
    },
    eval: {
        usage: 'nnp eval <spec.nnp> <structures> [--backend webgpu|reference] [--json] [--model name | --potential name] [--length-unit A|bohr] [--energy-unit eV|Ha]',
        summary: 'energy, forces and stress of structures',
        help: 'Evaluates the (first or named) model of the spec on every structure of an extended XYZ (.xyz, .extxyz)\n'
            + 'or n2p2 input.data (.data) file: total energy (eV), forces (eV/A), stress (eV/A^3, ASE sign: (1/V) dE/de)\n'
            + 'and atomic energies (network outputs, eV). The unit flags say how to read n2p2 files, which carry\n'
            + 'no units (default A and eV). --backend reference uses the float64 evaluator instead of WebGPU.\n'
            + '--json prints {"units": {...}, "structures": [{"energy", "forces", "stress", "atomicEnergies"}, ...]}.\n'
            + 'A model trained as a committee gives the members\' mean, with the calibrated spread: "energyStd" (eV)\n'
            + 'and "forceStd" (per atom, eV/A) per structure in JSON, two more columns in the table.\n'
            + '--potential evaluates one of the spec\'s analytic reference potentials instead (its generated kernels\n'
            + 'on WebGPU, or float64 with --backend reference).',
        options: {
            backend: { type: 'string' }, json: { type: 'boolean' }, model: { type: 'string' }, potential: { type: 'string' },
            'length-unit': { type: 'string' }, 'energy-unit': { type: 'string' },
        },
        run: async (args, v, io) => {
            if (args.length !== 2) throw new CliError('nnp eval: give a spec and a structure file (usage: nnp eval <spec.nnp> <structures>)', ExitCode.Usage);
            const backend = (v['backend'] as string | undefined) ?? 'webgpu';
            if (backend !== 'webgpu' && backend !== 'reference') throw new CliError(`nnp eval: --backend must be webgpu or reference, got '${backend}'`, ExitCode.Usage);
            const length = unitFactor('nnp eval', 'length-unit', v['length-unit'], LENGTH_UNITS, 'A').factor;
            const energy = unitFactor('nnp eval', 'energy-unit', v['energy-unit'], ENERGY_UNITS, 'eV').factor;
            const { evalCommand } = await import('./commands/eval.js');
            return evalCommand({ spec: args[0]!, structures: args[1]!, backend, json: v['json'] === true, model: v['model'] as string | undefined, potential: v['potential'] as string | undefined, units: { length, energy } }, io.out, io.err);
        },
    },
    import: {
        usage: 'nnp import n2p2 <dir> -o <spec.nnp> [--length-unit bohr|A] [--energy-unit Ha|eV]',
        summary: 'an n2p2 potential as a spec and a weights file',
        help: 'Reads input.nn, scaling.data and weights.ZZZ.data from <dir> and writes a readable spec and its\n'
            + 'weights file (<spec>.weights.json) next to it. n2p2 files carry no units: the flags say which the\n'
            + 'potential was fitted in (default A and eV); the spec is written in those units.',
        options: { output: { type: 'string', short: 'o' }, 'length-unit': { type: 'string' }, 'energy-unit': { type: 'string' } },
        run: async (args, v, io) => {
            if (args[0] !== 'n2p2' || args.length !== 2) throw new CliError('nnp import: usage: nnp import n2p2 <dir> -o <spec.nnp>', ExitCode.Usage);
            if (typeof v['output'] !== 'string') throw new CliError('nnp import: missing -o <spec.nnp>', ExitCode.Usage);
            const length = unitFactor('nnp import', 'length-unit', v['length-unit'], LENGTH_UNITS, 'A');
            const energy = unitFactor('nnp import', 'energy-unit', v['energy-unit'], ENERGY_UNITS, 'eV');
            const { importN2p2 } = await import('./commands/n2p2.js');
            return importN2p2(args[1]!, v['output'], { length, energy }, io.out, io.err);
        },
    },
    export: {
        usage: 'nnp export n2p2 <spec.nnp> -o <dir> [--model name] [--length-unit bohr|A] [--energy-unit Ha|eV]',
        summary: 'a model as n2p2 files (for LAMMPS pair_style hdnnp)',
        help: 'Writes input.nn, scaling.data and weights.ZZZ.data for the (first or named) model of the spec, in the\n'
            + 'chosen units (default A and eV). LAMMPS reads them with pair_style hdnnp.',
        options: { output: { type: 'string', short: 'o' }, model: { type: 'string' }, 'length-unit': { type: 'string' }, 'energy-unit': { type: 'string' } },
        run: async (args, v, io) => {
            if (args[0] !== 'n2p2' || args.length !== 2) throw new CliError('nnp export: usage: nnp export n2p2 <spec.nnp> -o <dir>', ExitCode.Usage);
            if (typeof v['output'] !== 'string') throw new CliError('nnp export: missing -o <dir>', ExitCode.Usage);
            const length = unitFactor('nnp export', 'length-unit', v['length-unit'], LENGTH_UNITS, 'A');
            const energy = unitFactor('nnp export', 'energy-unit', v['energy-unit'], ENERGY_UNITS, 'eV');
            const { exportN2p2 } = await import('./commands/n2p2.js');
            return exportN2p2(args[1]!, v['output'], { length, energy }, v['model'] as string | undefined, io.out, io.err);
        },
    },
    convert: {
        usage: 'nnp convert <in> <out> [--from extxyz|n2p2] [--to extxyz|n2p2|lammps] [--length-unit A|bohr] [--energy-unit eV|Ha] [--elements A,B,…]',
        summary: 'convert structures between extended XYZ, n2p2 input.data and LAMMPS data',
        help: 'Reads every structure of <in> and writes them to <out>, atomically. Formats come from the extensions\n'
            + '(.xyz/.extxyz extended XYZ as ASE reads it, .data n2p2 input.data, .lmp LAMMPS data with one structure)\n'
            + 'or from --from/--to. The unit flags give the units of n2p2 files (which carry none), default A and eV.\n'
            + 'LAMMPS atom types: the structure\'s elements by atomic number, or --elements in the given order (use the\n'
            + 'potential\'s elements, as in its in.lammps pair_coeff line, when the structure lacks some of them).',
        options: { from: { type: 'string' }, to: { type: 'string' }, 'length-unit': { type: 'string' }, 'energy-unit': { type: 'string' }, elements: { type: 'string' } },
        run: async (args, v, io) => {
            if (args.length !== 2) throw new CliError('nnp convert: usage: nnp convert <in> <out>', ExitCode.Usage);
            const from = v['from'] as string | undefined;
            const to = v['to'] as string | undefined;
            if (from !== undefined && from !== 'extxyz' && from !== 'n2p2') throw new CliError(`nnp convert: --from must be extxyz or n2p2, got '${from}'`, ExitCode.Usage);
            if (to !== undefined && to !== 'extxyz' && to !== 'n2p2' && to !== 'lammps') throw new CliError(`nnp convert: --to must be extxyz, n2p2 or lammps, got '${to}'`, ExitCode.Usage);
            const length = unitFactor('nnp convert', 'length-unit', v['length-unit'], LENGTH_UNITS, 'A').factor;
            const energy = unitFactor('nnp convert', 'energy-unit', v['energy-unit'], ENERGY_UNITS, 'eV').factor;
            const { convertCommand } = await import('./commands/convert.js');
            const elements = typeof v['elements'] === 'string' ? v['elements'].split(',').map((e) => e.trim()).filter((e) => e !== '') : undefined;
            return convertCommand({ input: args[0]!, output: args[1]!, ...(from ? { from } : {}), ...(to ? { to } : {}), units: { length, energy }, ...(elements ? { elements } : {}) }, io.out);
        },
    },
    serve: {
        usage: 'nnp serve <spec.nnp> --ipi <host:port|unix:name> --structure <file> [--backend webgpu|reference] [--model name]',
        summary: 'answer i-PI force requests (ASE SocketIOCalculator, i-PI, LAMMPS fix ipi)',
        help: 'Connects to an i-PI protocol server and answers its requests with the model: energy, forces and\n'
            + 'virial, in the protocol\'s atomic units. The structure file gives the elements of the atoms, in the\n'
            + 'server\'s atom order (the protocol sends positions only). unix:name means /tmp/ipi_name, as in i-PI and\n'
            + 'ASE. Ends when the server sends EXIT; a closed connection or a malformed message is a clear error.',
        options: { ipi: { type: 'string' }, structure: { type: 'string' }, backend: { type: 'string' }, model: { type: 'string' } },
        run: async (args, v, io) => {
            if (args.length !== 1) throw new CliError('nnp serve: give exactly one spec', ExitCode.Usage);
            if (typeof v['ipi'] !== 'string') throw new CliError('nnp serve: missing --ipi <host:port|unix:name>', ExitCode.Usage);
            if (typeof v['structure'] !== 'string') throw new CliError('nnp serve: missing --structure <file> (the elements of the atoms)', ExitCode.Usage);
            const backend = (v['backend'] as string | undefined) ?? 'webgpu';
            if (backend !== 'webgpu' && backend !== 'reference') throw new CliError(`nnp serve: --backend must be webgpu or reference, got '${backend}'`, ExitCode.Usage);
            const { serveCommand } = await import('./commands/serve.js');
            return serveCommand({ spec: args[0]!, address: v['ipi'], structure: v['structure'], backend, ...(v['model'] ? { model: v['model'] as string } : {}) }, io.err);
        },
    },
    train: {
        usage: 'nnp train <spec.nnp> [--resume] [--backend webgpu|reference] [--model name] [--epochs N]',
        summary: "train the spec's models on their datasets",
        help: 'Runs the train blocks of the spec (or the one of --model): reads or samples the datasets, splits them,\n'
            + 'fits per-element energy offsets and the scaling statistics on the training split, and fits the\n'
            + 'networks to energies and forces with Adam on WebGPU (or a ridge fit for linear models).\n'
            + 'Writes the weights to the block\'s `save` path (default out/<model>.weights.json), a checkpoint every N\n'
            + 'epochs, a JSON-lines log, a report (.report.md/.json) and SVG plots next to it.\n'
            + '--resume continues from the checkpoint and ends with exactly the weights of an uninterrupted run.\n'
            + '--backend reference trains in float64 on the CPU; --epochs overrides the spec (quick runs).\n'
            + '`committee K [bootstrap]`: K members with seeds seed..seed+K-1 (bootstrap: each on a resample of the\n'
            + 'training split), shared scaling and offsets; <stem>.c<k>.weights.json per member (<stem>.weights.json =\n'
            + 'member 0), <stem>.committee.json with the spread\'s calibration factors (fitted on the validation\n'
            + 'split), the members\' and the mean\'s errors in the report, <stem>.calibration.svg.',
        options: { resume: { type: 'boolean' }, backend: { type: 'string' }, model: { type: 'string' }, epochs: { type: 'string' } },
        run: async (files, v, io) => {
            if (files.length !== 1) throw new CliError('nnp train: give exactly one spec', ExitCode.Usage);
            const backend = (v['backend'] as string | undefined) ?? 'webgpu';
            if (backend !== 'webgpu' && backend !== 'reference') throw new CliError(`nnp train: --backend must be webgpu or reference, got '${backend}'`, ExitCode.Usage);
            const epochs = v['epochs'] === undefined ? undefined : Number(v['epochs']);
            if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 0)) throw new CliError(`nnp train: --epochs must be a whole number, got '${String(v['epochs'])}'`, ExitCode.Usage);
            const { trainCommand } = await import('./commands/train.js');
            return trainCommand({ spec: files[0]!, resume: v['resume'] === true, backend, ...(v['model'] ? { model: v['model'] as string } : {}), ...(epochs !== undefined ? { epochs } : {}) }, io.out, io.err);
        },
    },
    run: {
        usage: 'nnp run <spec.nnp> [run-name] [--backend webgpu|reference] [--resume]',
        summary: "run the spec's protocols (md, optimize, phonons, neb, rank, path, uncertainty)",
        help: 'Runs the run blocks of the spec (all, or the one named with `as <name>`) with a model (its trained or\n'
            + 'imported weights) or an analytic potential (its generated kernels), on WebGPU or with --backend\n'
            + 'reference in float64.\n'
            + 'md: nve (velocity Verlet), nvt langevin (BAOAB) or nose_hoover (chains); log CSV (step, time, T,\n'
            + 'E_pot, E_kin, E_tot, conserved, pressure, volume), extended XYZ trajectory; npt csvr (stochastic\n'
            + 'velocity and cell rescaling); `dimension 2`; restart files (`restart "f" every N`; --resume continues\n'
            + 'from one, outputs cut back to it); `vdos` from the velocity\n'
            + 'autocorrelation (`compare other`: both on one plot). optimize: fire, lbfgs, cg or newton (Hessian by\n'
            + 'central differences of the forces), `relax_cell`, to fmax. phonons: Hessian of the (super)cell, modes\n'
            + 'in THz and cm-1, VDOS (csv, svg), `compare other`. neb: nudged elastic band (improved tangent,\n'
            + '`climbing` image) between `initial` and `final`, FIRE to fmax; profile.csv/.svg, band.extxyz,\n'
            + 'saddle.extxyz; `variable_cell`: solid-state NEB, the images\' cells move too; `relax_ends`: relax the\n'
            + 'ends with the run\'s calculator first. rank: energies per atom of `structures`, optionally relaxed (atoms and cell), ordered.\n'
            + 'path: a probe atom\'s energy over a grid of two coordinates and the cheapest path across it\n'
            + '(Dijkstra); grid.csv, path.csv, landscape.svg.\n'
            + 'Each run writes summary.json under its output folder (output "dir", default out/<run name>).\n'
            + 'uncertainty: descriptor-space distances (mahalanobis or minimum) of `on` structures from the model\'s\n'
            + 'training split, thresholds at the 99th percentile of the training structures\' own; scores.csv, atoms.csv;\n'
            + '`select N from "pool" to "file"`: the farthest pool structures (greedy farthest-point), to label.\n'
            + 'With a committee (`committee K` when training) scores.csv and atoms.csv add its calibrated spread.\n'
            + '`compare other` (a potential or another model): the true errors against it (energy per atom, force RMSE,\n'
            + 'largest and per-atom force error), Spearman rank correlations of distance and error in the summary and\n'
            + 'distance-error.svg; `group by "key"` (default config_type): fractions of flagged atoms and errors per group.\n'
            + 'md `guard mahalanobis|minimum|range|committee [percentile P | threshold] [warn|stop]`: checked every 10\n'
            + 'steps; committee: the largest calibrated force spread of an atom (eV/A), default the 99th percentile of\n'
            + 'the validation structures\'.',
        options: { backend: { type: 'string' }, resume: { type: 'boolean' } },
        run: async (args, v, io) => {
            if (args.length < 1 || args.length > 2) throw new CliError('nnp run: usage: nnp run <spec.nnp> [run-name]', ExitCode.Usage);
            const backend = (v['backend'] as string | undefined) ?? 'webgpu';
            if (backend !== 'webgpu' && backend !== 'reference') throw new CliError(`nnp run: --backend must be webgpu or reference, got '${backend}'`, ExitCode.Usage);
            const { runCommand } = await import('./commands/run.js');
            return runCommand(args[0]!, args[1], backend, io.out, io.err, v['resume'] === true);
        },
    },
    report: {
        usage: 'nnp report <output-dir> [-o <file.html>]',
        summary: 'one self-contained HTML page of a folder\'s training and run results',
        help: 'Collects what nnp train and nnp run wrote under <output-dir> (training reports and logs, every\n'
            + 'run\'s summary.json with its CSV logs and SVG plots) into one HTML page with inline plots and tables:\n'
            + 'learning curves, parity plots, MD thermo traces, VDOS, phonon frequencies, NEB profiles, optimiser\n'
            + 'convergence, rankings, landscapes, uncertainty scores. No network access needed to view it.\n'
            + 'Default output: <output-dir>/report.html.',
        options: { output: { type: 'string', short: 'o' } },
        run: async (args, v, io) => {
            if (args.length !== 1) throw new CliError('nnp report: usage: nnp report <output-dir> [-o <file.html>]', ExitCode.Usage);
            const { reportCommand } = await import('./commands/report.js');
            return reportCommand(args[0]!, v['output'] as string | undefined, io.out);
        },
    },
    gpu: {
        usage: 'nnp gpu',
        summary: 'acquire a WebGPU device and run a smoke-test kernel',
        help: 'Acquires a WebGPU device (a GPU if present, otherwise Vulkan\'s CPU driver lavapipe), runs one\n'
            + 'generated compute kernel (the cosine cutoff function and its derivative) and compares it with a\n'
            + 'float64 evaluation. Prints the adapter and the largest error.',
        run: async (_a, _v, io) => {
            const { acquireGpu } = await import('../../../runtime/src/gpu/device.js');
            const { runSmokeTest } = await import('../../../runtime/src/gpu/smoke.js');
            const ctx = await acquireGpu();
            try {
                const r = await runSmokeTest(ctx);
                io.out(`adapter: ${r.adapter}${r.isCpuFallback ? ' (CPU fallback)' : ''}`);
                io.out(`smoke kernel: ${r.n} values, max |error| ${r.maxAbsError.toExponential(2)} vs float64, ${r.ms.toFixed(1)} ms`);
            } finally {
                await ctx.destroy();
            }
            return 0;
        },
    },
    lsp: {
        usage: 'nnp lsp --stdio',
        summary: 'start the language server (for any LSP editor)',
        help: 'Starts the .nnp language server speaking LSP over stdin/stdout.',
        options: { stdio: { type: 'boolean' } },
        run: async () => {
            const { startNnpLanguageServer } = await import('../../../language/src/main-lsp.js');
            startNnpLanguageServer();
            return new Promise<number>(() => undefined); // runs until the client exits it
        },
    },
};

function mainHelp(): string {
    const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
    return [
        `nnp ${VERSION} — neural network potentials: a language, a compiler and a WebGPU runtime`,
        '',
        'Usage:',
        ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
        '',
        'Run `nnp <command> --help` for details.',
    ].join('\n');
}

export async function main(argv: readonly string[], io: Io = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
    try {
        const [name, ...rest] = argv;
        if (!name || name === '--help' || name === '-h' || name === 'help') {
            io.out(mainHelp());
            return name ? ExitCode.Ok : ExitCode.Usage;
        }
        if (name === '--version' || name === '-v') {
            io.out(VERSION);
            return ExitCode.Ok;
        }
        const command = COMMANDS[name];
        if (!command) throw new CliError(`nnp: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see nnp --help)`, ExitCode.Usage);
        let parsed: ReturnType<typeof parseArgs>;
        try {
            parsed = parseArgs({ args: [...rest], allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, ...command.options } });
        } catch (e) {
            throw new CliError(`nnp ${name}: ${(e as Error).message.split('\n')[0]} (usage: ${command.usage})`, ExitCode.Usage);
        }
        if (parsed.values['help']) {
            io.out(`Usage: ${command.usage}\n\n${command.help}`);
            return ExitCode.Ok;
        }
        return await command.run(parsed.positionals, parsed.values, io);
    } catch (e) {
        if (process.env['NNP_DEBUG']) io.err(String((e as Error).stack ?? e));
        if (e instanceof CliError) {
            io.err(e.message);
            return e.exitCode;
        }
        const name = (e as Error).name;
        const errno = e as NodeJS.ErrnoException;
        if (errno.code === 'ENOENT' && errno.path) {
            io.err(`nnp: ${errno.path}: no such file`);
            return ExitCode.InputErrors;
        }
        if (e instanceof SpecFileError || e instanceof WeightsFileError || name === 'DataFileError' || name === 'NonFiniteValueError' || name === 'N2p2PotentialError') {
            io.err(`nnp: ${(e as Error).message}`);
            return ExitCode.InputErrors;
        }
        if ((e as Error).name === 'GpuUnavailableError') {
            io.err(`nnp: ${(e as Error).message}`);
            return ExitCode.Unavailable;
        }
        io.err(`nnp: internal error: ${(e as Error).message ?? String(e)} (set NNP_DEBUG=1 for details)`);
        return 70;
    }
}
