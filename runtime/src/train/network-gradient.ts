// Weight gradient of one atomic network for a loss with energy and force terms (float64 oracle of
// the generated GPU kernel). With x⁽ˡ⁾ = c_l (W⁽ˡ⁾ y⁽ˡ⁻¹⁾ + b⁽ˡ⁾), y⁽ˡ⁾ = f_l(x⁽ˡ⁾), y⁽⁰⁾ = G̃ and the
// network output NN = y⁽ᴸ⁾ (c_l = 1/n_{l−1} with normalize_nodes, else 1), this computes
//
//     ∂/∂w [ ȳ_L · NN  +  ẏ̄_L · Σ_s u_s ∂NN/∂G̃_s ]
//
// The second term is the directional derivative of NN along u (the descriptor-space projection of
// the force residual), so the forward pass carries a tangent ẏ⁽⁰⁾ = u, ẋ⁽ˡ⁾ = c_l W ẏ⁽ˡ⁻¹⁾,
// ẏ⁽ˡ⁾ = f'(x) ẋ, and the reverse pass propagates adjoints of both the values and the tangents:
//     x̄ = ȳ f'(x) + ẏ̄ f''(x) ẋ        ẋ̄ = ẏ̄ f'(x)
//     W̄ += c (x̄ y⁽ˡ⁻¹⁾ᵀ + ẋ̄ ẏ⁽ˡ⁻¹⁾ᵀ)   b̄ += c x̄
//     ȳ⁽ˡ⁻¹⁾ = c Wᵀ x̄                  ẏ̄⁽ˡ⁻¹⁾ = c Wᵀ ẋ̄
import { activate, activationSecond, type PreparedNetwork } from '../reference/network.js';
import type { ValueAndDerivative } from '../reference/core-functions.js';

/** Adds the gradient to `grad` (a PreparedNetwork-shaped view of the gradient vector). */
export function accumulateNetworkGradient(net: PreparedNetwork, input: ArrayLike<number>, tangent: ArrayLike<number>, ybarOut: number, tybarOut: number, grad: PreparedNetwork): void {
    const L = net.sizes.length;
    const ys: ArrayLike<number>[] = [input];
    const ts: ArrayLike<number>[] = [tangent];
    const d1: Float64Array[] = [];
    const d2: Float64Array[] = [];
    const out: ValueAndDerivative = { f: 0, df: 0 };
    for (let l = 0; l < L; l++) {
        const nIn = l === 0 ? net.inputs : net.sizes[l - 1]!;
        const nOut = net.sizes[l]!;
        const c = net.normalizeNodes ? 1 / nIn : 1;
        const W = net.weights[l]!;
        const b = net.biases[l]!;
        const y = ys[l]!;
        const t = ts[l]!;
        const yl = new Float64Array(nOut);
        const tl = new Float64Array(nOut);
        const f1 = new Float64Array(nOut);
        const f2 = new Float64Array(nOut);
        for (let k = 0; k < nOut; k++) {
            let x = 0;
            let tx = 0;
            for (let j = 0; j < nIn; j++) {
                x += W[k * nIn + j]! * y[j]!;
                tx += W[k * nIn + j]! * t[j]!;
            }
            x = (x + b[k]!) * c;
            tx *= c;
            activate(net.activations[l]!, x, out);
            yl[k] = out.f;
            f1[k] = out.df;
            f2[k] = activationSecond(net.activations[l]!, x) * tx; // f''(x) ẋ
            tl[k] = out.df * tx;
        }
        ys.push(yl);
        ts.push(tl);
        d1.push(f1);
        d2.push(f2);
    }
    let ybar: Float64Array = Float64Array.of(ybarOut);
    let tybar: Float64Array = Float64Array.of(tybarOut);
    for (let l = L - 1; l >= 0; l--) {
        const nIn = l === 0 ? net.inputs : net.sizes[l - 1]!;
        const nOut = net.sizes[l]!;
        const c = net.normalizeNodes ? 1 / nIn : 1;
        const W = net.weights[l]!;
        const gW = grad.weights[l]!;
        const gb = grad.biases[l]!;
        const y = ys[l]!;
        const t = ts[l]!;
        const prevYbar = new Float64Array(nIn);
        const prevTybar = new Float64Array(nIn);
        for (let k = 0; k < nOut; k++) {
            const xbar = c * (ybar[k]! * d1[l]![k]! + tybar[k]! * d2[l]![k]!);
            const txbar = c * tybar[k]! * d1[l]![k]!;
            gb[k]! += xbar;
            for (let j = 0; j < nIn; j++) {
                gW[k * nIn + j]! += xbar * y[j]! + txbar * t[j]!;
                prevYbar[j]! += W[k * nIn + j]! * xbar;
                prevTybar[j]! += W[k * nIn + j]! * txbar;
            }
        }
        ybar = prevYbar;
        tybar = prevTybar;
    }
}
