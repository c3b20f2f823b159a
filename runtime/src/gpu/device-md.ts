// Molecular dynamics that stays on the device between outputs: each submit runs a stretch of steps
// (kick-drift, pair vectors, the force field's kernels — an HDNNP model's four, or an analytic
// potential's — kick, thermo sums; compiler/src/kernel/md), and the
// host reads back only the per-step thermo sums (for the log and the averages) and, at trajectory or
// restart steps, the state. Positions are r = r⁰ + u: r⁰ (float64, host) where the neighbour list was
// built, u (float32, device) the displacement since, so every pair vector is d⁰_ij + u_j − u_i.
// Neighbour lists in two levels: the host builds candidates (pairs within r_c + outer skin, default
// skin + 2 Å) at r⁰; the device builds the Verlet list (pairs within r_c + skin) from them, and
// rebuilds it itself within the step's command stream whenever an atom moved more than skin/2 since
// the last build (md-kernels.ts MdListFilter/MdReverseFilter: per-atom compaction in candidate order,
// a fixed-stride reverse index padded with a zero-force null slot — deterministic, no host round
// trip). The default skin is 0: the list is filtered to r_c every step. The force kernels cost per
// pair (angular terms per pair of pairs) and a 1 Å skin gives the water potential 1.55× the pairs,
// 2.4× the angular pairs, while filtering ~2× as many candidates costs little: measured on lavapipe
// (2 cores), 1080-atom water 48 → 29 ms per step, 8000-atom Stillinger–Weber silicon 16.4 → 8.3.
// Only when an atom's |u| exceeds half the candidate margin (outer skin − skin) does the device
// freeze after that step's drift, the host builds new candidates at r⁰ + u and the step resumes — no
// step ever uses a stale list. Candidates are also rebuilt at every restart step, so a resumed run
// starts from exactly the state an uninterrupted one continues from (bit-identical results).
// A guard (md/guard-watch.ts) is checked at the end of stretches, which end at its interval.
// Ensembles: nve, nvt langevin (BAOAB with counter-based noise) and nvt nose_hoover (chain half steps by
// one workgroup); npt and 2-D runs are host-driven (run-md.ts).
import type { ModelIR } from '../../../compiler/src/ir/model-ir.js';
import {
    CHAIN_HEADER, chainHalfKernel, kickDriftKernel, kickKernel, listFilterKernel, MD_CONTROL_WORDS, MD_PARAMS_BYTES, pairVectorsKernel, reverseFilterKernel,
    THERMO_LANES, THERMO_QUANTITIES, thermoKernel, type Thermostat,
} from '../../../compiler/src/kernel/md/md-kernels.js';
import { det3 } from '../math/mat3.js';
import { degreesOfFreedom, EV_PER_AMU, KB, maxwellBoltzmann } from '../md/dynamics.js';
import { GuardWatch } from '../md/guard-watch.js';
import { BAR_PER_EV_A3, MdError, MdRecorder, readRestart } from '../md/md-record.js';
import { mdFingerprint, type MdOptions, type MdSummary } from '../md/run-md.js';
import type { ModelParameters } from '../model/parameters.js';
import { buildNeighborList } from '../neighbors/cell-list.js';
import { kernelOrder, packSlots, permuteNeighbors, type SlotList } from '../neighbors/slot-list.js';
import type { Structure } from '../structure.js';
import type { GpuContext } from './device.js';
import type { GpuEvaluator } from './hdnnp-evaluator.js';
import type { GpuPotentialEvaluator } from './potential-evaluator.js';
import { createBindGroup, encodeDispatch, pipelineCache, type CompiledKernel } from './kernel.js';
import { submitAndRead } from './readback.js';
import { energyOffset, energyScale } from './network-constants.js';
import { bufferMaker, destroyAll } from './buffers.js';

const NO_STEP = 0xffffffff;
/** Steps per submit when no output asks for fewer. */
const DEFAULT_CHUNK = 50;

/** What device-resident MD needs of a force field whose kernels run on the device. */
export interface DeviceForceField {
    readonly ctx: GpuContext;
    /** The kernels' species index of an element symbol, and how many species there are. */
    speciesIndex(symbol: string): number;
    readonly speciesCount: number;
    /** Radius of the pairs the kernels need (Å). */
    readonly cutoff: number;
    /** eV of a sum of the kernels' per-atom energies over the atoms of a structure with these symbols. */
    energy(sum: number, symbols: readonly string[]): number;
    /** Uploads a packed slot list; the passes of one evaluation over the field's buffers. */
    bind(slots: SlotList, species: Uint32Array): Promise<{ passes: { kernel: CompiledKernel; bindGroup: GPUBindGroup }[]; buffers: BoundBuffers }>;
}

