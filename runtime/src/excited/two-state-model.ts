// Fitted two-state models of (x, y) and their training on adiabatic energies (float64, CPU).
//
// `diabatic`: three scalar networks h11, h22, h12 of the raw coordinates (x, y) in Å, each in eV, form
// H_d = [[h11, h12], [h12, h22]]; the model's adiabatic energies are its eigenvalues
//     E∓ = (h11 + h22)/2 ∓ R,   R = √(((h11 − h22)/2)² + h12²)
// and its NAC is ∇θ of the mixing angle θ = ½ atan2(2 h12, h11 − h22) (two-state.ts), by the chain rule
// from the networks' input gradients. Smooth networks give smooth H_d; the cusp of E∓ at a conical
// intersection comes from the square root, exactly as in the reference.
// `adiabatic`: two networks give E− and E+ directly (the "direct" fit, smooth where the true surfaces
// have a cusp).
//
// Loss: L = (1/(2N)) Σ_points Σ_{s=∓} (E_s − E_s^ref)² (eV²) over the fit grid. Its derivative with
// respect to H_d is, per state, the Hellmann–Feynman expression ∂E_s/∂H = v_s v_sᵀ (v_s the eigenvector);
// written in the elements,
//     ∂E∓/∂h11 = ½ ∓ (h11 − h22)/(4R),  ∂E∓/∂h22 = ½ ± (h11 − h22)/(4R),  ∂E∓/∂h12 = ∓ h12/R
// with R replaced by √(R² + ε²), ε = 1e-6 eV, in the gradient only (the derivative of R is undefined at
// an exact degeneracy; energies are never regularised). The weight gradient of each network is
// accumulateNetworkGradient with a zero tangent (plain back-propagation); Adam (Kingma & Ba 2015) in
// float64 with mini-batches and a cosine-decayed learning rate lr_t = lr · ½(1 + cos(π t/T)).
import type { NetworkIR } from '../../../compiler/src/ir/model-ir.js';
import { prepareNetwork, runNetwork, type PreparedNetwork } from '../reference/network.js';
import { accumulateNetworkGradient } from '../train/network-gradient.js';
import { permutation, uniforms } from '../math/random.js';
import { eigenvalues, nacVector, type Diabatic } from './two-state.js';

export type Representation = 'diabatic' | 'adiabatic';

export interface TwoStateModelSpec {
    readonly name: string;
    readonly representation: Representation;
    readonly hidden: readonly number[];
    readonly activation: string;
}

/** The weights file: one network per output (h11, h22, h12 or E−, E+), layer by layer. */
export interface TwoStateWeights {
    readonly format: 'nnp-two-state-weights';
    readonly model: string;
    readonly representation: Representation;
    readonly hidden: readonly number[];
    readonly activation: string;
    readonly networks: readonly { readonly output: string; readonly layers: readonly { readonly weights: number[]; readonly biases: number[] }[] }[];
}

export const OUTPUTS: Readonly<Record<Representation, readonly string[]>> = { diabatic: ['h11', 'h22', 'h12'], adiabatic: ['E-', 'E+'] };

/** ε of the gradient's √(R² + ε²), eV. */
export const GRADIENT_EPSILON = 1e-6;

function networkIr(spec: TwoStateModelSpec, output: string): NetworkIR {
    const sizes = [...spec.hidden, 1];
    const layers = sizes.map((size, l) => ({ size, activation: l === sizes.length - 1 ? 'linear' : spec.activation }));
    let parameters = 0;
    sizes.reduce((n, m) => ((parameters += (n + 1) * m), m), 2);
    return { element: output, inputs: 2, layers, normalizeNodes: false, parameters } as unknown as NetworkIR;
}

export class TwoStateModel {
    readonly nets: PreparedNetwork[];

    constructor(readonly spec: TwoStateModelSpec, weights: TwoStateWeights) {
        this.nets = OUTPUTS[spec.representation].map((o, i) => prepareNetwork(networkIr(spec, o), {
            element: o,
            layers: weights.networks[i]!.layers.map((l) => ({ weights: Float64Array.from(l.weights), biases: Float64Array.from(l.biases) })),
        }));
    }

    /** Xavier-uniform weights (W ~ U(−√(6/(n_in + n_out)), +…), b = 0) from the seed. */
    static initial(spec: TwoStateModelSpec, seed: number): TwoStateModel {
        const u = uniforms(seed);
        const sizes = [2, ...spec.hidden, 1];
        const networks = OUTPUTS[spec.representation].map((output) => ({
            output,
            layers: sizes.slice(1).map((n, l) => {
                const a = Math.sqrt(6 / (sizes[l]! + n));
                return { weights: Array.from({ length: n * sizes[l]! }, () => a * (2 * u() - 1)), biases: new Array<number>(n).fill(0) };
            }),
        }));
        return new TwoStateModel(spec, { format: 'nnp-two-state-weights', model: spec.name, representation: spec.representation, hidden: spec.hidden, activation: spec.activation, networks });
    }

    toWeights(): TwoStateWeights {
        return {
            format: 'nnp-two-state-weights', model: this.spec.name, representation: this.spec.representation, hidden: this.spec.hidden, activation: this.spec.activation,
            networks: this.nets.map((n, i) => ({ output: OUTPUTS[this.spec.representation][i]!, layers: n.weights.map((w, l) => ({ weights: Array.from(w), biases: Array.from(n.biases[l]!) })) })),
        };
    }

