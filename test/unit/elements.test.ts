import { describe, expect, it } from 'vitest';
import { closestElementSymbols, elementByNumber, elementBySymbol, ELEMENTS } from '../../language/src/elements.js';

describe('periodic table', () => {
    it('has 118 elements with sequential Z and unique symbols', () => {
        expect(ELEMENTS).toHaveLength(118);
        ELEMENTS.forEach((e, i) => expect(e.z).toBe(i + 1));
        expect(new Set(ELEMENTS.map((e) => e.symbol)).size).toBe(118);
        expect(new Set(ELEMENTS.map((e) => e.symbol.toLowerCase())).size).toBe(118);
        for (const e of ELEMENTS) {
            expect(e.symbol).toMatch(/^[A-Z][a-z]?$/);
            expect(e.name).toMatch(/^[A-Z][a-z]+$/);
            expect(Number.isFinite(e.mass) && e.mass > 0).toBe(true);
        }
        expect(ELEMENTS[0]?.symbol).toBe('H');
        expect(ELEMENTS[117]?.symbol).toBe('Og');
    });

    it('holds ASE (IUPAC 2016) standard atomic weights', () => {
        const spot: Record<string, number> = {
            H: 1.008, He: 4.002602, C: 12.011, N: 14.007, O: 15.999, Na: 22.98976928, Si: 28.085,
            Cl: 35.45, Ar: 39.948, Cu: 63.546, Ge: 72.63, Tc: 97.90721, Pm: 144.91276, Au: 196.966569,
            Po: 208.98243, U: 238.02891, Og: 294.214,
        };
        for (const [symbol, mass] of Object.entries(spot)) expect(elementBySymbol(symbol)?.mass, symbol).toBe(mass);
        // Masses grow with Z except for the known inversions (Ar/K, Co/Ni, Te/I, Th/Pa, U/Np, Pu/Am, ...).
        const inversions = ELEMENTS.slice(1).filter((e, i) => e.mass < ELEMENTS[i]!.mass).map((e) => e.symbol);
        expect(inversions).toEqual(['K', 'Ni', 'I', 'Pa', 'Np', 'Am', 'Bk', 'Bh', 'Hs']);
    });

    it('looks elements up by symbol (case-sensitive) and by number', () => {
        expect(elementBySymbol('Si')).toEqual({ symbol: 'Si', z: 14, name: 'Silicon', mass: 28.085 });
        expect(elementBySymbol('si')).toBeUndefined();
        expect(elementBySymbol('SI')).toBeUndefined();
        expect(elementBySymbol('Xx')).toBeUndefined();
        expect(elementBySymbol('')).toBeUndefined();
        expect(elementBySymbol('Og')?.z).toBe(118);
        expect(elementByNumber(1)?.symbol).toBe('H');
        expect(elementByNumber(8)?.name).toBe('Oxygen');
        expect(elementByNumber(79)?.symbol).toBe('Au');
        expect(elementByNumber(118)?.symbol).toBe('Og');
        for (const z of [0, -1, 119, 1.5, Number.NaN]) expect(elementByNumber(z)).toBeUndefined();
        for (const e of ELEMENTS) expect(elementByNumber(e.z)).toBe(elementBySymbol(e.symbol));
    });

    it('suggests symbols for misspellings', () => {
        expect(closestElementSymbols('si')[0]).toBe('Si');
        expect(closestElementSymbols('SI')[0]).toBe('Si');
        expect(closestElementSymbols('CU')[0]).toBe('Cu');
        expect(closestElementSymbols('si', 1)).toEqual(['Si']);
        expect(closestElementSymbols('si')).toHaveLength(3);
        // Edit distance 1, in order of Z.
        expect(closestElementSymbols('Oo')).toEqual(['O', 'Co', 'Mo']);
        expect(closestElementSymbols('Ox', 10)).toEqual(['O', 'Os', 'Og']);
        expect(closestElementSymbols('Hx', 10)).toEqual(['H', 'He', 'Ho', 'Hf', 'Hg', 'Hs']);
        expect(closestElementSymbols('Qq')).toEqual([]);
        expect(closestElementSymbols('Xenon')).toEqual([]);
        expect(closestElementSymbols('')).toEqual([]);
        expect(closestElementSymbols('si', 0)).toEqual([]);
        for (const s of closestElementSymbols('Zz', 118)) expect(elementBySymbol(s)).toBeDefined();
    });
});