/** An HDNNP model (per-atom energies in network units: scaled, plus the elements' offsets). */
export function modelField(ctx: GpuContext, evaluator: GpuEvaluator, model: ModelIR, params: ModelParameters): DeviceForceField {
    const speciesOf = new Map(model.elements.map((e, k) => [e.symbol, k]));
    const scale = energyScale(model, params);
    return {
        ctx, speciesIndex: (x) => speciesOf.get(x)!, speciesCount: model.elements.length, cutoff: model.maxCutoff,
        energy: (sum, symbols) => scale * sum + energyOffset(model, params, symbols),
        bind: (slots, species) => evaluator.bind(slots, species),
    };
}

/** An analytic potential's generated kernels (per-atom energies in eV). */
export function potentialField(ctx: GpuContext, evaluator: GpuPotentialEvaluator): DeviceForceField {
    return {
        ctx, speciesIndex: (x) => evaluator.speciesIndex(x), speciesCount: evaluator.speciesCount, cutoff: evaluator.neighborCutoff,
        energy: (sum) => sum,
        bind: (slots, species) => evaluator.bind(slots, species),
    };
}

export interface DeviceMdOptions extends MdOptions {
    readonly field: DeviceForceField;
    /** Verlet skin (Å, default 0: the list is filtered to r_c every step); the device rebuilds the list when an atom moved more than half of it. */
    readonly skin?: number;
    /** Candidate skin (Å, default skin + 2): the host rebuilds candidates when an atom moved more than half of (outer − skin). */
    readonly outerSkin?: number;
}

/** Whether the run block can run device-resident (else run-md.ts runs it host-driven). */
export function deviceMdSupports(items: MdOptions['items']): boolean {
    const e = items.find((i) => i.type === 'Ensemble');
    const dims = (items.find((i) => i.type === 'Dimension')?.['value'] as number | undefined) ?? 3;
    return dims === 3 && (!e || e['kind'] === 'nve' || e['kind'] === 'nvt');
}

interface DeviceState {
    readonly positions: number[];
    readonly velocities: number[];
    readonly forces: number[];
    readonly order: number[];
    readonly reservoir: number;
    /** The Nosé–Hoover chain buffer (energy, scale, v, ξ), float32 values. */
    readonly chain?: number[];
}

