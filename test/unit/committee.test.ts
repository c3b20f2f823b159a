// Committee pieces (runtime/src/uncertainty/committee.ts): bootstrap resampling, the committee mean and
// spread against a direct computation, the calibration factor recovering a known scale, the bins
// of the calibration plot, and the committee guard.
import { describe, expect, it } from 'vitest';
import { normals, uniforms } from '../../runtime/src/math/random.js';
import { bootstrapIndices, calibrationBins, calibrationPlot, committeeStatistics, fitCalibration, percentileOfSorted } from '../../runtime/src/uncertainty/committee.js';
import { committeeGuard } from '../../runtime/src/uncertainty/guard.js';
import { crystal } from '../../runtime/src/structures/crystal.js';

describe('bootstrap resampling', () => {
    it('draws n indices with replacement, deterministic per seed, different across seeds', () => {
        const n = 1000;
        const a = bootstrapIndices(n, 1);
        expect(a).toHaveLength(n);
        expect(a.every((i) => Number.isInteger(i) && i >= 0 && i < n)).toBe(true);
        expect(bootstrapIndices(n, 1)).toEqual(a);
        expect(bootstrapIndices(n, 2)).not.toEqual(a);
        // about 1 − 1/e ≈ 63.2 % distinct indices
        const distinct = new Set(a).size / n;
        expect(distinct).toBeGreaterThan(0.6);
        expect(distinct).toBeLessThan(0.66);
        // means of the draws are uniform over 0..n−1
        const mean = a.reduce((x, y) => x + y, 0) / n;
        expect(Math.abs(mean - (n - 1) / 2)).toBeLessThan(40);
    });
});

describe('committee mean and spread', () => {
    it('match a direct computation (unbiased sample variance, |σ_F| per atom)', () => {
        const u = uniforms(5);
        const K = 4;
        const atoms = 3;
        const members = Array.from({ length: K }, () => ({ energy: u() * 10 - 5, forces: Float64Array.from({ length: 3 * atoms }, () => u() - 0.5) }));
        const st = committeeStatistics(members);
        const meanE = members.reduce((a, m) => a + m.energy, 0) / K;
        expect(st.energy).toBeCloseTo(meanE, 14);
        const varE = members.reduce((a, m) => a + (m.energy - meanE) ** 2, 0) / (K - 1);
        expect(st.energyStd).toBeCloseTo(Math.sqrt(varE), 14);
        for (let i = 0; i < atoms; i++) {
            let v = 0;
            for (let c = 0; c < 3; c++) {
                const q = 3 * i + c;
                const mean = members.reduce((a, m) => a + m.forces[q]!, 0) / K;
                expect(st.forces[q]).toBeCloseTo(mean, 14);
                v += members.reduce((a, m) => a + (m.forces[q]! - mean) ** 2, 0) / (K - 1);
            }
            expect(st.forceStd[i]).toBeCloseTo(Math.sqrt(v), 14);
        }
        expect(committeeStatistics([members[0]!]).energyStd).toBe(0);
        expect(() => committeeStatistics([members[0]!, { energy: 0, forces: [0, 0, 0] }])).toThrow(/number of atoms/);
    });
});

describe('calibration', () => {
    it('recovers a known scale: errors drawn as N(0, (s σ)²) give s', () => {
        const z = normals(11);
        const u = uniforms(12);
        for (const s of [0.3, 1, 4.5]) {
            const sigmas = Array.from({ length: 20000 }, () => 0.001 + 0.05 * u());
            const errors = sigmas.map((sg) => s * sg * z());
            expect(fitCalibration(errors, sigmas)).toBeCloseTo(s, 1);
            expect(Math.abs(fitCalibration(errors, sigmas) / s - 1)).toBeLessThan(0.02);
            // forces: |e| of 3 components each N(0, (s σ)²/3)
            const fErr = sigmas.map((sg) => Math.hypot(z(), z(), z()) * (s * sg) / Math.sqrt(3));
            expect(Math.abs(fitCalibration(fErr, sigmas) / s - 1)).toBeLessThan(0.02);
            // calibrated bins lie on y = x
            for (const b of calibrationBins(errors, sigmas.map((x) => s * x), 5)) expect(Math.abs(b.rmse / b.sigma - 1)).toBeLessThan(0.06);
        }
        expect(fitCalibration([1, 2], [0, 0])).toBe(1);
        expect(fitCalibration([2, 1], [1, 0])).toBe(2);
    });

    it('bins hold equal counts sorted by σ; the plot is an SVG with both series and the y = x line', () => {
        const bins = calibrationBins([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], 3);
        expect(bins.map((b) => b.count)).toEqual([2, 2, 2]);
        expect(bins[0]).toMatchObject({ sigma: Math.sqrt((1 + 4) / 2), rmse: Math.sqrt((36 + 25) / 2) });
        const svg = calibrationPlot('si', bins, bins);
        expect(svg).toMatch(/^<svg/);
        expect(svg).toContain('energy per atom');
        expect(svg).toContain('force component');
        expect(svg).toContain('y = x (calibrated)');
        expect(percentileOfSorted([1, 2, 3, 4, 5], 50)).toBe(3);
        expect(percentileOfSorted([1, 2], 75)).toBe(1.75);
    });
});

describe('committee guard', () => {
    it('trips when an atom\'s calibrated force spread exceeds the threshold', async () => {
        const s = crystal('diamond', 'Si', 5.431, { supercell: [1, 1, 1] });
        const n = s.symbols.length;
        // atom 3's x force: 0, 0.1, 0.2 eV/Å → σ_F,3 = 0.1 eV/Å, ×2 calibrated = 0.2 eV/Å; energies 0, 0.08, 0.16 eV
        const member = (k: number) => () => {
            const forces = new Float64Array(3 * n);
            forces[9] = 0.1 * k;
            return { energy: 0.08 * k, forces };
        };
        const members = [member(0), member(1), member(2)];
        const quiet = committeeGuard({ members, energyScale: 1, forceScale: 2, threshold: 0.21, thresholdLabel: 'given' });
        expect((await quiet(0, s)).tripped).toBe(false);
        const tight = committeeGuard({ members, energyScale: 1, forceScale: 2, threshold: 0.19, thresholdLabel: 'given' });
        const r = await tight(0, s);
        expect(r.tripped).toBe(true);
        expect(r.message).toBe('committee force spread 0.2 eV/Å > 0.19 eV/Å (given) at atom 3; 1 atom over the threshold: 3; energy spread 10 meV/atom');
    });
});
