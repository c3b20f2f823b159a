// How the lanes of an atom's workgroup hand neighbour data to each other in the HDNNP pair loops
// (descriptor-code.ts): with subgroup shuffles where the device has WebGPU's `subgroups` feature
// (subgroups of at least LANES invocations: a register permute on lavapipe), else through workgroup
// memory, a chunk at a time, with two barriers per chunk. Both give the same sums in the same order.
import { LANES } from './lanes.js';

/** A value a lane publishes for the chunk's other lanes: its WGSL name and type. */
export interface Published {
    readonly name: string;
    readonly type: string;
}

export interface LaneExchange {
    /** The entry point's lane parameter (a builtin that runs over 0..LANES−1). */
    readonly laneParameter: string;
    /** WGSL directives the kernel needs. */
    readonly directives: readonly string[];
    /** At the start of a chunk: make this lane's `values` readable by the others. */
    publish(values: readonly Published[]): string;
    /** Lane `src`'s value of a published name. */
    read(name: string, src: string): string;
    /** In step j of the diagonal walk: hand vec3 `value` to lane (lane + j) mod LANES, summed in `total`. */
    deliver(value: string, total: string): string;
    /** At the end of a chunk whose steps were j = `from` … `to` − 1, before `total` is used. */
    collect(total: string, from: string, to: string): string;
    /**
     * Whether the pair loops write a chunk's steps out one after another (shuffles at constant lanes,
     * no loop overhead) or loop over them (lavapipe compiles code with barriers slowly, and more
     * slowly the longer it is).
     */
    readonly writeStepsOut: boolean;
    /** Module-scope declarations for the values published anywhere in the kernel. */
    declarations(values: readonly Published[]): string;
}

const mask = `${LANES - 1}u`;

export const SUBGROUP_EXCHANGE: LaneExchange = {
    laneParameter: '@builtin(subgroup_invocation_id) lane: u32',
    directives: ['enable subgroups'],
    publish: () => '',
    read: (name, src) => `subgroupShuffle(${name}, ${src})`,
    // lane l receives from lane l − j, the lane whose partner it owns in this step
    deliver: (value, total) => `${total} += subgroupShuffle(${value}, (lane + ${LANES - 1}u * j) & ${mask});`,
    collect: () => '',
    writeStepsOut: true,
    declarations: () => '',
};

export const WORKGROUP_EXCHANGE: LaneExchange = {
    laneParameter: '@builtin(local_invocation_index) lane: u32',
    directives: [],
    // the first barrier: every lane has finished reading the previous chunk's values
    publish: (values) => `workgroupBarrier();\n${values.map((v) => `xch_${v.name}[lane] = ${v.name};`).join('\n')}\nworkgroupBarrier();`,
    read: (name, src) => `xch_${name}[${src}]`,
    // one cell per (step, sender): no two lanes write the same cell, so no barrier inside the walk
    deliver: (value) => `xch_delivery[j * ${LANES}u + lane] = ${value};`,
    collect: (total, from, to) => `workgroupBarrier();
for (var t = ${from}; t < ${to}; t++) { ${total} += xch_delivery[t * ${LANES}u + ((lane + ${LANES}u - t) & ${mask})]; }`,
    writeStepsOut: false,
    declarations: (values) => {
        const unique = new Map(values.map((v) => [v.name, v.type]));
        const lines = [...unique].map(([name, type]) => `var<workgroup> xch_${name}: array<${type}, ${LANES}>;`);
        lines.push(`var<workgroup> xch_delivery: array<vec3<f32>, ${LANES * LANES}>;`);
        return lines.join('\n');
    },
};