/** `rebuilds`: Verlet-list builds (all on the device); `candidateBuilds`: candidate lists the host built. */
export async function runDeviceMd(o: DeviceMdOptions): Promise<MdSummary & { readonly engine: 'device'; readonly rebuilds: number; readonly candidateBuilds: number; readonly submits: number }> {
    const find = (type: string) => o.items.find((i) => i.type === type);
    const ensemble = find('Ensemble') ?? { type: 'Ensemble', kind: 'nve' };
    const dt = (find('Timestep')?.['value'] as number | undefined) ?? 1;
    const steps = (find('Steps')?.['value'] as number | undefined) ?? 1000;
    const seed = (find('Seed')?.['value'] as number | undefined) ?? 0;
    const t0 = (find('Velocities')?.['temperature'] as number | undefined) ?? 0;
    if (!deviceMdSupports(o.items)) throw new MdError('this ensemble runs host-driven (device-resident MD: nve, nvt langevin | nose_hoover)');
    const langevin = ensemble['kind'] === 'nvt' && ensemble['thermostat'] === 'langevin';
    const noseHoover = ensemble['kind'] === 'nvt' && !langevin;
    const n = o.start.symbols.length;
    const dof = langevin ? 3 * n : degreesOfFreedom(n);
    const fingerprint = mdFingerprint('device', o);
    const resumed = o.resume ? readRestart(o.restart, fingerprint) : undefined;
    const recorder = new MdRecorder({ dt, start: o.start, fingerprint, ...(o.log ? { log: o.log } : {}), ...(o.trajectory ? { trajectory: o.trajectory } : {}), ...(o.restart ? { restart: o.restart } : {}) }, resumed);
    const saved = resumed?.state as DeviceState | undefined;
    const engine = await DeviceEngine.create(o, {
        dt, thermostat: langevin ? 'langevin' : noseHoover ? 'nose_hoover' : 'none', seed, dof,
        chainLength: Math.max(1, Math.round((ensemble['chain'] as number | undefined) ?? 3)),
        temperature: langevin || noseHoover ? (ensemble['temperature'] as number) : 0, damping: langevin || noseHoover ? (ensemble['damping'] as number) : 1,
        positions: saved ? Float64Array.from(saved.positions) : Float64Array.from(o.start.positions),
        velocities: saved ? Float64Array.from(saved.velocities) : maxwellBoltzmann(o.masses, t0, seed),
        ...(saved ? { order: saved.order, forces: Float64Array.from(saved.forces), reservoir: saved.reservoir, ...(saved.chain ? { chain: saved.chain } : {}) } : {}),
    });
    const volume = o.start.cell && o.start.pbc.every(Boolean) ? Math.abs(det3(o.start.cell)) : undefined;
    const toRecord = (step: number, t: ThermoSums) => {
        const potential = o.field.energy(t.energy, o.start.symbols);
        const pressureBar = volume !== undefined ? ((2 * t.kinetic - t.virialTrace) / (3 * volume)) * BAR_PER_EV_A3 : undefined;
        return {
            step, potential, kinetic: t.kinetic, temperature: (2 * t.kinetic) / (dof * KB), conserved: potential + t.kinetic + t.heat + t.chain + engine.reservoir,
            ...(pressureBar !== undefined ? { pressureBar, volume: volume! } : {}),
        };
    };
    try {
        let step: number;
        const watch = new GuardWatch(o.guard, o.onMessage);
        const structure = async () => ({ ...o.start, positions: (await engine.frame()).positions });
        let stopped = false;
        if (resumed) {
            step = resumed.step + 1;
            o.onMessage?.(`resuming from ${o.restart!.path} after step ${resumed.step}`);
        } else {
            const first = await engine.initial();
            recorder.record(toRecord(0, first), recorder.wantsFrame(0) ? await engine.frame() : undefined);
            stopped = await watch.check(0, structure);
            step = 1;
        }
        const stops = [recorder.frameInterval(), o.guard ? watch.every : undefined].filter((x): x is number => x !== undefined);
        const frameEvery = stops.length ? Math.min(...stops) : undefined;
        const chunk = Math.max(1, Math.min(DEFAULT_CHUNK, o.log?.every ?? DEFAULT_CHUNK, frameEvery ?? DEFAULT_CHUNK));
        const started = performance.now();
        const from = step;
        let last = step - 1;
        while (step <= steps && !stopped) {
            let end = Math.min(steps, step + chunk - 1);
            if (frameEvery) end = Math.min(end, Math.ceil(step / frameEvery) * frameEvery);
            const done = await engine.advance(step, end);
            for (let k = 0; k < done.sums.length; k++) {
                const s = step + k;
                const frame = s === end && recorder.wantsFrame(s) ? await engine.frame() : undefined;
                recorder.record(toRecord(s, done.sums[k]!), frame);
            }
            if (done.completed === end && recorder.wantsRestart(end)) {
                await engine.rebuild(done.sums.at(-1)!.heat);
                recorder.saveRestart(end, await engine.saveState());
            }
            if (done.completed < end) await engine.rebuildMidStep();
            else if (watch.due(end)) stopped = await watch.check(end, structure);
            last = done.completed;
            step = done.completed + 1;
            const latest = done.sums.at(-1);
            if (latest) o.onProgress?.(done.completed, steps, (2 * latest.kinetic) / (dof * KB));
        }
        const seconds = (performance.now() - started) / 1000;
        return {
            protocol: 'md', ensemble: langevin ? 'nvt langevin' : noseHoover ? 'nvt nose_hoover' : 'nve', atoms: n, dimensions: 3, steps, timestepFs: dt,
            ...recorder.averages(n), stepsPerSecond: (last - from + 1) / seconds,
            ...(resumed ? { resumedFrom: resumed.step } : {}), ...watch.summary(),
            engine: 'device', rebuilds: engine.deviceBuilds, candidateBuilds: engine.candidateBuilds, submits: engine.submits,
        };
    } finally {
        engine.destroy();
    }
}

interface ThermoSums {
    readonly energy: number;
    readonly kinetic: number;
    readonly virialTrace: number;
    readonly heat: number;
    readonly chain: number;
}

