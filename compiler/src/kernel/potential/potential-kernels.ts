// The kernels of an analytic reference potential (sums of Lennard-Jones, Morse, Stillinger–Weber,
// Axilrod–Teller–Muto and Müller–Brown terms), generated from its IR with every parameter baked in
// as a constant. One evaluation is, in one submit:
//   PotentialTerms    one invocation per atom i: E_i and p_ij = ∂E/∂d_ij in i's own slots — pair
//                     terms over the slots, three-body terms over pairs of slots — then the per-atom
//                     virial Σ_j p_ij ⊗ d_ij
//   GatherForces      F_k = Σ_j p_kj − Σ_{(i,j): j = k} p_ij (../slot-kernels.ts, shared with HDNNPs)
//   PotentialOneBody  only with one-body terms (Müller–Brown on x, y): adds E_i, F_i = −∇E_i and
//                     the virial ∂E_i/∂r_a r_b; it reads the positions, not the slots
// Conventions are those of the float64 oracle (runtime/src/reference/potentials.ts): a term acts on
// the atoms of its elements and their neighbours of its elements; each ordered pair carries half the
// pair energy; three-body terms sum over a centre and each unordered pair of its neighbours
// (Axilrod–Teller–Muto: every triangle is seen from its three vertices, × 1/3); `shift` subtracts
// φ(r_c). Units: eV, Å.
// Buffers (atoms N, slot stride M = max neighbours, S = the potential's elements + 1 for any other
// element, on which no term acts):
//   pv (N·M) vec4: d_ij = r_j + shift − r_i and |d_ij| (Å), slots sorted by species;
//   nb_range (N·(S+1)): slot range per species;  species (N);  energy (N);  pf (N·M) vec4;
//   virial (N·9);  positions (N) vec4 (one-body only);  forces (N) vec4
import type { AnalyticTermIR, PotentialIR } from '../../ir/model-ir.js';
import { atomEntry, DIMS, dimsBinding, gatherKernel, WORKGROUP_SIZE } from '../slot-kernels.js';
import { f32Literal as lit, type BindingRegistry, type KernelDefinition, type KernelParams } from '../wgsl-builder.js';

export { gatherKernel };

type PotentialParams = { potential: string };

/** The potential's elements in order of first appearance: species 0..S−1; species S is any other element. */
export function potentialSpecies(potential: PotentialIR): string[] {
    return [...new Set(potential.terms.flatMap((t) => t.elements))];
}

/** The radius within which a term acts (Å); 0 for one-body terms (the oracle's `termCutoff`). */
export function termRadius(t: AnalyticTermIR): number {
    if (t.kind === 'muller_brown') return 0;
    return t.kind === 'stillinger_weber' ? t.params['a']! * t.params['sigma']! : t.params['cutoff']!;
}

/** The neighbour-list radius of the whole potential (Å); 0 when it has only one-body terms. */
export function potentialCutoff(potential: PotentialIR): number {
    return Math.max(0, ...potential.terms.map(termRadius));
}

export function hasOneBodyTerms(potential: PotentialIR): boolean {
    return potential.terms.some((t) => t.kind === 'muller_brown');
}

/** Cache key of everything baked into the kernels: the terms (their element order fixes the species). */
export function potentialKey(potential: PotentialIR): string {
    return JSON.stringify(potential.terms);
}

/** The potential's kernels in dispatch order. */
export function potentialKernels(potential: PotentialIR): Array<KernelDefinition<KernelParams>> {
    return [termsKernel(potential), gatherKernel(), ...(hasOneBodyTerms(potential) ? [oneBodyKernel(potential)] : [])];
}

// ---------------------------------------------------------------------------------------------
// Pair terms: `fn pair_k(r) -> vec2<f32>` returns (½(φ(r) − shift), ½ φ'(r)); p_ij = ½ φ' d/r.

/** x^p for a baked exponent: products for small integers, `pow` otherwise (x > 0). */
function power(x: string, p: number): string {
    if (Number.isInteger(p) && p >= 0 && p <= 16) return p === 0 ? '1.0' : Array.from({ length: p }, () => x).join(' * ');
    return `pow(${x}, ${lit(p)})`;
}

/** φ(r) in float64, for the shift of a `shift`ed term (same formulas as the kernels). */
function pairEnergy(t: AnalyticTermIR, r: number): number {
    const p = t.params;
    switch (t.kind) {
        case 'lennard_jones': {
            const s6 = (p['sigma']! / r) ** 6;
            return 4 * p['epsilon']! * (s6 * s6 - s6);
        }
        case 'morse': {
            const e = Math.exp(-p['alpha']! * (r - p['r0']!));
            return p['depth']! * (e * e - 2 * e);
        }
        default:
            return 0; // Stillinger–Weber's pair term is zero at its cutoff; no other kind has a pair term
    }
}

