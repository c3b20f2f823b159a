// Vibrational densities of states g(f) on a frequency grid (THz), normalised so that ∫ g df = 1:
// from normal modes by Gaussian smearing, g(f) = (1/3N) Σ_k exp(−(f − f_k)²/2s²)/(s√2π), or from MD
// by the mass-weighted velocity autocorrelation C(t) = Σ_i m_i ⟨v_i(0)·v_i(t)⟩ and its cosine
// transform g(f) ∝ ∫ C(t) w(t) cos(2π f t) dt (w: a Hann window over the correlation length).
// Two densities on one grid compare by their overlap ∫ min(g₁, g₂) df (1 = identical, 0 = disjoint).

export interface Vdos {
    readonly frequencyThz: Float64Array;
    readonly density: Float64Array;
}

export interface VdosGrid {
    readonly bins: number;
    /** Upper end of the grid (THz); the lower end is 0. */
    readonly maxThz: number;
}

function grid(g: VdosGrid): Float64Array {
    return Float64Array.from({ length: g.bins }, (_, k) => ((k + 0.5) * g.maxThz) / g.bins);
}

function normalise(frequencyThz: Float64Array, density: Float64Array): Vdos {
    const df = frequencyThz.length > 1 ? frequencyThz[1]! - frequencyThz[0]! : 1;
    const total = density.reduce((a, b) => a + b, 0) * df;
    return { frequencyThz, density: total > 0 ? density.map((g) => g / total) : density };
}

/**
 * Smeared density of the given frequencies. Imaginary ones (< 0) within one smearing width of zero are
 * the acoustic modes' numerical noise and count at |f|; those further out are left out.
 */
export function modesVdos(frequenciesThz: ArrayLike<number>, smearingThz: number, g: VdosGrid): Vdos {
    const f = grid(g);
    const density = new Float64Array(g.bins);
    const norm = 1 / (smearingThz * Math.sqrt(2 * Math.PI));
    for (let k = 0; k < frequenciesThz.length; k++) {
        const fk = Math.abs(frequenciesThz[k]!);
        if (frequenciesThz[k]! < -smearingThz) continue;
        for (let b = 0; b < g.bins; b++) density[b]! += norm * Math.exp(-((f[b]! - fk) ** 2) / (2 * smearingThz ** 2));
    }
    return normalise(f, density);
}

/**
 * Density from velocity frames (each 3N, Å/fs) spaced dtFs apart, correlated over up to `lags` frames
 * (default half the run, at most 2000), averaged over at most 1000 evenly spaced time origins.
 */
export function velocityVdos(frames: readonly Float64Array[], masses: ArrayLike<number>, dtFs: number, g: VdosGrid, lags = Math.min(2000, Math.floor(frames.length / 2))): Vdos {
    const corr = new Float64Array(lags);
    for (let lag = 0; lag < lags; lag++) {
        let sum = 0;
        const available = frames.length - lag;
        const stride = Math.max(1, Math.floor(available / 1000));
        let origins = 0;
        for (let t = 0; t < available; t += stride, origins++) {
            const a = frames[t]!;
            const b = frames[t + lag]!;
            for (let i = 0; i < masses.length; i++) {
                sum += masses[i]! * (a[3 * i]! * b[3 * i]! + a[3 * i + 1]! * b[3 * i + 1]! + a[3 * i + 2]! * b[3 * i + 2]!);
            }
        }
        corr[lag] = sum / origins;
    }
    const f = grid(g);
    const density = new Float64Array(g.bins);
    for (let b = 0; b < g.bins; b++) {
        const w = 2 * Math.PI * f[b]! * 1e-3; // rad per fs (f in THz = 10⁻³ /fs)
        let s = 0;
        for (let lag = 0; lag < lags; lag++) {
            const hann = 0.5 * (1 + Math.cos((Math.PI * lag) / lags));
            s += (lag === 0 ? 0.5 : 1) * corr[lag]! * hann * Math.cos(w * lag * dtFs);
        }
        density[b] = Math.max(0, s);
    }
    return normalise(f, density);
}

/** ∫ min(g₁, g₂) df of two densities on the same grid. */
export function vdosOverlap(a: Vdos, b: Vdos): number {
    const df = a.frequencyThz.length > 1 ? a.frequencyThz[1]! - a.frequencyThz[0]! : 1;
    let s = 0;
    for (let k = 0; k < a.density.length; k++) s += Math.min(a.density[k]!, b.density[k]!);
    return s * df;
}
