// Synthetic models and structures for kernel tests: every descriptor type, cutoff type, scaling
// mode and activation, with random weights drawn from a seeded generator.
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { ModelIR } from '../../compiler/src/ir/model-ir.js';
import type { ModelParameters } from '../../runtime/src/model/parameters.js';
import type { Structure } from '../../runtime/src/structure.js';
import { uniforms } from '../../runtime/src/math/random.js';
import { checkText, describe } from './specs.js';

/** Seeded uniforms (runtime/src/math/random.ts), so a failing case can be replayed from its seed. */
export const rng = uniforms;

/** A two-element model using the given cutoff, scaling and activation, with every function type. */
export function allTypesSpec(cutoff = 'cosine 4.5 A inner 0.1', scaling = 'scale_center range -1 to 1', activation = 'tanh softplus'): string {
    return `model m {
  element H
  element O
  cutoff ${cutoff}
  descriptors for H, O {
    radial H eta [0.5 1.2] /A^2 rshift [0 0.8] A
    radial O eta 0.7 /A^2
    radial weighted eta 0.3 /A^2 rshift 1.1 A
    angular narrow H O eta 0.05 /A^2 lambda [-1 1] zeta [1 2.5]
    angular narrow O O eta 0.1 /A^2 lambda 1 zeta 4 rshift 0.5 A
    angular wide H H eta 0.08 /A^2 lambda -1 zeta 2
    angular wide H O eta 0.02 /A^2 lambda 1 zeta 1
    angular narrow weighted eta 0.04 /A^2 lambda 1 zeta 2
    radial compact H from 0.5 A to 4.0 A shape poly2
    radial compact O from -4.0 A to 4.0 A shape poly3 asymmetric
    radial compact weighted from 0 A to 3.5 A shape exp
    angular compact narrow H O from -4 A to 4 A angle 0 deg to 180 deg shape poly2
    angular compact wide H H from -4.2 A to 4.2 A angle 40 deg to 160 deg shape poly1
    angular compact narrow weighted from -4 A to 4 A angle 60 deg to 180 deg shape poly4
    angular compact wide weighted from -4 A to 4 A angle -90 deg to 90 deg shape exp
  }
  network for H, O { hidden 6 5 activation ${activation} }
  scaling ${scaling}
}`;
}

export async function lowerModelText(text: string): Promise<ModelIR> {
    const doc = await checkText(text);
    const errors = (doc.diagnostics ?? []).filter((d) => d.severity === 1).map(describe);
    if (errors.length > 0) throw new Error(`spec has errors: ${JSON.stringify(errors)}`);
    return lowerSpec(doc.parseResult.value).models[0]!;
}

export function randomParameters(model: ModelIR, seed: number): ModelParameters {
    const random = rng(seed);
    const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
    return {
        model: model.name,
        networks: model.networks.map((net) => {
            let inputs = net.inputs;
            return {
                element: net.element,
                layers: net.layers.map((layer) => {
                    const scale = 1 / Math.sqrt(inputs);
                    const weights = Float64Array.from({ length: layer.size * inputs }, () => uniform(-scale, scale));
                    const biases = Float64Array.from({ length: layer.size }, () => uniform(-0.3, 0.3));
                    inputs = layer.size;
                    return { weights, biases };
                }),
            };
        }),
        scaling: model.descriptors.map((d) => {
            const k = d.functions.length;
            const min = Float64Array.from({ length: k }, () => uniform(0, 0.2));
            const max = Float64Array.from(min, (m) => m + uniform(0.5, 3));
            const mean = Float64Array.from(min, (m, i) => (m + max[i]!) / 2);
            const sigma = Float64Array.from({ length: k }, () => uniform(0.2, 1));
            return { element: d.element, min, max, mean, sigma };
        }),
    };
}

/** A random periodic (possibly triclinic, possibly smaller than 2 r_c) cell or a molecule. */
export function randomStructure(seed: number, atoms: number, periodic: boolean, symbols = ['H', 'O']): Structure {
    const random = rng(seed);
    const edge = 2.4 + 1.5 * random();
    const cell = periodic
        ? Float64Array.from([edge, 0, 0, 0.4 * random(), edge * (0.9 + 0.2 * random()), 0, 0.3 * random(), -0.2 * random(), edge * (0.9 + 0.2 * random())])
        : undefined;
    const positions = new Float64Array(3 * atoms);
    // keep atoms at least 0.8 Å apart so that no distance is near zero
    for (let i = 0; i < atoms; i++) {
        for (let attempt = 0; ; attempt++) {
            const f = [random(), random(), random()];
            const p = cell
                ? [0, 1, 2].map((c) => f[0]! * cell[c]! + f[1]! * cell[3 + c]! + f[2]! * cell[6 + c]!)
                : f.map((x) => x * 3.2);
            let ok = true;
            for (let j = 0; j < i && ok; j++) {
                ok = Math.hypot(p[0]! - positions[3 * j]!, p[1]! - positions[3 * j + 1]!, p[2]! - positions[3 * j + 2]!) > 0.8;
            }
            if (ok || attempt > 200) {
                positions.set(p, 3 * i);
                break;
            }
        }
    }
    return {
        symbols: Array.from({ length: atoms }, (_, i) => symbols[i % symbols.length]!),
        positions,
        cell,
        pbc: periodic ? [true, true, true] : [false, false, false],
        info: {},
    };
}