function pairFunction(t: AnalyticTermIR, k: number): string {
    const p = t.params;
    const shift = t.shift ? pairEnergy(t, termRadius(t)) : 0;
    const head = `fn pair_${k}(r: f32) -> vec2<f32> {`;
    switch (t.kind) {
        case 'lennard_jones':
            // φ = 4ε[(σ/r)¹² − (σ/r)⁶];  φ' = 4ε[−12 (σ/r)¹² + 6 (σ/r)⁶] / r
            return `// term ${k}: Lennard-Jones ${t.elements.join(' ')}: φ = 4ε[(σ/r)^12 − (σ/r)^6]${t.shift ? ' − φ(r_c)' : ''}
${head}
    let x2 = ${lit(p['sigma']! ** 2)} / (r * r);
    let s6 = x2 * x2 * x2;
    return vec2<f32>(${lit(2 * p['epsilon']!)} * (s6 * s6 - s6) - ${lit(0.5 * shift)}, ${lit(2 * p['epsilon']!)} * (6.0 * s6 - 12.0 * s6 * s6) / r);
}`;
        case 'morse':
            // φ = D[e^{−2α(r−r₀)} − 2e^{−α(r−r₀)}];  φ' = 2αD[e^{−α(r−r₀)} − e^{−2α(r−r₀)}]
            return `// term ${k}: Morse ${t.elements.join(' ')}: φ = D[exp(−2α(r − r0)) − 2 exp(−α(r − r0))]${t.shift ? ' − φ(r_c)' : ''}
${head}
    let e = exp(${lit(-p['alpha']!)} * (r - ${lit(p['r0']!)}));
    return vec2<f32>(${lit(0.5 * p['depth']!)} * (e * e - 2.0 * e) - ${lit(0.5 * shift)}, ${lit(p['alpha']! * p['depth']!)} * (e - e * e));
}`;
        case 'stillinger_weber': {
            // φ = Aε [B (σ/r)^p − (σ/r)^q] exp(σ/(r − aσ));
            // φ' = Aε {[−pB (σ/r)^p + q (σ/r)^q] / r − [B (σ/r)^p − (σ/r)^q] σ/(r − aσ)²} exp(σ/(r − aσ))
            const { sigma, epsilon, A_pair: A, B_pair: B } = p as Record<string, number>;
            const pp = p['p']!;
            const q = p['q']!;
            return `// term ${k}: Stillinger–Weber pair ${t.elements.join(' ')}: φ = Aε[B(σ/r)^p − (σ/r)^q] exp(σ/(r − aσ))
${head}
    let x = ${lit(sigma!)} / r;
    let xp = ${lit(B!)} * ${power('x', pp)};
    let xq = ${power('x', q)};
    let y = 1.0 / (r - ${lit(termRadius(t))});
    let ex = ${lit(0.5 * A! * epsilon!)} * exp(${lit(sigma!)} * y);
    let poly = xp - xq;
    return vec2<f32>(ex * poly, ex * ((${lit(q)} * xq - ${lit(pp)} * xp) / r - poly * ${lit(sigma!)} * y * y));
}`;
        }
        default:
            throw new Error(`no pair function for ${t.kind}`);
    }
}

// ---------------------------------------------------------------------------------------------
// Three-body terms: `fn triple_k(d1, d2) -> Triple` for the triangle (i; j = i + d1, k = i + d2)
// returns its energy and ∂E/∂d1, ∂E/∂d2 (hand-derived; the oracle differentiates by dual numbers).

const TRIPLE_STRUCT = 'struct Triple { e: f32, g1: vec3<f32>, g2: vec3<f32> }';