    /** The networks' outputs (eV) and their gradients ∂/∂(x, y) (eV/Å). */
    outputs(x: number, y: number): { values: number[]; grads: [number, number][] } {
        const g = new Float64Array(2);
        const values: number[] = [];
        const grads: [number, number][] = [];
        for (const n of this.nets) {
            values.push(runNetwork(n, [x, y], g));
            grads.push([g[0]!, g[1]!]);
        }
        return { values, grads };
    }

    /** Adiabatic energies [E−, E+] (eV); for a diabatic model also H_d and the NAC ∇θ (1/Å). */
    evaluate(x: number, y: number): { energies: [number, number]; diabatic?: Diabatic; nac?: [number, number] } {
        const { values, grads } = this.outputs(x, y);
        if (this.spec.representation === 'adiabatic') return { energies: [values[0]!, values[1]!] };
        const diabatic: Diabatic = { h: [values[0]!, values[1]!, values[2]!], grad: [grads[0]!, grads[1]!, grads[2]!] };
        return { energies: eigenvalues(values[0]!, values[1]!, values[2]!), diabatic, nac: nacVector(diabatic) };
    }
}

export interface FitPoint {
    readonly x: number;
    readonly y: number;
    /** Reference [E−, E+], eV. */
    readonly energies: readonly [number, number];
}

export interface FitOptions {
    readonly epochs: number;
    readonly batch: number;
    readonly seed: number;
    readonly lr: number;
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
    /** Called every `every` epochs with the training RMSE (eV). */
    readonly log?: (epoch: number, rmse: number) => void;
    readonly every?: number;
}

function zerosLike(n: PreparedNetwork): PreparedNetwork {
    return { ...n, weights: n.weights.map((w) => new Float64Array(w.length)), biases: n.biases.map((b) => new Float64Array(b.length)) };
}

/** ∂L_point/∂(network outputs) for one point: the adjoints ȳ of h11, h22, h12 (or E−, E+). */
export function outputAdjoints(model: Pick<TwoStateModel, 'spec'>, values: readonly number[], ref: readonly [number, number]): number[] {
    if (model.spec.representation === 'adiabatic') return [values[0]! - ref[0], values[1]! - ref[1]];
    const [h11, h22, h12] = values as [number, number, number];
    const [lo, hi] = eigenvalues(h11, h22, h12);
    const rl = lo - ref[0];
    const rh = hi - ref[1];
    const R = Math.sqrt(0.25 * (h11 - h22) ** 2 + h12 * h12 + GRADIENT_EPSILON ** 2);
    const q = (h11 - h22) / (4 * R);
    return [rl * (0.5 - q) + rh * (0.5 + q), rl * (0.5 + q) + rh * (0.5 - q), (rh - rl) * (h12 / R)];
}

/** RMSE (eV) of the model's adiabatic energies over the points, both states together. */
export function energyRmse(model: TwoStateModel, points: readonly FitPoint[]): number {
    let s = 0;
    for (const p of points) {
        const e = model.evaluate(p.x, p.y).energies;
        s += (e[0] - p.energies[0]) ** 2 + (e[1] - p.energies[1]) ** 2;
    }
    return Math.sqrt(s / (2 * points.length));
}

/** Trains the model in place (Adam, mini-batches, cosine learning rate) and returns the final RMSE, eV. */
export function fitTwoStateModel(model: TwoStateModel, points: readonly FitPoint[], o: FitOptions): number {
    const grads = model.nets.map(zerosLike);
    const flat = (ns: readonly PreparedNetwork[]) => ns.flatMap((n) => n.weights.flatMap((w, l) => [w, n.biases[l]!]));
    const params = flat(model.nets);
    const gs = flat(grads);
    const m = params.map((p) => new Float64Array(p.length));
    const v = params.map((p) => new Float64Array(p.length));
    const u = uniforms(o.seed);
    const batchesPerEpoch = Math.ceil(points.length / o.batch);
    const total = o.epochs * batchesPerEpoch;
    const zero = [0, 0];
    let t = 0;
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
        const order = permutation(points.length, u);
        for (let b = 0; b < batchesPerEpoch; b++) {
            for (const g of gs) g.fill(0);
            const batch = order.slice(b * o.batch, (b + 1) * o.batch);
            for (const i of batch) {
                const p = points[i]!;
                const values = model.nets.map((n) => runNetwork(n, [p.x, p.y]));
                const adj = outputAdjoints(model, values, p.energies);
                model.nets.forEach((n, k) => accumulateNetworkGradient(n, [p.x, p.y], zero, adj[k]! / batch.length, 0, grads[k]!));
            }
            t++;
            const lr = o.lr * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / total));
            const c1 = 1 - o.beta1 ** t;
            const c2 = 1 - o.beta2 ** t;
            params.forEach((w, a) => {
                const g = gs[a]!;
                const ma = m[a]!;
                const va = v[a]!;
                for (let j = 0; j < w.length; j++) {
                    ma[j] = o.beta1 * ma[j]! + (1 - o.beta1) * g[j]!;
                    va[j] = o.beta2 * va[j]! + (1 - o.beta2) * g[j]! * g[j]!;
                    w[j]! -= (lr * (ma[j]! / c1)) / (Math.sqrt(va[j]! / c2) + o.epsilon);
                }
            });
        }
        if (o.log && (epoch % (o.every ?? 100) === 0 || epoch === o.epochs)) o.log(epoch, energyRmse(model, points));
    }
    return energyRmse(model, points);
}
