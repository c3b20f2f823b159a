// Symmetry-function scaling G → G̃ (n2p2 SymFnc::setScalingType / scale), one mode for all
// functions. S_min/S_max = ScalingIR.min/max (n2p2 scale_min_short/scale_max_short); G_min, G_max,
// ⟨G⟩, σ_G = statistics of the raw G (n2p2 scaling.data). The scaling factor s = dG̃/dG multiplies
// ∂G/∂r in the forces.
//
//   none          G̃ = G                                         s = 1
//   scale         G̃ = S_min + s (G − G_min)                     s = (S_max − S_min)/(G_max − G_min)
//   center        G̃ = G − ⟨G⟩                                   s = 1
//   scale_center  G̃ = S_min + s (G − ⟨G⟩)                       s = (S_max − S_min)/(G_max − G_min)
//   sigma         G̃ = S_min + s (G − ⟨G⟩)                       s = (S_max − S_min)/σ_G
//
// Note scale_center offsets the *mean* by S_min (n2p2's ST_SCALECENTER), so G̃ is not in
// [S_min, S_max]. A function with no spread (G_max = G_min or σ_G = 0) would give n2p2 an infinite
// factor; here (as in the GPU evaluator) it is scaled to the constant 0 with s = 0.
import type { ScalingIR } from '../../../compiler/src/ir/model-ir.js';
import type { ScalingStatistics } from '../model/parameters.js';

export interface Scaler {
    /** (functions) s_k = dG̃_k/dG_k */
    readonly factor: Float64Array;
    /** G̃ of function k. */
    scale(k: number, g: number): number;
}

export function scalerFor(scaling: Pick<ScalingIR, 'mode' | 'min' | 'max'>, stats: ScalingStatistics | undefined, functions: number, element: string): Scaler {
    const { mode, min: smin, max: smax } = scaling;
    const factor = new Float64Array(functions);
    if (mode === 'none') {
        factor.fill(1);
        return { factor, scale: (_k, g) => g };
    }
    if (!stats) throw new Error(`scaling '${mode}' needs statistics (min/max/mean/sigma) for element ${element}, and the parameters have none`);
    for (const key of ['min', 'max', 'mean', 'sigma'] as const) {
        if (stats[key].length < functions) throw new Error(`scaling statistics of element ${element}: ${key} has ${stats[key].length} values, the element has ${functions} functions`);
    }
    const offset = new Float64Array(functions); // G_min or ⟨G⟩
    const degenerate = new Uint8Array(functions);
    for (let k = 0; k < functions; k++) {
        let s: number;
        switch (mode) {
            case 'scale':
                s = (smax - smin) / (stats.max[k]! - stats.min[k]!);
                offset[k] = stats.min[k]!;
                break;
            case 'center':
                s = 1;
                offset[k] = stats.mean[k]!;
                break;
            case 'scale_center':
                s = (smax - smin) / (stats.max[k]! - stats.min[k]!);
                offset[k] = stats.mean[k]!;
                break;
            case 'sigma':
                s = (smax - smin) / stats.sigma[k]!;
                offset[k] = stats.mean[k]!;
                break;
            default:
                throw new Error(`unknown scaling mode ${JSON.stringify(mode)}`);
        }
        if (Number.isFinite(s)) factor[k] = s;
        else degenerate[k] = 1;
    }
    if (mode === 'center') return { factor, scale: (k, g) => g - offset[k]! };
    return { factor, scale: (k, g) => (degenerate[k] ? 0 : smin + factor[k]! * (g - offset[k]!)) };
}
