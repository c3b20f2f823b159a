// npm run bench: performance figures as ratios against a baseline measured in the same run
// (machines are noisy; absolute times are printed for reference only).
import '../scripts/polyfill-groupby.cjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url);
const { loadSpecs } = await import(new URL('language/src/load-specs.js', dist).href);

function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

async function timeIt(fn, repeats = 3) {
    const times = [];
    for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        try {
            await fn();
        } catch {
            // refused inputs (binary, invalid UTF-8) throw a clear error: that is the measured path
        }
        times.push(performance.now() - t0);
    }
    return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'nnp-bench-'));
const write = (name, data) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
};
const block = 'potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.4 A cutoff 8.5 A }\n';
const inputs = {
    'empty file': write('empty.nnp', ''),
    'binary bytes': write('binary.nnp', Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 37) % 256)),
    'invalid UTF-8': write('latin.nnp', Buffer.from([0x6d, 0xc3, 0x28, 0x20])),
    '10 000 nested braces': write('braces.nnp', '{'.repeat(10_000)),
    '5 MB of repeated blocks': write('big.nnp', block.repeat(Math.ceil((5 << 20) / block.length))),
    '1 MB spec (size limit)': write('limit.nnp', block.repeat(Math.floor((1 << 20) / block.length))),
};

console.log('## Checking inputs that are not specs (target: each < 5 s)');
const baseline = await timeIt(() => loadSpecs(['examples/water/model.nnp']));
console.log(`baseline: check examples/water/model.nnp  ${baseline.toFixed(1)} ms`);
let failed = false;
for (const [name, path] of Object.entries(inputs)) {
    const ms = await timeIt(() => loadSpecs([path]), name.includes('MB') ? 1 : 3);
    const ok = ms < 5000;
    failed ||= !ok;
    console.log(`${name.padEnd(26)} ${(ms / baseline).toFixed(1).padStart(7)}× baseline  (${ms.toFixed(0)} ms) ${ok ? 'ok' : 'OVER 5 s'}`);
}

console.log('\n## WebGPU smoke kernel (cosine cutoff, 4096 values)');
try {
    const { acquireGpu } = await import(new URL('runtime/src/gpu/device.js', dist).href);
    const { runSmokeTest } = await import(new URL('runtime/src/gpu/smoke.js', dist).href);
    const ctx = await acquireGpu();
    await runSmokeTest(ctx);
    const gpu = [];
    for (let i = 0; i < 20; i++) gpu.push((await runSmokeTest(ctx)).ms);
    const rc = 6;
    const js = await timeIt(() => {
        const out = new Float64Array(2 * 4096);
        for (let i = 0; i < 4096; i++) {
            const r = (i / 4096) * 1.2 * rc;
            out[2 * i] = r < rc ? 0.5 * (Math.cos((Math.PI * r) / rc) + 1) : 0;
            out[2 * i + 1] = r < rc ? -0.5 * (Math.PI / rc) * Math.sin((Math.PI * r) / rc) : 0;
        }
    }, 20);
    const g = median(gpu);
    console.log(`adapter: ${ctx.adapterInfo.description || ctx.adapterInfo.vendor}`);
    console.log(`dispatch + readback ${g.toFixed(3)} ms = ${(g / js).toFixed(1)}× the float64 JS loop (${js.toFixed(3)} ms); dominated by submit/readback latency at this size`);
    await ctx.destroy();
} catch (e) {
    console.log(`WebGPU unavailable: ${e.message}`);
    failed = true;
}
process.exit(failed ? 1 : 0);