function tripleFunction(t: AnalyticTermIR, k: number): string {
    const p = t.params;
    const head = `fn triple_${k}(d1: vec4<f32>, d2: vec4<f32>) -> Triple {`;
    if (t.kind === 'stillinger_weber') {
        // h = λε (cos θ − cos θ₀)² e₁ e₂, e_m = exp(γσ/(r_m − aσ)), cos θ = d1·d2/(r₁r₂):
        // ∂h/∂d1 = 2λε (cos θ − cos θ₀) e₁e₂ [d2/(r₁r₂) − cos θ d1/r₁²] − h γσ/(r₁ − aσ)² d1/r₁
        const gs = p['gamma']! * p['sigma']!;
        return `// term ${k}: Stillinger–Weber three-body ${t.elements.join(' ')}: h = λε(cos θ − cos θ0)² exp(γσ/(r1 − aσ)) exp(γσ/(r2 − aσ))
${head}
    let inv1 = 1.0 / d1.w;
    let inv2 = 1.0 / d2.w;
    let c = dot(d1.xyz, d2.xyz) * inv1 * inv2;
    let dc = c - (${lit(p['costheta0']!)});
    let y1 = 1.0 / (d1.w - ${lit(termRadius(t))});
    let y2 = 1.0 / (d2.w - ${lit(termRadius(t))});
    let ee = ${lit(p['lambda']! * p['epsilon']!)} * exp(${lit(gs)} * (y1 + y2));
    let h = ee * dc * dc;
    let k2 = 2.0 * ee * dc * inv1 * inv2;
    let g1 = k2 * (d2.xyz - c * d2.w * inv1 * d1.xyz) - (h * ${lit(gs)} * y1 * y1 * inv1) * d1.xyz;
    let g2 = k2 * (d1.xyz - c * d1.w * inv2 * d2.xyz) - (h * ${lit(gs)} * y2 * y2 * inv2) * d2.xyz;
    return Triple(h, g1, g2);
}`;
    }
    if (t.kind === 'axilrod_teller') {
        // With squared sides A = r₁², B = r₂², C = |d2 − d1|² and T = ABC:
        //   E = (C₉/3) (1 + 3 cos γ_i cos γ_j cos γ_k)/(r₁r₂r₃)³ = (C₉/3) [T^{−3/2} + (3/8) X Y Z T^{−5/2}]
        // with X = A + B − C, Y = A − B + C, Z = B + C − A (2 d1·d2, −2 d1·w, 2 d2·w; w = d2 − d1), so
        //   ∂f/∂A = −(3/2) T^{−3/2}/A + (3/8) T^{−5/2} (Q_A − (5/2) XYZ/A), Q_A = YZ + XZ − XY (B, C alike)
        //   ∂E/∂d1 = (C₉/3)(2 f_A d1 − 2 f_C w),  ∂E/∂d2 = (C₉/3)(2 f_B d2 + 2 f_C w)
        const rc = termRadius(t);
        const c3 = p['c9']! / 3;
        return `// term ${k}: Axilrod–Teller–Muto ${t.elements.join(' ')}: E = C9 (1 + 3 cos γi cos γj cos γk)/(r_ij r_jk r_ki)^3 / 3
${head}
    let w = d2.xyz - d1.xyz;
    let cc = dot(w, w);
    if (cc >= ${lit(rc * rc)}) { return Triple(0.0, vec3<f32>(0.0), vec3<f32>(0.0)); }
    let aa = d1.w * d1.w;
    let bb = d2.w * d2.w;
    let tt = aa * bb * cc;
    let t3 = 1.0 / (tt * sqrt(tt));
    let t5 = t3 / tt;
    let x = aa + bb - cc;
    let y = aa - bb + cc;
    let z = bb + cc - aa;
    let q = x * y * z;
    let fa = -1.5 * t3 / aa + 0.375 * t5 * (y * z + x * z - x * y - 2.5 * q / aa);
    let fb = -1.5 * t3 / bb + 0.375 * t5 * (y * z - x * z + x * y - 2.5 * q / bb);
    let fc = -1.5 * t3 / cc + 0.375 * t5 * (x * z + x * y - y * z - 2.5 * q / cc);
    return Triple(${lit(c3)} * (t3 + 0.375 * q * t5), ${lit(2 * c3)} * (fa * d1.xyz - fc * w), ${lit(2 * c3)} * (fb * d2.xyz + fc * w));
}`;
    }
    throw new Error(`no three-body function for ${t.kind}`);
}

// ---------------------------------------------------------------------------------------------
// Loops of a term over the slots of its elements: species-sorted slots make each maximal run of
// consecutive species one contiguous range (one run when the term acts on all the potential's elements).

/** Maximal runs [lo, hi] of consecutive species indices among `set` (sorted, distinct). */
function speciesRuns(set: readonly number[]): Array<[number, number]> {
    const runs: Array<[number, number]> = [];
    for (const s of set) {
        const last = runs.at(-1);
        if (last && last[1] === s - 1) last[1] = s;
        else runs.push([s, s]);
    }
    return runs;
}

