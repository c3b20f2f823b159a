// Compile-time half of a compute kernel: WGSL text and the binding table it declares.
// The runtime (runtime/src/gpu/kernel.ts) turns a KernelDefinition into a labelled pipeline with
// an explicit bind group layout built from the same table, so the shader and the layout cannot
// disagree. Bindings are numbered in registration order: nobody writes `@binding(3)` by hand.

/** How a binding is declared in WGSL and which layout entry type it needs. */
export type BindingKind = 'read-only-storage' | 'storage' | 'uniform';

export interface BindingDecl {
    readonly index: number;
    readonly name: string; // WGSL identifier, snake_case
    readonly kind: BindingKind;
    readonly wgslType: string;
}

/** Collects bindings while a shader is being generated; all live in bind group 0. */
export class BindingRegistry {
    readonly group = 0;
    private readonly decls: BindingDecl[] = [];

    /** Declares a storage buffer; returns its WGSL name for use in the shader body. */
    storage(name: string, wgslType: string, access: 'read' | 'read_write'): string {
        return this.add(name, access === 'read' ? 'read-only-storage' : 'storage', wgslType);
    }

    uniform(name: string, wgslType: string): string {
        return this.add(name, 'uniform', wgslType);
    }

    get bindings(): readonly BindingDecl[] {
        return this.decls;
    }

    /** One `@group @binding var` line per binding, in binding order. */
    declarations(): string {
        return this.decls
            .map((b) => `@group(${this.group}) @binding(${b.index}) var<${addressSpace(b.kind)}> ${b.name}: ${b.wgslType};`)
            .join('\n');
    }

    private add(name: string, kind: BindingKind, wgslType: string): string {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`binding name '${name}' is not a snake_case WGSL identifier`);
        if (this.decls.some((b) => b.name === name)) throw new Error(`binding '${name}' declared twice`);
        this.decls.push({ index: this.decls.length, name, kind, wgslType });
        return name;
    }
}

function addressSpace(kind: BindingKind): string {
    switch (kind) {
        case 'read-only-storage':
            return 'storage, read';
        case 'storage':
            return 'storage, read_write';
        case 'uniform':
            return 'uniform';
        default:
            return assertExhaustive(kind);
    }
}

function assertExhaustive(x: never): never {
    throw new Error(`unexpected binding kind ${String(x)}`);
}

/** Compile-time parameters: whatever changes the generated text. JSON-like values only. */
export type KernelParams = { readonly [key: string]: number | string | boolean | readonly number[] };

/**
  * A kernel before compilation. `shaderBody` registers its bindings on the registry it is given and
  * returns the WGSL after the declarations (constants, entry point `main`). It is only called on a
  * cache miss, so it must be a pure function of `params`.
  */
export interface KernelDefinition<P extends KernelParams = KernelParams> {
    readonly name: string; // PascalCase; pipeline label and cache-key prefix
    readonly params: P;
    readonly workgroupSize: number;
    /**
     * Items (atoms) one workgroup handles: by default one per invocation (= workgroupSize); 1 for
     * kernels whose workgroup shares one atom's work between its lanes.
     */
    readonly itemsPerWorkgroup?: number;
    /**
     * Module directives before the declarations (`enable subgroups`, `diagnostic(off, …)`); the device
     * must have the features an `enable` names.
     */
    readonly directives?: readonly string[];
    shaderBody(bindings: BindingRegistry, params: P, workgroupSize: number): string;
}

export interface GeneratedKernel {
    readonly name: string;
    readonly cacheKey: string;
    readonly wgsl: string;
    readonly bindings: readonly BindingDecl[];
    readonly workgroupSize: number;
    /** Items (atoms) per workgroup: see KernelDefinition. */
    readonly itemsPerWorkgroup: number;
    readonly entryPoint: 'main';
}

/**
  * Cache key from the kernel name and its compile-time parameters, never from the shader text:
  * computing it must not require generating the shader, and text edits (comments, formatting)
  * must not fork the cache. Keys are sorted so that parameter order does not matter.
  */
export function kernelCacheKey(def: Pick<KernelDefinition, 'name' | 'params' | 'workgroupSize'>): string {
    return `${def.name}|wg=${def.workgroupSize}|${stableJson(def.params)}`;
}

function stableJson(params: KernelParams): string {
    const parts = Object.keys(params)
        .sort()
        .map((k) => {
            const v = params[k]!;
            const values = Array.isArray(v) ? v : [v];
            // JSON prints finite doubles round-trip exactly; NaN/Infinity would all print as null.
            for (const x of values) {
                if (typeof x === 'number' && !Number.isFinite(x)) throw new Error(`kernel parameter '${k}' is not finite`);
            }
            return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
        });
    return `{${parts.join(',')}}`;
}

/** Generates the full WGSL of a kernel: binding declarations, then its body. */
export function generateKernel<P extends KernelParams>(def: KernelDefinition<P>): GeneratedKernel {
    const registry = new BindingRegistry();
    const body = def.shaderBody(registry, def.params, def.workgroupSize);
    const directives = (def.directives ?? []).map((d) => `${d};\n`).join('');
    const wgsl = `${directives}// ${def.name}\n${registry.declarations()}\n\n${body.trim()}\n`;
    return {
        name: def.name,
        cacheKey: kernelCacheKey(def),
        wgsl,
        bindings: registry.bindings,
        workgroupSize: def.workgroupSize,
        itemsPerWorkgroup: def.itemsPerWorkgroup ?? def.workgroupSize,
        entryPoint: 'main',
    };
}

/**
  * A WGSL literal for a double, rounded to f32 by the WGSL compiler. Always has a '.' or exponent
  * so it is never an integer literal, and keeps all 17 significant digits (round-trip exact).
  */
export function f32Literal(x: number): string {
    if (!Number.isFinite(x)) throw new Error(`cannot bake non-finite value ${x} into WGSL`);
    const s = String(x);
    return /[.eE]/.test(s) ? s : `${s}.0`;
}
