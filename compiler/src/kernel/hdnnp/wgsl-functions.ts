// WGSL text of the scalar functions the HDNNP kernels share: cutoff functions (n2p2 types 0–8,
// with inner cutoff α), compact core functions and activations, each returning value and derivative.
// Parameters are baked as literals, so each distinct cutoff gets its own function.
import type { CutoffIR } from '../../ir/model-ir.js';
import { f32Literal as lit } from '../wgsl-builder.js';

/** coth³(1) = ((e + 1/e)/(e − 1/e))³: normalises tanh³(1 − r/r_c) to f(0) = 1 (n2p2 CT_TANH). */
const TANH_NORM = 2.2637537952253504;

/**
 * Polynomial and exponential cores (n2p2 CoreFunction.h), f(0) = 1, f(1) = 0, written as functions of
 * y = 1 − x, the distance to the edge of the window: near the edge f is tiny and computing it as
 * 1 − (something close to 1) would lose every digit in float32. The polynomial cores are mirrored
 * smoothsteps, f(x) = S(1 − x) = S(y):
 *   p1: S = 3y² − 2y³   p2: S = 10y³ − 15y⁴ + 6y⁵   p3: S = 35y⁴ − 84y⁵ + 70y⁶ − 20y⁷
 *   p4: S = 126y⁵ − 420y⁶ + 540y⁷ − 315y⁸ + 70y⁹        e: f = exp(1 − 1/(1 − x²)), 1 − x² = y (2 − y)
 * Each returns (f, df/dx) = (S(y), −S'(y)).
 */
export const CORE_FUNCTIONS = `
fn core_p1(y: f32) -> vec2<f32> { return vec2<f32>(y * y * (3.0 - 2.0 * y), -6.0 * y * (1.0 - y)); }
fn core_p2(y: f32) -> vec2<f32> {
    let y2 = y * y;
    let u = 1.0 - y;
    return vec2<f32>(y2 * y * (10.0 + y * (6.0 * y - 15.0)), -30.0 * y2 * u * u);
}
fn core_p3(y: f32) -> vec2<f32> {
    let y2 = y * y;
    let u = 1.0 - y;
    return vec2<f32>(y2 * y2 * (35.0 + y * (-84.0 + y * (70.0 - 20.0 * y))), -140.0 * y2 * y * u * u * u);
}
fn core_p4(y: f32) -> vec2<f32> {
    let y2 = y * y;
    let u = 1.0 - y;
    let u2 = u * u;
    return vec2<f32>(y2 * y2 * y * (126.0 + y * (-420.0 + y * (540.0 + y * (70.0 * y - 315.0)))), -630.0 * y2 * y2 * u2 * u2);
}
fn core_e(y: f32) -> vec2<f32> {
    // 1 − x² = y (2 − y); at y ≤ 0 both f and f' vanish (selected: the formula divides 0 by 0)
    let q = max(y * (2.0 - y), 1e-30);
    let f = exp(1.0 - 1.0 / q);
    return select(vec2<f32>(f, -2.0 * (1.0 - y) * f / (q * q)), vec2<f32>(0.0, 0.0), y <= 0.0);
}
`;

const CORE_OF_CUTOFF: Readonly<Record<string, string>> = { exp: 'core_e', poly1: 'core_p1', poly2: 'core_p2', poly3: 'core_p3', poly4: 'core_p4' };

/**
 * WGSL function `name(r) -> (f_c, df_c/dr)` for one cutoff (r in Å), zero for r ≥ r_c. Arguments
 * are formed from r_c − r (exact near the cutoff) rather than from r/r_c. Written without branches:
 * the argument y = (r_c − r)/(r_c − r_ci) is clamped to [0, 1], where every form below gives exactly
 * (0, 0) at y = 0 and the inner region is selected. A branch here split the pair loops of the
 * descriptor kernels into many small blocks, which the driver's compiler could not interleave.
 */