function termSpecies(t: AnalyticTermIR, species: readonly string[]): number[] {
    return [...new Set(t.elements.map((e) => species.indexOf(e)))].sort((a, b) => a - b);
}

/** A WGSL condition: the centre atom's species `sp` is one of `set`. */
function centreActs(set: readonly number[], speciesCount: number): string {
    if (set.length === speciesCount) return `sp < ${speciesCount}u`;
    return set.map((s) => `sp == ${s}u`).join(' || ');
}

/** Slot bounds of a run for the atom whose range row starts at `rb`. */
function runBounds([lo, hi]: [number, number]): [string, string] {
    return [`nb_range[rb + ${lo}u]`, `nb_range[rb + ${hi + 1}u]`];
}

function pairLoop(t: AnalyticTermIR, k: number, runs: Array<[number, number]>): string {
    const rc = lit(termRadius(t));
    return runs.map((run) => {
        const [lo, hi] = runBounds(run);
        return `        for (var a = ${lo}; a < ${hi}; a++) {
            let d = pv[base + a];
            if (d.w < ${rc}) {
                let t = pair_${k}(d.w);
                e += t.x;
                pf[base + a] += vec4<f32>((t.y / d.w) * d.xyz, 0.0);
            }
        }`;
    }).join('\n');
}

function tripleLoop(t: AnalyticTermIR, k: number, runs: Array<[number, number]>): string {
    const rc = lit(termRadius(t));
    const loops: string[] = [];
    runs.forEach((ra, x) => runs.forEach((rb, y) => {
        if (y < x) return;
        const [loA, hiA] = runBounds(ra);
        const [loB, hiB] = runBounds(rb);
        loops.push(`        for (var a = ${loA}; a < ${hiA}; a++) {
            let d1 = pv[base + a];
            if (d1.w >= ${rc}) { continue; }
            var g1 = vec3<f32>(0.0, 0.0, 0.0);
            for (var b = ${x === y ? 'a + 1u' : loB}; b < ${hiB}; b++) {
                let d2 = pv[base + b];
                if (d2.w >= ${rc}) { continue; }
                let t = triple_${k}(d1, d2);
                e += t.e;
                g1 += t.g1;
                pf[base + b] += vec4<f32>(t.g2, 0.0);
            }
            pf[base + a] += vec4<f32>(g1, 0.0);
        }`);
    }));
    return loops.join('\n');
}

export function termsKernel(potential: PotentialIR): KernelDefinition<PotentialParams> {
    return {
        name: 'PotentialTerms',
        params: { potential: potentialKey(potential) },
        workgroupSize: WORKGROUP_SIZE,
        shaderBody: (b: BindingRegistry) => {
            dimsBinding(b);
            b.storage('pv', 'array<vec4<f32>>', 'read');
            b.storage('nb_range', 'array<u32>', 'read');
            b.storage('species', 'array<u32>', 'read');
            b.storage('energy', 'array<f32>', 'read_write');
            b.storage('pf', 'array<vec4<f32>>', 'read_write');
            b.storage('virial', 'array<f32>', 'read_write');
            const species = potentialSpecies(potential);
            const stride = species.length + 2; // S + 1 species (the last: other elements), + 1 for the count
            const fns: string[] = [];
            const blocks: string[] = [];
            potential.terms.forEach((t, k) => {
                if (t.kind === 'muller_brown') return; // one-body: PotentialOneBody
                const set = termSpecies(t, species);
                const runs = speciesRuns(set);
                const isTriple = t.kind === 'stillinger_weber' || t.kind === 'axilrod_teller';
                const isPair = t.kind !== 'axilrod_teller';
                if (isPair) fns.push(pairFunction(t, k));
                if (isTriple) fns.push(tripleFunction(t, k));
                const loops = [isPair ? pairLoop(t, k, runs) : '', isTriple ? tripleLoop(t, k, runs) : ''].filter(Boolean).join('\n');
                blocks.push(`    // term ${k}: ${t.kind} ${t.elements.join(' ')}
    if (${centreActs(set, species.length)}) {
${loops}
    }`);
            });
            return `${DIMS}
${TRIPLE_STRUCT}

${fns.join('\n\n')}

${atomEntry(`    let sp = species[i];
    let base = i * dims.max_neighbors;
    let rb = i * ${stride}u;
    let n = nb_range[rb + ${stride - 1}u];
    for (var a = 0u; a < n; a++) { pf[base + a] = vec4<f32>(0.0, 0.0, 0.0, 0.0); }
    var e = 0.0;
${blocks.join('\n')}
    energy[i] = e;
    // virial W_ab = Σ_j p_a d_b (rows a)
    var v0 = vec3<f32>(0.0, 0.0, 0.0);
    var v1 = vec3<f32>(0.0, 0.0, 0.0);
    var v2 = vec3<f32>(0.0, 0.0, 0.0);
    for (var a = 0u; a < n; a++) {
        let g = pf[base + a].xyz;
        let d = pv[base + a].xyz;
        v0 += g.x * d;
        v1 += g.y * d;
        v2 += g.z * d;
    }
    for (var c = 0u; c < 3u; c++) {
        virial[i * 9u + c] = v0[c];
        virial[i * 9u + 3u + c] = v1[c];
        virial[i * 9u + 6u + c] = v2[c];
    }`)}`;
        },
    };
}