interface EngineSettings {
    readonly dt: number;
    readonly thermostat: Thermostat;
    readonly seed: number;
    readonly temperature: number;
    readonly damping: number;
    /** Degrees of freedom the thermostat acts on, and the Nosé–Hoover chain's length. */
    readonly dof: number;
    readonly chainLength: number;
    readonly positions: Float64Array;
    readonly velocities: Float64Array;
    readonly order?: readonly number[];
    readonly forces?: Float64Array;
    readonly reservoir?: number;
    readonly chain?: readonly number[];
}

interface MdKernels {
    readonly kickDrift: CompiledKernel;
    readonly listFilter: CompiledKernel;
    readonly reverseFilter: CompiledKernel;
    readonly pairVectors: CompiledKernel;
    readonly kick: CompiledKernel;
    readonly thermo: CompiledKernel;
    readonly chainBefore?: CompiledKernel;
    readonly chainAfter?: CompiledKernel;
}

class DeviceEngine {
    /** Candidate lists built on the host, and Verlet lists built on the device (read back with each submit). */
    candidateBuilds = 0;
    deviceBuilds = 0;
    submits = 0;
    /** Heat the Langevin bath took before the device's per-atom heat sums started (eV). */
    reservoir: number;
    readonly order: number[];
    private readonly n: number;
    private readonly species: Uint32Array;
    private r0: Float64Array;
    private maxNeighbors = 0;
    /** Stride of the reverse index (the largest number of candidate slots holding one atom). */
    private revStride = 1;
    private readonly skin: number;
    private readonly outerSkin: number;
    /** New candidates wait for the device's first list build (the flag goes up with the next submit). */
    private listPending = false;
    private passes: readonly { kernel: CompiledKernel; bindGroup: GPUBindGroup }[] = [];
    private groups: {
        kickDrift: GPUBindGroup; listFilter: GPUBindGroup; reverseFilter: GPUBindGroup; pairVectors: GPUBindGroup; kick: GPUBindGroup; thermo: GPUBindGroup;
        chainBefore?: GPUBindGroup; chainAfter?: GPUBindGroup;
    } | undefined;
    private evalBuffers: BoundBuffers | undefined;
    private candidates: { pv0: GPUBuffer; atom: GPUBuffer; range: GPUBuffer; rev: GPUBuffer; revCount: GPUBuffer; inner: GPUBuffer; innerOuter: GPUBuffer } | undefined;
    private midStep = false;
    private readonly own: {
        params: GPUBuffer; control: GPUBuffer; vel: GPUBuffer; disp: GPUBuffer; uRef: GPUBuffer; invMass: GPUBuffer; noiseSd: GPUBuffer; heat: GPUBuffer;
        chain: GPUBuffer; chainConsts: GPUBuffer; thermo: GPUBuffer; readThermo: GPUBuffer; readState: GPUBuffer;
    };