export function cutoffFunction(name: string, c: CutoffIR): string {
    const rc = lit(c.radius);
    const rci = c.radius * c.inner;
    const width = c.radius - rci;
    const head = `fn ${name}(r: f32) -> vec2<f32> {\n`;
    // y = 1 − x = (r_c − r)/(r_c − r_ci), in [0, 1]
    const y = `    let y = clamp((${rc} - r) * ${lit(1 / width)}, 0.0, 1.0);\n`;
    const inner = (value: string) => `    return select(${value}, vec2<f32>(1.0, 0.0), r < ${lit(rci)});\n}\n`;
    switch (c.kind) {
        case 'hard':
            return `${head}    return select(vec2<f32>(1.0, 0.0), vec2<f32>(0.0, 0.0), r >= ${rc});\n}\n`;
        case 'cosine':
            // f = ½(cos πx + 1) = sin²(πy/2), f' = −π sin(πy) / (2 (r_c − r_ci))
            return `${head}${y}    let s = sin(${lit(Math.PI / 2)} * y);\n${inner(`vec2<f32>(s * s, ${lit(-Math.PI / (2 * width))} * sin(${lit(Math.PI)} * y))`)}`;
        case 'tanhu':
        case 'tanh': {
            // f = c tanh³(1 − r/r_c), f' = 3c t² (t² − 1) / r_c; c = 1 (tanhu) or coth³(1) (tanh); t = 0 for r ≥ r_c
            const norm = c.kind === 'tanh' ? TANH_NORM : 1;
            // tanh u = (1 − e^{−2u})/(1 + e^{−2u}) for u = 1 − r/r_c ≥ 0: one exp (the builtin takes two)
            return `${head}    let e = exp(max(${rc} - r, 0.0) * ${lit(-2 / c.radius)});\n    let t = (1.0 - e) / (1.0 + e);\n    let t2 = t * t;\n    return vec2<f32>(${lit(norm)} * t2 * t, ${lit((3 * norm) / c.radius)} * t2 * (t2 - 1.0));\n}\n`;
        }
        case 'exp': case 'poly1': case 'poly2': case 'poly3': case 'poly4':
            return `${head}${y}    let f = ${CORE_OF_CUTOFF[c.kind]}(y);\n${inner(`vec2<f32>(f.x, f.y * ${lit(1 / width)})`)}`;
        default:
            throw new Error(`unknown cutoff kind ${String(c.kind)}`);
    }
}

/**
 * Compact function C(a; left, right) = core(|x|), x = (a − c)/w, c = (left+right)/2, w = (right−left)/2,
 * for |x| < 1 (callers check the window), evaluated through y = 1 − |x| = (w − |a − c|)/w.
 * Asymmetric variant (radial only): core((2 − |x|)|x|), whose y is (1 − |x|)².
 * Returns (C, dC/da).
 */
export function compactFunction(name: string, low: number, high: number, subtype: string, asymmetric: boolean): string {
    const core = `core_${subtype.replace(/a$/, '')}`;
    const c = (low + high) / 2;
    const w = (high - low) / 2;
    const prelude = `    let s = a - ${lit(c)};\n    let y = (${lit(w)} - abs(s)) * ${lit(1 / w)};\n`;
    const body = asymmetric
        // d/d|x| core((2−|x|)|x|) = core'(z) (2 − 2|x|) = core'(z) · 2y
        ? `${prelude}    let f = ${core}(y * y);\n    return vec2<f32>(f.x, sign(s) * f.y * 2.0 * y * ${lit(1 / w)});\n`
        : `${prelude}    let f = ${core}(y);\n    return vec2<f32>(f.x, sign(s) * f.y * ${lit(1 / w)});\n`;
    return `fn ${name}(a: f32) -> vec2<f32> {\n${body}}\n`;
}

/** WGSL for an activation: returns (f(x), f'(x)), with n2p2's clamps for logistic and softplus. */
export function activationExpression(activation: string, x: string): string {
    switch (activation) {
        case 'linear': return `vec2<f32>(${x}, 1.0)`;
        case 'tanh': return `act_tanh(${x})`;
        case 'logistic': return `act_logistic(${x})`;
        case 'softplus': return `act_softplus(${x})`;
        case 'relu': return `act_relu(${x})`;
        case 'gaussian': return `act_gaussian(${x})`;
        case 'cos': return `vec2<f32>(cos(${x}), -sin(${x}))`;
        case 'reverse_logistic': return `act_reverse_logistic(${x})`;
        case 'exp': return `act_exp(${x})`;
        case 'harmonic': return `vec2<f32>(${x} * ${x}, 2.0 * ${x})`;
        default: throw new Error(`unknown activation ${activation}`);
    }
}

export const ACTIVATION_FUNCTIONS = `
fn act_tanh(x: f32) -> vec2<f32> { let f = tanh(x); return vec2<f32>(f, 1.0 - f * f); }
fn act_logistic(x: f32) -> vec2<f32> {
    if (x > 35.0) { return vec2<f32>(1.0, 0.0); }
    if (x < -35.0) { return vec2<f32>(0.0, 0.0); }
    let f = 1.0 / (1.0 + exp(-x));
    return vec2<f32>(f, f * (1.0 - f));
}
fn act_softplus(x: f32) -> vec2<f32> {
    if (x > 35.0) { return vec2<f32>(x, 1.0); }
    if (x < -35.0) { return vec2<f32>(0.0, 0.0); }
    return vec2<f32>(log(1.0 + exp(x)), 1.0 / (1.0 + exp(-x)));
}
fn act_relu(x: f32) -> vec2<f32> { if (x > 0.0) { return vec2<f32>(x, 1.0); } return vec2<f32>(0.0, 0.0); }
fn act_gaussian(x: f32) -> vec2<f32> { let f = exp(-0.5 * x * x); return vec2<f32>(f, -x * f); }
fn act_reverse_logistic(x: f32) -> vec2<f32> {
    let s = act_logistic(x).x;
    return vec2<f32>(1.0 - s, s * (s - 1.0));
}
fn act_exp(x: f32) -> vec2<f32> { let f = exp(-x); return vec2<f32>(f, -f); }
`;