// ---------------------------------------------------------------------------------------------
// One-body terms.

/**
 * The Müller–Brown surface (K. Müller, L. D. Brown, Theor. Chim. Acta 53, 75 (1979)) in eV for x, y
 * in Å: V(x, y) = Σ_{k=1..4} A_k exp(a_k (x − x⁰_k)² + b_k (x − x⁰_k)(y − y⁰_k) + c_k (y − y⁰_k)²),
 * the paper's constants (as in the oracle).
 */
const MULLER_BROWN = {
    A: [-200, -100, -170, 15], a: [-1, -1, -6.5, 0.7], b: [0, 0, 11, 0.6], c: [-10, -10, -6.5, 0.7],
    x0: [1, 0, -0.5, -1], y0: [0, 0.5, 1.5, 1],
} as const;

function mullerBrownFunction(): string {
    const { A, a, b, c, x0, y0 } = MULLER_BROWN;
    const terms = A.map((_, k) => `    {
        let u = p.x - ${lit(x0[k]!)};
        let w = p.y - ${lit(y0[k]!)};
        let ex = ${lit(A[k]!)} * exp(${lit(a[k]!)} * u * u + ${lit(b[k]!)} * u * w + ${lit(c[k]!)} * w * w);
        v += vec3<f32>(ex, ex * (${lit(2 * a[k]!)} * u + ${lit(b[k]!)} * w), ex * (${lit(b[k]!)} * u + ${lit(2 * c[k]!)} * w));
    }`);
    return `// Müller–Brown: (V, ∂V/∂x, ∂V/∂y) at (x, y), eV and Å
fn muller_brown(p: vec2<f32>) -> vec3<f32> {
    var v = vec3<f32>(0.0, 0.0, 0.0);
${terms.join('\n')}
    return v;
}`;
}

/** Adds the one-body terms to E_i, F_i and the per-atom virial left by PotentialTerms and GatherForces. */
export function oneBodyKernel(potential: PotentialIR): KernelDefinition<PotentialParams> {
    return {
        name: 'PotentialOneBody',
        params: { potential: potentialKey(potential) },
        workgroupSize: WORKGROUP_SIZE,
        shaderBody: (b: BindingRegistry) => {
            dimsBinding(b);
            b.storage('positions', 'array<vec4<f32>>', 'read');
            b.storage('species', 'array<u32>', 'read');
            b.storage('energy', 'array<f32>', 'read_write');
            b.storage('forces', 'array<vec4<f32>>', 'read_write');
            b.storage('virial', 'array<f32>', 'read_write');
            const species = potentialSpecies(potential);
            const blocks = potential.terms.flatMap((t, k) => {
                if (t.kind !== 'muller_brown') return [];
                return [`    // term ${k}: Müller–Brown ${t.elements.join(' ')}, scale ${t.params['scale'] ?? 1} eV
    if (${centreActs(termSpecies(t, species), species.length)}) { v += ${lit(t.params['scale'] ?? 1)} * muller_brown(r.xy); }`];
            });
            return `${DIMS}

${mullerBrownFunction()}

${atomEntry(`    let sp = species[i];
    let r = positions[i].xyz;
    var v = vec3<f32>(0.0, 0.0, 0.0);
${blocks.join('\n')}
    energy[i] += v.x;
    forces[i] -= vec4<f32>(v.y, v.z, 0.0, 0.0);
    // virial W_ab = Σ_i ∂E_i/∂r_a r_b: rows x and y
    for (var c = 0u; c < 3u; c++) {
        virial[i * 9u + c] += v.y * r[c];
        virial[i * 9u + 3u + c] += v.z * r[c];
    }`)}`;
        },
    };
}
