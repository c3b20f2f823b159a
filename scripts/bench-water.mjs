// The water workload the benchmarks share: the n2p2 H2O RPBE-D3 architecture (examples/water) with
// seeded random weights (speed does not depend on their values), the 1080-atom liquid box from the
// shared data and its 2×2×2 supercell.
const dist = new URL('../dist/', import.meta.url);

export async function waterSetup() {
    const { loadSpecs } = await import(new URL('language/src/load-specs.js', dist).href);
    const { readStructures } = await import(new URL('runtime/src/io/read-structures.js', dist).href);
    const { lowerSpec } = await import(new URL('compiler/src/lower/lower-spec.js', dist).href);
    const { supercell } = await import(new URL('runtime/src/structures/supercell.js', dist).href);
    const shared = process.env.NNP_SHARED_DATA ?? new URL('../../shared/data', import.meta.url).pathname;
    const { all } = await loadSpecs([new URL('../examples/water/model.nnp', import.meta.url).pathname]);
    const model = lowerSpec(all.map((d) => d.parseResult.value)).models[0];
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const params = {
        model: model.name,
        networks: model.networks.map((n) => {
            let inputs = n.inputs;
            return { element: n.element, layers: n.layers.map((l) => { const w = Float64Array.from({ length: l.size * inputs }, () => (random() - 0.5) / Math.sqrt(inputs)); inputs = l.size; return { weights: w, biases: Float64Array.from({ length: l.size }, () => random() - 0.5) }; }) };
        }),
        scaling: model.descriptors.map((d) => ({ element: d.element, min: new Float64Array(d.functions.length), max: new Float64Array(d.functions.length).fill(10), mean: new Float64Array(d.functions.length).fill(1), sigma: new Float64Array(d.functions.length).fill(1) })),
    };
    const box = readStructures(`${shared}/n2p2/structures/H2O_1080_liquid.data`, { units: { length: 0.529177210903, energy: 27.211386245988 } })[0];
    const plain = { ...box, energy: undefined, forces: undefined, charges: undefined };
    return { model, params, shared, box: plain, supercell: supercell(plain, [2, 2, 2]) };
}
