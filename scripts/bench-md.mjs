// MD benchmarks: throughput (atom-steps per second) of NVE with the water architecture at 1 080 and
// 8 640 atoms: the float64 reference evaluator, WebGPU driven step by step from the host, and WebGPU
// device-resident (gpu/device-md.ts), with the share of each step spent outside the HDNNP kernels
// (host: neighbour list, packing, upload, readback, integration; device: the MD kernels); and
// the long NVE run of issue 5 with the imported n2p2 water potential (192 atoms, 0.25 fs, 10 000
// steps), whose total-energy drift must stay ≤ 1e-4 eV/atom/ps. Run alone: node scripts/bench-md.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waterSetup } from './bench-water.mjs';

const dist = new URL('../dist/', import.meta.url);
const mod = (path) => import(new URL(path, dist).href);

export async function benchMd() {
    let ok = true;
    console.log('\n## MD throughput: NVE (velocity Verlet, 0.25 fs), H2O RPBE-D3 architecture; neighbour lists within r_c at every step (host-driven: from a 1 Å skin list; device-resident: filtered on the device)');
    try {
        const { runMd } = await mod('runtime/src/md/run-md.js');
        const { SkinNeighborList } = await mod('runtime/src/neighbors/skin-list.js');
        const { acquireGpu } = await mod('runtime/src/gpu/device.js');
        const { GpuEvaluator } = await mod('runtime/src/gpu/hdnnp-evaluator.js');
        const { evaluateReference } = await mod('runtime/src/reference/evaluate.js');
        const { runDeviceMd, modelField } = await mod('runtime/src/gpu/device-md.js');
        const { buildNeighborList } = await mod('runtime/src/neighbors/cell-list.js');
        const { model, params, box, supercell } = await waterSetup();
        const mass = new Map(model.elements.map((e) => [e.symbol, e.mass]));
        const items = (steps) => [{ type: 'Ensemble', kind: 'nve' }, { type: 'Timestep', value: 0.25 }, { type: 'Steps', value: steps }, { type: 'Velocities', temperature: 300 }, { type: 'Seed', value: 1 }];
        const ctx = await acquireGpu();
        for (const [s, gpuSteps] of [[box, 20], [supercell, 4]]) {
            const n = s.symbols.length;
            const masses = Float64Array.from(s.symbols, (x) => mass.get(x));
            const skin = new SkinNeighborList(model.maxCutoff, 1.0);
            const gpu = await GpuEvaluator.create(ctx, model, params, (x) => skin.update(x));
            const g = await runMd({ items: items(gpuSteps), start: s, masses, calculator: (x) => gpu.evaluate(x) });
            const kernelMs = [];
            for (let k = 0; k < 3; k++) kernelMs.push(await gpu.kernelTime());
            kernelMs.sort((a, b) => a - b);
            gpu.destroy();
            // the device-resident run's kernels visit a list within r_c: their time on such a list
            const exact = buildNeighborList(s, model.maxCutoff);
            const rc = await GpuEvaluator.create(ctx, model, params, () => exact);
            await rc.evaluate(s);
            const rcMs = [];
            for (let k = 0; k < 3; k++) rcMs.push(await rc.kernelTime());
            rcMs.sort((a, b) => a - b);
            rc.destroy();
            const devEvaluator = await GpuEvaluator.create(ctx, model, params, (x) => new SkinNeighborList(model.maxCutoff, 1.0).update(x));
            const d = await runDeviceMd({ items: items(gpuSteps * 2), start: s, masses, calculator: undefined, field: modelField(ctx, devEvaluator, model, params) });
            devEvaluator.destroy();
            const r = await runMd({ items: items(1), start: s, masses, calculator: async (x) => evaluateReference(model, params, x) });
            const gpuRate = n * g.stepsPerSecond;
            const devRate = n * d.stepsPerSecond;
            const refRate = n * r.stepsPerSecond;
            const stepMs = 1000 / g.stepsPerSecond;
            const devMs = 1000 / d.stepsPerSecond;
            console.log(`${n} atoms: float64 reference ${refRate.toFixed(0)} atom-steps/s (baseline)`);
            console.log(`  WebGPU, host-driven (one evaluation + readback per step): ${gpuRate.toFixed(0)} atom-steps/s = ${(gpuRate / refRate).toFixed(1)}×; ${stepMs.toFixed(1)} ms/step, ${(100 * Math.max(0, 1 - kernelMs[1] / stepMs)).toFixed(0)} % outside the kernels (${kernelMs[1].toFixed(1)} ms)`);
            console.log(`  WebGPU, device-resident (${d.submits} submits for ${d.steps} steps, ${d.rebuilds} list builds on the device, ${d.candidateBuilds} candidate lists from the host): ${devRate.toFixed(0)} atom-steps/s = ${(devRate / refRate).toFixed(1)}×; ${devMs.toFixed(1)} ms/step, ${(100 * Math.max(0, 1 - rcMs[1] / devMs)).toFixed(0)} % outside the HDNNP kernels (${rcMs[1].toFixed(1)} ms on a list within r_c)`);
        }
        await ctx.destroy();
    } catch (e) {
        console.log(`MD throughput benchmark failed: ${e.message}`);
        ok = false;
    }

    console.log('\n## NVE energy conservation: imported n2p2 H2O RPBE-D3, 192 atoms, 0.25 fs, 10 000 steps (target drift ≤ 1e-4 eV/atom/ps)');
    try {
        const shared = process.env.NNP_SHARED_DATA ?? new URL('../../shared/data', import.meta.url).pathname;
        const { readStructures, writeStructures } = await mod('runtime/src/io/read-structures.js');
        const { supercell } = await mod('runtime/src/structures/supercell.js');
        const dir = mkdtempSync(join(tmpdir(), 'nnp-bench-md-'));
        const nnp = (args) => execFileSync(process.execPath, [new URL('../bin/nnp.js', import.meta.url).pathname, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        nnp(['import', 'n2p2', `${shared}/n2p2/potentials/H2O_RPBE-D3`, '-o', 'h2o.nnp', '--length-unit', 'bohr', '--energy-unit', 'Ha']);
        const cell = readStructures(`${shared}/n2p2/structures/H2O_48.data`, { units: { length: 0.529177210903, energy: 27.211386245988 } })[0];
        writeStructures(join(dir, 'box.xyz'), [supercell({ ...cell, energy: undefined, forces: undefined, charges: undefined }, [2, 2, 1])]);
        writeFileSync(join(dir, 'md.nnp'), 'import "h2o.nnp"\nrun md H2O_RPBE_D3 as long_nve {\n  from "box.xyz"\n  ensemble nve\n  timestep 0.25 fs\n  steps 10000\n  velocities 300 K\n  seed 1\n  log "out/nve.csv" every 100\n}\n');
        const t0 = performance.now();
        nnp(['run', 'md.nnp']);
        const s = JSON.parse(readFileSync(join(dir, 'out', 'long_nve', 'summary.json'), 'utf8'));
        const pass = Math.abs(s.conservedDriftEvPerAtomPs) <= 1e-4;
        ok &&= pass;
        console.log(`${s.atoms} atoms, ${s.steps} steps (${(s.steps * s.timestepFs / 1000).toFixed(1)} ps): drift ${s.conservedDriftEvPerAtomPs.toExponential(2)} eV/atom/ps over the second half ${pass ? 'ok' : 'OVER 1e-4'}; ⟨T⟩ ${s.meanTemperatureK.toFixed(1)} K; ${s.stepsPerSecond.toFixed(1)} steps/s (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    } catch (e) {
        console.log(`NVE benchmark failed: ${e.message}`);
        ok = false;
    }
    return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) {
    await import('./polyfill-groupby.cjs');
    process.exit((await benchMd()) ? 0 : 1);
}
