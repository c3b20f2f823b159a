// GPU smoke test: one small but physically meaningful kernel, checked against float64 JS.
// The cosine cutoff (Behler 2011) is the factor every descriptor multiplies by:
//   f_c(r) = 0.5 * (cos(pi r / r_c) + 1)  for r < r_c, else 0      (r, r_c in Angstrom)
//   f_c'(r) = -0.5 * (pi / r_c) * sin(pi r / r_c)  for r < r_c, else 0   (1/Angstrom)
import { createHash } from 'node:crypto';
import { f32Literal, type BindingRegistry, type KernelDefinition } from '../../../compiler/src/kernel/wgsl-builder.js';
import { describeAdapter, type GpuContext } from './device.js';
import { createBindGroup, encodeDispatch, pipelineCache } from './kernel.js';
import { submitAndRead } from './readback.js';

export interface SmokeOptions {
    readonly n?: number; // number of distances
    readonly cutoff?: number; // r_c in Angstrom
}

export interface SmokeResult {
    readonly adapter: string;
    readonly isCpuFallback: boolean;
    readonly n: number;
    readonly maxAbsError: number;
    /** Wall time of the GPU part: pipeline (compiled on first use), upload, dispatch, readback. */
    readonly ms: number;
    /** SHA-256 of the output bytes, to check runs are bit-identical without keeping the output. */
    readonly outputDigest: string;
}

/** Bound on |GPU (float32) - float64 reference| over f_c and f_c'. */
export const SMOKE_TOLERANCE = 1e-6;

type CutoffParams = { readonly cutoff: number };

function cosineCutoffKernel(cutoff: number): KernelDefinition<CutoffParams> {
    return {
        name: 'CosineCutoff',
        params: { cutoff },
        workgroupSize: 64,
        shaderBody: (b: BindingRegistry, p: CutoffParams, workgroupSize: number) => {
            const r = b.storage('r', 'array<f32>', 'read'); // (n,) Angstrom
            const out = b.storage('fc', 'array<vec2<f32>>', 'read_write'); // (n, 2): f_c, f_c'
            // pi / r_c is folded in float64 so only one f32 rounding enters the argument.
            return `
const r_c: f32 = ${f32Literal(p.cutoff)};
const pi_over_r_c: f32 = ${f32Literal(Math.PI / p.cutoff)};

@compute @workgroup_size(${workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&${r})) { return; }
    let x = ${r}[i];
    var value = vec2<f32>(0.0, 0.0);
    if (x < r_c) {
        let a = pi_over_r_c * x;
        value = vec2<f32>(0.5 * (cos(a) + 1.0), -0.5 * pi_over_r_c * sin(a));
    }
    ${out}[i] = value;
}`;
        },
    };
}

/** Float64 reference of the kernel, interleaved like its output. */
function cosineCutoffReference(r: Float32Array, cutoff: number): Float64Array {
    const out = new Float64Array(2 * r.length);
    for (let i = 0; i < r.length; i++) {
        const x = r[i]!;
        if (x < cutoff) {
            const a = (Math.PI * x) / cutoff;
            out[2 * i] = 0.5 * (Math.cos(a) + 1);
            out[2 * i + 1] = -0.5 * (Math.PI / cutoff) * Math.sin(a);
        }
    }
    return out;
}

/** Runs the cutoff kernel on N distances spanning [0, 1.25 r_c]; throws if it disagrees with float64. */
export async function runSmokeTest(ctx: GpuContext, options: SmokeOptions = {}): Promise<SmokeResult> {
    const n = options.n ?? 4096;
    const cutoff = options.cutoff ?? 6.0;
    const r = new Float32Array(n); // inputs rounded to f32 once, and the reference sees the same values
    for (let i = 0; i < n; i++) r[i] = (1.25 * cutoff * i) / Math.max(1, n - 1);

    const t0 = performance.now();
    const output = await evaluateOnGpu(ctx.device, cosineCutoffKernel(cutoff), r);
    const ms = performance.now() - t0;

    const reference = cosineCutoffReference(r, cutoff);
    let maxAbsError = 0;
    for (let i = 0; i < output.length; i++) maxAbsError = Math.max(maxAbsError, Math.abs(output[i]! - reference[i]!));
    // `!(<)` so that a NaN error fails too.
    if (!(maxAbsError < SMOKE_TOLERANCE)) {
        const adapter = describeAdapter(ctx.adapterInfo);
        throw new Error(`GPU smoke test failed: max |GPU - float64| = ${maxAbsError} exceeds ${SMOKE_TOLERANCE} (adapter: ${adapter})`);
    }
    const outputDigest = createHash('sha256').update(new Uint8Array(output.buffer)).digest('hex');
    const { isCpuFallback } = ctx.adapterInfo;
    return { adapter: describeAdapter(ctx.adapterInfo), isCpuFallback, n, maxAbsError, ms, outputDigest };
}

async function evaluateOnGpu(device: GPUDevice, def: KernelDefinition<CutoffParams>, r: Float32Array): Promise<Float32Array> {
    const kernel = await pipelineCache(device).get(def);
    const outBytes = 2 * r.byteLength;
    const input = device.createBuffer({ label: 'r', size: r.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const output = device.createBuffer({ label: 'fc', size: outBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const readback = device.createBuffer({ label: 'fc readback', size: outBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
        return await submitAndRead(device, `${kernel.label}: dispatch`, (encoder) => {
            device.queue.writeBuffer(input, 0, r);
            encodeDispatch(encoder, kernel, createBindGroup(device, kernel, { r: input, fc: output }), r.length);
            encoder.copyBufferToBuffer(output, 0, readback, 0, outBytes);
        }, readback, outBytes);
    } finally {
        input.destroy();
        output.destroy();
        readback.destroy();
    }
}