    private constructor(
        private readonly o: DeviceMdOptions,
        private readonly s: EngineSettings,
        private readonly kernels: MdKernels,
    ) {
        const n = o.start.symbols.length;
        this.n = n;
        this.skin = o.skin ?? 0;
        this.outerSkin = Math.max(o.outerSkin ?? this.skin + 2, this.skin);
        const species = o.start.symbols.map((x) => o.field.speciesIndex(x));
        this.reservoir = s.reservoir ?? 0;
        // atoms ordered once for the kernels, as the evaluators order them (slot-list.ts kernelOrder: species
        // and neighbour count at the start, in blocks spread over the driver's threads; sorted alone, one
        // thread took the heavy atoms: 1080-atom water 28.8 → 27.0 ms per step) and kept in that order
        if (s.order) this.order = [...s.order];
        else {
            const list = buildNeighborList({ ...o.start, positions: s.positions }, o.field.cutoff);
            this.order = kernelOrder(species, (i) => list.offsets[i + 1]! - list.offsets[i]!);
        }
        this.species = Uint32Array.from(this.order, (i) => species[i]!);
        this.r0 = this.sorted(s.positions);
        const device = o.field.ctx.device;
        const make = bufferMaker(device);
        const thermoBytes = 4 * DEFAULT_CHUNK * THERMO_QUANTITIES * THERMO_LANES;
        this.own = {
            params: make('md params', MD_PARAMS_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
            control: make('md control', 4 * MD_CONTROL_WORDS),
            vel: make('md velocities', 16 * n),
            disp: make('md displacements', 16 * n),
            uRef: make('md displacements at the list build', 16 * n),
            invMass: make('md inverse masses', 4 * n),
            noiseSd: make('md noise', 4 * n),
            heat: make('md heat', 4 * n),
            chain: make('md chain', 4 * (CHAIN_HEADER + 2 * s.chainLength)),
            chainConsts: make('md chain constants', 16),
            thermo: make('md thermo', thermoBytes),
            readThermo: make('md thermo readback', thermoBytes + 16, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
            readState: make('md state readback', 48 * n, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
        };
        const q = device.queue;
        const masses = this.order.map((i) => o.masses[i]!);
        q.writeBuffer(this.own.invMass, 0, Float32Array.from(masses, (m) => EV_PER_AMU / m));
        const c1 = Math.exp(-s.dt / s.damping);
        q.writeBuffer(this.own.noiseSd, 0, Float32Array.from(masses, (m) => Math.sqrt(((1 - c1 * c1) * KB * s.temperature * EV_PER_AMU) / m)));
        q.writeBuffer(this.own.vel, 0, this.vec4(this.sorted(s.velocities)));
        q.writeBuffer(this.own.disp, 0, new Float32Array(4 * n));
        q.writeBuffer(this.own.heat, 0, new Float32Array(n));
        // Nosé–Hoover: Q₁ = N_f k_B T τ², Q_j = k_B T τ² (as md/dynamics.ts); energy 0 and scale 1 to start
        const kt = KB * s.temperature;
        q.writeBuffer(this.own.chainConsts, 0, Float32Array.from([s.dof, kt, s.dof * kt * s.damping ** 2, kt * s.damping ** 2]));
        const chain = new Float32Array(CHAIN_HEADER + 2 * s.chainLength);
        chain[1] = 1;
        q.writeBuffer(this.own.chain, 0, s.chain ? Float32Array.from(s.chain) : chain);
    }

    static async create(o: DeviceMdOptions, s: EngineSettings): Promise<DeviceEngine> {
        const cache = pipelineCache(o.field.ctx.device);
        const nh = s.thermostat === 'nose_hoover';
        const [kickDrift, listFilter, reverseFilter, pairVectors, kick, thermo, chainBefore, chainAfter] = await Promise.all([
            cache.get(kickDriftKernel(s.thermostat === 'langevin' ? 'langevin' : 'none')), cache.get(listFilterKernel(o.field.speciesCount)), cache.get(reverseFilterKernel()),
            cache.get(pairVectorsKernel()), cache.get(kickKernel()), cache.get(thermoKernel()),
            nh ? cache.get(chainHalfKernel(s.chainLength, 'before')) : undefined, nh ? cache.get(chainHalfKernel(s.chainLength, 'after')) : undefined,
        ]);
        const engine = new DeviceEngine(o, s, { kickDrift, listFilter, reverseFilter, pairVectors, kick, thermo, ...(chainBefore && chainAfter ? { chainBefore, chainAfter } : {}) });
        await engine.buildList();
        if (s.order) await engine.refreshForces(); // resumed: forces at the restart positions, as the uninterrupted run recomputed them
        return engine;
    }

    /** Forces, energy and thermo sums of the start (step 0). */
    async initial(): Promise<ThermoSums> {
        return (await this.submit(0, 0, (enc) => {
            this.encodeList(enc);
            this.encodeEvaluation(enc);
            this.encodeThermo(enc);
        }, 1)).sums[0]!;
    }

    /** Runs steps from..to (inclusive); stops early (completed < to) after a drift that left the skin. */
    async advance(from: number, to: number): Promise<{ completed: number; sums: ThermoSums[] }> {
        const count = to - from + 1;
        const midStep = this.midStep;
        this.midStep = false;
        return this.submit(from, from, (enc) => {
            const g = this.groups!;
            const kn = this.kernels;
            for (let k = 0; k < count; k++) {
                if (k > 0 || !midStep) {
                    if (kn.chainBefore) encodeDispatch(enc, kn.chainBefore, g.chainBefore!, THERMO_LANES);
                    encodeDispatch(enc, kn.kickDrift, g.kickDrift, this.n);
                }
                this.encodeList(enc);
                this.encodeEvaluation(enc);
                encodeDispatch(enc, kn.kick, g.kick, this.n);
                if (kn.chainAfter) encodeDispatch(enc, kn.chainAfter, g.chainAfter!, THERMO_LANES);
                this.encodeThermo(enc);
            }
        }, count);
    }

    /** The step that stopped on the candidate margin: new candidates at the drifted positions; `advance` finishes that step. */
    async rebuildMidStep(): Promise<void> {
        await this.moveReference();
        this.midStep = true;
    }

    /** A full rebuild after a completed step (restart points): new reference, forces recomputed. */
    async rebuild(lastHeat: number): Promise<void> {
        await this.moveReference();
        this.reservoir += lastHeat;
        this.o.field.ctx.device.queue.writeBuffer(this.own.heat, 0, new Float32Array(this.n));
        await this.refreshForces();
    }

    async saveState(): Promise<DeviceState> {
        const { velocities, forces } = await this.readState();
        const chain = this.kernels.chainBefore ? Array.from(await this.readFloats(this.own.chain, 4 * (CHAIN_HEADER + 2 * this.s.chainLength))) : undefined;
        return {
            positions: Array.from(this.unsorted(this.r0)), velocities: Array.from(velocities), forces: Array.from(forces), order: this.order, reservoir: this.reservoir,
            ...(chain ? { chain } : {}),
        };
    }

    /** Positions and forces (caller's atom order) for a trajectory frame. */
    async frame(): Promise<{ positions: Float64Array; forces: Float64Array; cell?: Float64Array }> {
        const { positions, forces } = await this.readState();
        return { positions, forces, ...(this.o.start.cell ? { cell: this.o.start.cell } : {}) };
    }

    destroy(): void {
        destroyAll(this.own);
        destroyAll(this.candidates);
    }

    private async refreshForces(): Promise<void> {
        await this.submit(0, 0, (enc) => {
            this.encodeList(enc);
            this.encodeEvaluation(enc);
        }, 0);
    }

    /** r⁰ ← r⁰ + u, u ← 0, and new candidates there. */
    private async moveReference(): Promise<void> {
        const u = await this.readFloats(this.own.disp, 16 * this.n);
        for (let i = 0; i < this.n; i++) for (let c = 0; c < 3; c++) this.r0[3 * i + c]! += u[4 * i + c]!;
        this.o.field.ctx.device.queue.writeBuffer(this.own.disp, 0, new Float32Array(4 * this.n));
        await this.buildList();
    }

    private async buildList(): Promise<void> {
        const o = this.o;
        const n = this.n;
        const device = o.field.ctx.device;
        const structure: Structure = { ...o.start, positions: this.unsorted(this.r0) };
        const list = permuteNeighbors(buildNeighborList(structure, o.field.cutoff + this.outerSkin), this.order);
        const cand: SlotList = packSlots(list, this.species, o.field.speciesCount);
        const m = cand.maxNeighbors;
        let R = 1;
        for (let k = 0; k < n; k++) R = Math.max(R, cand.revOffsets[k + 1]! - cand.revOffsets[k]!);
        // candidate slot → neighbour atom, and each atom's candidate slots at a fixed stride
        const candAtom = new Uint32Array(n * m);
        const candRev = new Uint32Array(n * R);
        const candRevCount = new Uint32Array(n);
        for (let k = 0; k < n; k++) {
            const start = cand.revOffsets[k]!;
            candRevCount[k] = cand.revOffsets[k + 1]! - start;
            for (let e = start; e < cand.revOffsets[k + 1]!; e++) {
                candAtom[cand.revSlots[e]!] = k;
                candRev[k * R + e - start] = cand.revSlots[e]!;
            }
        }
        // the evaluator's list has the candidates' stride; the device's filters fill it. Its reverse index
        // has a fixed stride too, padded with the null slot n·m, whose pair force stays 0.
        const nullSlot = n * m;
        const S = o.field.speciesCount;
        const shape: SlotList = {
            atoms: n, maxNeighbors: m, pv: new Float32Array(0), ranges: new Uint32Array(n * (S + 1)), counts: new Uint32Array(n),
            revOffsets: Uint32Array.from({ length: n + 1 }, (_, k) => k * R), revSlots: new Uint32Array(n * R).fill(nullSlot),
        };
        const bound = await o.field.bind(shape, this.species);
        this.passes = bound.passes;
        this.evalBuffers = bound.buffers;
        device.queue.writeBuffer(bound.buffers.pf, 16 * nullSlot, new Float32Array(4));
        if (m !== this.maxNeighbors || R !== this.revStride || !this.candidates) {
            destroyAll(this.candidates);
            const make = bufferMaker(device);
            this.candidates = {
                pv0: make('md candidate vectors', 16 * n * m), atom: make('md candidate atoms', 4 * n * m), range: make('md candidate ranges', 4 * n * (S + 1)),
                rev: make('md candidate reverse index', 4 * n * R), revCount: make('md candidate reverse counts', 4 * n),
                inner: make('md candidate → list slot', 4 * n * m), innerOuter: make('md list slot → candidate', 4 * n * m),
            };
            this.maxNeighbors = m;
            this.revStride = R;
        }
        const c = this.candidates;
        device.queue.writeBuffer(c.pv0, 0, cand.pv);
        device.queue.writeBuffer(c.atom, 0, candAtom);
        device.queue.writeBuffer(c.range, 0, cand.ranges);
        device.queue.writeBuffer(c.rev, 0, candRev);
        device.queue.writeBuffer(c.revCount, 0, candRevCount);
        const own = this.own;
        const b = bound.buffers;
        const base = { md: own.params, control: own.control };
        this.groups = {
            kickDrift: createBindGroup(device, this.kernels.kickDrift, {
                ...base, forces: b.forces, inv_mass: own.invMass, vel: own.vel, disp: own.disp, u_ref: own.uRef,
                ...(this.s.thermostat === 'langevin' ? { noise_sd: own.noiseSd, heat: own.heat } : {}),
            }),
            listFilter: createBindGroup(device, this.kernels.listFilter, {
                ...base, cand_pv0: c.pv0, cand_atom: c.atom, cand_range: c.range, disp: own.disp, u_ref: own.uRef, nb_range: b.nbRange, counts: b.counts,
                inner_outer: c.innerOuter, cand_inner: c.inner, pv: b.pv,
            }),
            reverseFilter: createBindGroup(device, this.kernels.reverseFilter, { ...base, cand_rev: c.rev, cand_rev_count: c.revCount, cand_inner: c.inner, rev_slots: b.revSlots }),
            pairVectors: createBindGroup(device, this.kernels.pairVectors, { ...base, cand_pv0: c.pv0, cand_atom: c.atom, inner_outer: c.innerOuter, counts: b.counts, disp: own.disp, pv: b.pv }),
            kick: createBindGroup(device, this.kernels.kick, { ...base, forces: b.forces, inv_mass: own.invMass, vel: own.vel }),
            thermo: createBindGroup(device, this.kernels.thermo, { ...base, energy: b.energy, vel: own.vel, inv_mass: own.invMass, virial: b.virial, heat: own.heat, chain: own.chain, thermo: own.thermo }),
        };
        if (this.kernels.chainBefore && this.kernels.chainAfter) {
            const chain = { ...base, inv_mass: own.invMass, vel: own.vel, chain: own.chain, chain_consts: own.chainConsts };
            this.groups.chainBefore = createBindGroup(device, this.kernels.chainBefore, chain);
            this.groups.chainAfter = createBindGroup(device, this.kernels.chainAfter, chain);
        }
        this.listPending = true;
        this.candidateBuilds++;
    }

    /** The device's list build (when flagged) and the step's pair vectors. */
    private encodeList(enc: GPUCommandEncoder): void {
        const g = this.groups!;
        const k = this.kernels;
        encodeDispatch(enc, k.listFilter, g.listFilter, this.n);
        encodeDispatch(enc, k.reverseFilter, g.reverseFilter, this.n);
        encodeDispatch(enc, k.pairVectors, g.pairVectors, this.n);
    }

    private encodeEvaluation(enc: GPUCommandEncoder): void {
        for (const p of this.passes) encodeDispatch(enc, p.kernel, p.bindGroup, this.n);
    }

    private encodeThermo(enc: GPUCommandEncoder): void {
        encodeDispatch(enc, this.kernels.thermo, this.groups!.thermo, THERMO_LANES);
    }

    /** One submit: the control words and parameters, the encoded work, then the thermo rows read back. */
    private async submit(step: number, baseStep: number, encode: (enc: GPUCommandEncoder) => void, rows: number): Promise<{ completed: number; sums: ThermoSums[] }> {
        const device = this.o.field.ctx.device;
        const q = device.queue;
        const params = new ArrayBuffer(MD_PARAMS_BYTES);
        new Uint32Array(params, 0, 4).set([this.n, this.maxNeighbors, this.s.seed >>> 0, baseStep]);
        new Float32Array(params, 16, 5).set([
            this.s.dt, Math.exp(-this.s.dt / this.s.damping), ((this.outerSkin - this.skin) / 2) ** 2, (this.skin / 2) ** 2, (this.o.field.cutoff + this.skin) ** 2,
        ]);
        new Uint32Array(params, 36, 2).set([this.n * this.maxNeighbors, this.revStride]);
        q.writeBuffer(this.own.params, 0, params);
        q.writeBuffer(this.own.control, 0, new Uint32Array([step, NO_STEP]));
        q.writeBuffer(this.own.control, 8, new Uint32Array([this.listPending ? 1 : 0]));
        this.listPending = false;
        const thermoBytes = 4 * rows * THERMO_QUANTITIES * THERMO_LANES;
        const raw = await submitAndRead(device, 'device-resident MD', (enc) => {
            encode(enc);
            if (rows > 0) enc.copyBufferToBuffer(this.own.thermo, 0, this.own.readThermo, 0, thermoBytes);
            enc.copyBufferToBuffer(this.own.control, 0, this.own.readThermo, thermoBytes, 4 * MD_CONTROL_WORDS);
        }, this.own.readThermo, thermoBytes + 4 * MD_CONTROL_WORDS);
        this.submits++;
        const thermo = raw.subarray(0, thermoBytes / 4);
        const control = new Uint32Array(raw.buffer, thermoBytes, MD_CONTROL_WORDS);
        const frozen = control[1]!;
        this.deviceBuilds = control[3]!;
        const completed = frozen === NO_STEP ? step + rows - 1 : frozen - 1;
        const sums: ThermoSums[] = [];
        for (let r = 0; r < Math.max(0, completed - step + 1); r++) {
            const q4 = (k: number) => {
                let total = 0;
                const at = (r * THERMO_QUANTITIES + k) * THERMO_LANES;
                for (let t = 0; t < THERMO_LANES; t++) total += thermo[at + t]!;
                return total;
            };
            sums.push({ energy: q4(0), kinetic: q4(1), virialTrace: q4(2), heat: q4(3), chain: q4(4) });
        }
        return { completed, sums };
    }

    private async readState(): Promise<{ positions: Float64Array; velocities: Float64Array; forces: Float64Array }> {
        const n = this.n;
        const f = await submitAndRead(this.o.field.ctx.device, 'md state', (enc) => {
            enc.copyBufferToBuffer(this.own.disp, 0, this.own.readState, 0, 16 * n);
            enc.copyBufferToBuffer(this.own.vel, 0, this.own.readState, 16 * n, 16 * n);
            enc.copyBufferToBuffer(this.evalBuffers!.forces, 0, this.own.readState, 32 * n, 16 * n);
        }, this.own.readState, 48 * n);
        const three = (at: number) => {
            const out = new Float64Array(3 * n);
            for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[3 * i + c] = f[at + 4 * i + c]!;
            return out;
        };
        const u = three(0);
        const positions = this.r0.map((x, k) => x + u[k]!);
        return { positions: this.unsorted(positions), velocities: this.unsorted(three(4 * n)), forces: this.unsorted(three(8 * n)) };
    }

    private readFloats(buffer: GPUBuffer, bytes: number): Promise<Float32Array> {
        return submitAndRead(this.o.field.ctx.device, 'md read', (enc) => enc.copyBufferToBuffer(buffer, 0, this.own.readState, 0, bytes), this.own.readState, bytes);
    }

    /** 3-vectors of the caller's atoms in the device's order. */
    private sorted(v: Float64Array): Float64Array {
        const out = new Float64Array(3 * this.n);
        this.order.forEach((i, k) => out.set(v.subarray(3 * i, 3 * i + 3), 3 * k));
        return out;
    }

    private unsorted(v: Float64Array): Float64Array {
        const out = new Float64Array(3 * this.n);
        this.order.forEach((i, k) => out.set(v.subarray(3 * k, 3 * k + 3), 3 * i));
        return out;
    }

    private vec4(v: Float64Array): Float32Array {
        const out = new Float32Array(4 * this.n);
        for (let i = 0; i < this.n; i++) for (let c = 0; c < 3; c++) out[4 * i + c] = v[3 * i + c]!;
        return out;
    }
}

/** The evaluator buffers the MD kernels read or write. */
interface BoundBuffers {
    readonly pv: GPUBuffer;
    readonly nbRange: GPUBuffer;
    readonly revSlots: GPUBuffer;
    readonly pf: GPUBuffer;
    readonly counts: GPUBuffer;
    readonly forces: GPUBuffer;
    readonly energy: GPUBuffer;
    readonly virial: GPUBuffer;
}
