// The analytic potentials' kernel generator (no device needed): which kernels, which slot loops for
// terms on some of the elements, cache keys from the terms alone; and the slot-list helpers it uses.
import { describe, expect, it } from 'vitest';
import type { AnalyticTermIR, PotentialIR } from '../../compiler/src/ir/model-ir.js';
import { STILLINGER_WEBER_SI } from '../../compiler/src/lower/lower-spec.js';
import {
    oneBodyKernel, potentialCutoff, potentialKernels, potentialSpecies, termsKernel,
} from '../../compiler/src/kernel/potential/potential-kernels.js';
import { generateKernel, kernelCacheKey } from '../../compiler/src/kernel/wgsl-builder.js';
import { packSlots, packSortedSlots, permuteNeighbors, withinRadius, type CsrNeighbors } from '../../runtime/src/neighbors/slot-list.js';

const term = (kind: AnalyticTermIR['kind'], elements: string[], params: Record<string, number>, shift = false): AnalyticTermIR => ({ kind, elements, params, shift });
const lj = term('lennard_jones', ['H', 'O', 'C'], { epsilon: 0.05, sigma: 2.2, cutoff: 5 }, true);
const atm = term('axilrod_teller', ['H', 'C'], { c9: 30, cutoff: 4 });
const sw = term('stillinger_weber', ['Si'], STILLINGER_WEBER_SI);
const mb = term('muller_brown', ['H'], { scale: 1 });

describe('potential kernels', () => {
    it('PotentialTerms and the shared GatherForces; PotentialOneBody only with a one-body term', () => {
        const names = (p: PotentialIR) => potentialKernels(p).map((k) => k.name);
        expect(names({ name: 'a', terms: [sw] })).toEqual(['PotentialTerms', 'GatherForces']);
        expect(names({ name: 'b', terms: [lj, mb] })).toEqual(['PotentialTerms', 'GatherForces', 'PotentialOneBody']);
        expect(potentialCutoff({ name: 'b', terms: [lj, mb] })).toBe(5);
        expect(potentialCutoff({ name: 'c', terms: [mb] })).toBe(0);
        expect(potentialCutoff({ name: 'a', terms: [sw] })).toBeCloseTo(1.8 * 2.0951, 12);
    });

    it('a term on some of the elements loops over each run of consecutive species, and pairs of runs', () => {
        const p: PotentialIR = { name: 'mix', terms: [lj, atm] };
        expect(potentialSpecies(p)).toEqual(['H', 'O', 'C']); // species 3: any other element
        const wgsl = generateKernel(termsKernel(p)).wgsl;
        // LJ on all three: one run, slots [range[0], range[3]); centre: any of the potential's species
        expect(wgsl).toContain('if (sp < 3u) {');
        expect(wgsl).toContain('for (var a = nb_range[rb + 0u]; a < nb_range[rb + 3u]; a++) {');
        // ATM on H (0) and C (2): runs [0, 1) and [2, 3); pairs within and across runs
        expect(wgsl).toContain('if (sp == 0u || sp == 2u) {');
        expect(wgsl.match(/for \(var b = /g)).toHaveLength(3);
        expect(wgsl).toContain('for (var b = nb_range[rb + 2u]; b < nb_range[rb + 3u]; b++) {');
        // ranges per atom: 4 species + the count
        expect(wgsl).toContain('let rb = i * 5u;');
        expect(generateKernel(termsKernel(p)).bindings.map((b) => b.name)).toEqual(['dims', 'pv', 'nb_range', 'species', 'energy', 'pf', 'virial']);
        expect(generateKernel(oneBodyKernel({ name: 'm', terms: [mb] })).bindings.map((b) => b.name)).toEqual(['dims', 'positions', 'species', 'energy', 'forces', 'virial']);
    });

    it('cache keys come from the terms, not the name; the shift is baked in', () => {
        const a = termsKernel({ name: 'one', terms: [lj] });
        const b = termsKernel({ name: 'two', terms: [lj] });
        const c = termsKernel({ name: 'one', terms: [{ ...lj, shift: false }] });
        expect(kernelCacheKey(a)).toBe(kernelCacheKey(b));
        expect(kernelCacheKey(a)).not.toBe(kernelCacheKey(c));
        // ½ φ(r_c) of LJ(ε 0.05, σ 2.2) at 5 Å
        const s6 = (2.2 / 5) ** 6;
        expect(generateKernel(a).wgsl).toContain(`- ${String(0.5 * 4 * 0.05 * (s6 * s6 - s6))}`);
        expect(generateKernel(c).wgsl).toContain('- 0.0,');
    });
});

describe('slot-list helpers', () => {
    // 3 atoms: 0 → 1 (1 Å), 0 → 2 (3 Å), 1 → 0, 2 → 0, 2 → 1 (2.5 Å)
    const list: CsrNeighbors = {
        offsets: Uint32Array.from([0, 2, 3, 5]),
        neighbors: Uint32Array.from([1, 2, 0, 0, 1]),
        displacements: Float64Array.from([1, 0, 0, 0, 3, 0, -1, 0, 0, 0, -3, 0, 2.5, 0, 0]),
    };

    it('withinRadius keeps the pairs closer than the radius, in order; the list itself when all are', () => {
        const near = withinRadius(list, 2.6);
        expect([...near.offsets]).toEqual([0, 1, 2, 3]);
        expect([...near.neighbors]).toEqual([1, 0, 1]);
        expect([...near.displacements]).toEqual([1, 0, 0, -1, 0, 0, 2.5, 0, 0]);
        expect(withinRadius(list, 3.5)).toBe(list);
    });

    it('packSortedSlots: species first, then neighbour count, then index; the same slots as packing the permuted list', () => {
        const species = [1, 0, 1];
        const sorted = packSortedSlots(list, species, 2);
        expect(sorted.order).toEqual([1, 0, 2]);
        expect([...sorted.species]).toEqual([0, 1, 1]);
        const direct = packSlots(permuteNeighbors(list, sorted.order), Uint32Array.from([0, 1, 1]), 2);
        expect(sorted.slots).toEqual(direct);
        expect([...sorted.slots.counts]).toEqual([1, 2, 2]);
    });
});
