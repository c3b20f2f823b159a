// Initial weights, drawn from a seed (the same seed gives the same weights on every machine).
//   xavier         W ~ U(−a, a), a = √(6/(n_in + n_out)) (Glorot & Bengio 2010), b = 0
//   nguyen_widrow  hidden layers: W ~ U(−1, 1) rows rescaled to |w_k| = β, b ~ U(−β, β),
//                  β = 0.7 n_out^{1/n_in} (Nguyen & Widrow 1990); output layer as xavier
import { uniforms } from '../math/random.js';
import type { ParameterLayout } from './parameter-layout.js';

export type InitMethod = 'xavier' | 'nguyen_widrow';

export function initialWeights(layout: ParameterLayout, method: InitMethod, seed: number): Float64Array {
    const random = uniforms(seed ^ 0x5bd1e995);
    const u = (a: number) => a * (2 * random() - 1);
    const w = new Float64Array(layout.total);
    for (const net of layout.networks) {
        net.layers.forEach((l, index) => {
            const W = w.subarray(net.offset + l.w, net.offset + l.w + l.outputs * l.inputs);
            const b = w.subarray(net.offset + l.b, net.offset + l.b + l.outputs);
            const hidden = index < net.layers.length - 1;
            if (method === 'nguyen_widrow' && hidden && l.inputs > 0) {
                const beta = 0.7 * l.outputs ** (1 / l.inputs);
                for (let k = 0; k < l.outputs; k++) {
                    const row = W.subarray(k * l.inputs, (k + 1) * l.inputs);
                    for (let j = 0; j < l.inputs; j++) row[j] = u(1);
                    const norm = Math.hypot(...row) || 1;
                    for (let j = 0; j < l.inputs; j++) row[j]! *= beta / norm;
                    b[k] = u(beta);
                }
            } else {
                const a = Math.sqrt(6 / (l.inputs + l.outputs));
                for (let q = 0; q < W.length; q++) W[q] = u(a);
            }
        });
    }
    return w;
}
