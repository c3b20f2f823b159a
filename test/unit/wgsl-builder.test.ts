import { describe, expect, it } from 'vitest';
import {
    BindingRegistry,
    f32Literal,
    generateKernel,
    kernelCacheKey,
    type KernelDefinition,
} from '../../compiler/src/kernel/wgsl-builder.js';

describe('BindingRegistry', () => {
    it('numbers bindings in registration order', () => {
        const b = new BindingRegistry();
        expect(b.storage('positions', 'array<vec4<f32>>', 'read')).toBe('positions');
        b.uniform('params', 'Params');
        b.storage('forces', 'array<vec4<f32>>', 'read_write');
        expect(b.bindings.map((d) => [d.index, d.name, d.kind])).toEqual([
            [0, 'positions', 'read-only-storage'],
            [1, 'params', 'uniform'],
            [2, 'forces', 'storage'],
        ]);
        expect(b.declarations()).toMatchInlineSnapshot(`
          "@group(0) @binding(0) var<storage, read> positions: array<vec4<f32>>;
          @group(0) @binding(1) var<uniform> params: Params;
          @group(0) @binding(2) var<storage, read_write> forces: array<vec4<f32>>;"
        `);
    });

    it('rejects duplicate and non-snake_case names', () => {
        const b = new BindingRegistry();
        b.storage('r', 'array<f32>', 'read');
        expect(() => b.storage('r', 'array<f32>', 'read')).toThrow(/declared twice/);
        expect(() => b.uniform('Params', 'P')).toThrow(/snake_case/);
    });
});

function scaleKernel(factor: number, comment: string): KernelDefinition<{ factor: number; n: number }> {
    return {
        name: 'Scale',
        params: { factor, n: 4 },
        workgroupSize: 64,
        shaderBody: (b, p, wg) => {
            const x = b.storage('x', 'array<f32>', 'read_write');
            return `// ${comment}
const factor: f32 = ${f32Literal(p.factor)};
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) { ${x}[gid.x] *= factor; }`;
        },
    };
}

describe('kernel cache key', () => {
    it('depends on name and compile-time parameters, not on the shader text', () => {
        const a = scaleKernel(2, 'one wording');
        const b = scaleKernel(2, 'another wording');
        expect(generateKernel(a).wgsl).not.toBe(generateKernel(b).wgsl);
        expect(kernelCacheKey(a)).toBe(kernelCacheKey(b));
        expect(kernelCacheKey(a)).toBe('Scale|wg=64|{"factor":2,"n":4}');
        expect(kernelCacheKey(scaleKernel(3, 'one wording'))).not.toBe(kernelCacheKey(a));
        expect(kernelCacheKey({ ...a, workgroupSize: 128 })).not.toBe(kernelCacheKey(a));
    });

    it('is computed without generating the shader and ignores parameter order', () => {
        let generated = 0;
        const def: KernelDefinition<{ b: number; a: number }> = {
            name: 'Probe',
            params: { b: 1, a: 0.1 },
            workgroupSize: 64,
            shaderBody: () => {
                generated++;
                return '';
            },
        };
        expect(kernelCacheKey(def)).toBe(kernelCacheKey({ ...def, params: { a: 0.1, b: 1 } }));
        expect(generated).toBe(0);
        expect(() => kernelCacheKey({ ...def, params: { a: NaN, b: 1 } })).toThrow(/not finite/);
    });
});

describe('generateKernel', () => {
    it('puts the declarations before the body', () => {
        expect(generateKernel(scaleKernel(0.5, 'x')).wgsl).toMatchInlineSnapshot(`
          "// Scale
          @group(0) @binding(0) var<storage, read_write> x: array<f32>;

          // x
          const factor: f32 = 0.5;
          @compute @workgroup_size(64)
          fn main(@builtin(global_invocation_id) gid: vec3<u32>) { x[gid.x] *= factor; }
          "
        `);
    });

    it('writes floats so WGSL never reads them as integers', () => {
        expect(f32Literal(6)).toBe('6.0');
        expect(f32Literal(Math.PI / 6)).toBe('0.5235987755982988');
        expect(f32Literal(1e-7)).toBe('1e-7');
        expect(() => f32Literal(Infinity)).toThrow();
    });
});
