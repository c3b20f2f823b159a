// Periodic table of the .nnp language: symbol, atomic number, name and standard atomic weight.

export interface ElementInfo {
    readonly symbol: string;
    /** Atomic number. */
    readonly z: number;
    readonly name: string;
    /** Standard atomic weight in amu (g/mol). */
    readonly mass: number;
}

// Masses: ASE's ase.data.atomic_masses (= atomic_masses_iupac2016, IUPAC 2013 standard/conventional
// weights; elements without a stable isotope use their longest-lived isotope's mass).
// Entries `Symbol:Name:mass` in order of Z = 1..118.
const TABLE = `
    H:Hydrogen:1.008 He:Helium:4.002602 Li:Lithium:6.94 Be:Beryllium:9.0121831 B:Boron:10.81
    C:Carbon:12.011 N:Nitrogen:14.007 O:Oxygen:15.999 F:Fluorine:18.998403163 Ne:Neon:20.1797
    Na:Sodium:22.98976928 Mg:Magnesium:24.305 Al:Aluminium:26.9815385 Si:Silicon:28.085
    P:Phosphorus:30.973761998 S:Sulfur:32.06 Cl:Chlorine:35.45 Ar:Argon:39.948 K:Potassium:39.0983
    Ca:Calcium:40.078 Sc:Scandium:44.955908 Ti:Titanium:47.867 V:Vanadium:50.9415
    Cr:Chromium:51.9961 Mn:Manganese:54.938044 Fe:Iron:55.845 Co:Cobalt:58.933194 Ni:Nickel:58.6934
    Cu:Copper:63.546 Zn:Zinc:65.38 Ga:Gallium:69.723 Ge:Germanium:72.630 As:Arsenic:74.921595
    Se:Selenium:78.971 Br:Bromine:79.904 Kr:Krypton:83.798 Rb:Rubidium:85.4678 Sr:Strontium:87.62
    Y:Yttrium:88.90584 Zr:Zirconium:91.224 Nb:Niobium:92.90637 Mo:Molybdenum:95.95
    Tc:Technetium:97.90721 Ru:Ruthenium:101.07 Rh:Rhodium:102.90550 Pd:Palladium:106.42
    Ag:Silver:107.8682 Cd:Cadmium:112.414 In:Indium:114.818 Sn:Tin:118.710 Sb:Antimony:121.760
    Te:Tellurium:127.60 I:Iodine:126.90447 Xe:Xenon:131.293 Cs:Caesium:132.90545196
    Ba:Barium:137.327 La:Lanthanum:138.90547 Ce:Cerium:140.116 Pr:Praseodymium:140.90766
    Nd:Neodymium:144.242 Pm:Promethium:144.91276 Sm:Samarium:150.36 Eu:Europium:151.964
    Gd:Gadolinium:157.25 Tb:Terbium:158.92535 Dy:Dysprosium:162.500 Ho:Holmium:164.93033
    Er:Erbium:167.259 Tm:Thulium:168.93422 Yb:Ytterbium:173.054 Lu:Lutetium:174.9668
    Hf:Hafnium:178.49 Ta:Tantalum:180.94788 W:Tungsten:183.84 Re:Rhenium:186.207 Os:Osmium:190.23
    Ir:Iridium:192.217 Pt:Platinum:195.084 Au:Gold:196.966569 Hg:Mercury:200.592 Tl:Thallium:204.38
    Pb:Lead:207.2 Bi:Bismuth:208.98040 Po:Polonium:208.98243 At:Astatine:209.98715
    Rn:Radon:222.01758 Fr:Francium:223.01974 Ra:Radium:226.02541 Ac:Actinium:227.02775
    Th:Thorium:232.0377 Pa:Protactinium:231.03588 U:Uranium:238.02891 Np:Neptunium:237.04817
    Pu:Plutonium:244.06421 Am:Americium:243.06138 Cm:Curium:247.07035 Bk:Berkelium:247.07031
    Cf:Californium:251.07959 Es:Einsteinium:252.0830 Fm:Fermium:257.09511 Md:Mendelevium:258.09843
    No:Nobelium:259.1010 Lr:Lawrencium:262.110 Rf:Rutherfordium:267.122 Db:Dubnium:268.126
    Sg:Seaborgium:271.134 Bh:Bohrium:270.133 Hs:Hassium:269.1338 Mt:Meitnerium:278.156
    Ds:Darmstadtium:281.165 Rg:Roentgenium:281.166 Cn:Copernicium:285.177 Nh:Nihonium:286.182
    Fl:Flerovium:289.190 Mc:Moscovium:289.194 Lv:Livermorium:293.204 Ts:Tennessine:293.208
    Og:Oganesson:294.214
`;

/** All 118 elements; index i holds Z = i + 1. */
export const ELEMENTS: readonly ElementInfo[] = Object.freeze(
    TABLE.trim().split(/\s+/).map((entry, i): ElementInfo => {
        const [symbol, name, mass] = entry.split(':') as [string, string, string];
        return Object.freeze({ symbol, z: i + 1, name, mass: Number(mass) });
    }),
);

const BY_SYMBOL: ReadonlyMap<string, ElementInfo> = new Map(ELEMENTS.map((e) => [e.symbol, e]));
const BY_LOWER_SYMBOL: ReadonlyMap<string, ElementInfo> = new Map(ELEMENTS.map((e) => [e.symbol.toLowerCase(), e]));

/** Case-sensitive lookup: 'Si' finds silicon, 'si' and 'SI' do not. */
export function elementBySymbol(symbol: string): ElementInfo | undefined {
    return BY_SYMBOL.get(symbol);
}

/** Lookup by atomic number (an integer in 1..118). */
export function elementByNumber(z: number): ElementInfo | undefined {
    return Number.isInteger(z) ? ELEMENTS[z - 1] : undefined;
}

/**
 * Suggestions for a misspelled element symbol, best first: the case-insensitive match
 * ('si' → 'Si'), then symbols within (case-insensitive) edit distance 1, in order of Z.
 */
export function closestElementSymbols(symbol: string, max = 3): string[] {
    const query = symbol.trim().toLowerCase();
    if (query === '' || max <= 0) return [];
    const out: string[] = [];
    const exact = BY_LOWER_SYMBOL.get(query);
    if (exact) out.push(exact.symbol);
    for (const e of ELEMENTS) {
        if (out.length >= max) break;
        if (e !== exact && withinOneEdit(query, e.symbol.toLowerCase())) out.push(e.symbol);
    }
    return out.slice(0, max);
}

/** Whether a and b are at Levenshtein distance ≤ 1 (one insertion, deletion or substitution). */
function withinOneEdit(a: string, b: string): boolean {
    if (a.length > b.length) [a, b] = [b, a];
    if (b.length - a.length > 1) return false;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    // Skip the one differing character: in both strings for a substitution, in b for an insertion.
    return a.length === b.length ? a.slice(i + 1) === b.slice(i + 1) : a.slice(i) === b.slice(i + 1);
}
