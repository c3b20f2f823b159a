// The Model IR: expansion, n2p2's network-input order (checked against n2p2's own sorted list),
// parameter counts, defaults.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadSpecs } from '../../language/src/load-specs.js';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { serializeIr } from '../../compiler/src/cli/commands/compile.js';
import { checkText } from '../helpers/specs.js';
import { sharedData } from '../helpers/shared-data.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const BOHR = 0.529177210903;

async function lowerFile(path: string) {
    const { all } = await loadSpecs([path]);
    return lowerSpec(all.map((d) => d.parseResult.value));
}

it('orders the water functions exactly as n2p2 sorts the H2O RPBE-D3 potential', async () => {
    const ir = await lowerFile(join(EXAMPLES, 'water', 'model.nnp'));
    const oracle = JSON.parse(readFileSync(sharedData('n2p2', 'oracle', 'H2O_48.json'), 'utf8')) as { symfunctions: Record<string, string[]> };
    const lines = [...oracle.symfunctions['H']!, ...oracle.symfunctions['O']!];
    const model = ir.models[0]!;
    expect(model.elements.map((e) => e.symbol)).toEqual(['H', 'O']);
    const ours = model.descriptors.flatMap((d) => d.functions.map((f) => ({ element: d.element, f })));
    expect(ours).toHaveLength(57);
    expect(lines).toHaveLength(57);
    lines.forEach((line, i) => {
        const [, central, type, ...rest] = line.trim().split(/\s+/);
        const { element, f } = ours[i]!;
        expect([element, f.n2p2Type]).toEqual([central, Number(type)]);
        if (f.n2p2Type === 2) {
            const [e1, eta, rs, rc] = rest;
            expect(f.neighbors).toEqual([e1]);
            expect(f.eta! * BOHR * BOHR).toBeCloseTo(Number(eta), 12);
            expect(f.rshift! / BOHR).toBeCloseTo(Number(rs), 12);
            expect(f.cutoff!.radius / BOHR).toBeCloseTo(Number(rc), 12);
        } else {
            const [e1, e2, eta, lambda, zeta, rc] = rest;
            expect(f.neighbors).toEqual([e1, e2]);
            expect(f.eta! * BOHR * BOHR).toBeCloseTo(Number(eta), 12);
            expect([f.lambda, f.zeta]).toEqual([Number(lambda), Number(zeta)]);
            expect(f.cutoff!.radius / BOHR).toBeCloseTo(Number(rc), 12);
        }
    });
});

it('counts network parameters as n2p2 does (H 27-25-25-1 → 1376, O 30-25-25-1 → 1451)', async () => {
    const ir = await lowerFile(join(EXAMPLES, 'water', 'model.nnp'));
    expect(ir.models[0]!.networks.map((n) => [n.element, n.inputs, n.parameters])).toEqual([['H', 27, 1376], ['O', 30, 1451]]);
    expect(ir.models[0]!.networks[0]!.layers).toEqual([{ size: 25, activation: 'tanh' }, { size: 25, activation: 'tanh' }, { size: 1, activation: 'linear' }]);
    expect(ir.models[0]!.scaling).toEqual({ mode: 'scale_center', min: 0, max: 1 });
});

it('expands automatic radial grids (shifted: r_s on the grid, η = 1/2Δ²; centred: η = 1/2r²)', async () => {
    const doc = await checkText(`model m { element Ar cutoff cosine 6 A
        descriptors for Ar { radial Ar grid shifted 4 from 1 A to 4 A  radial Ar grid centered 3 from 1 A to 3 A }
        network for Ar { hidden 2 activation tanh } }`);
    const fs = lowerSpec(doc.parseResult.value).models[0]!.descriptors[0]!.functions;
    // shifted: Δ = 1 Å → η = 0.5/Å², r_s = 1..4 Å; centred: r = 1, 2, 3 Å → η = 1/2, 1/8, 1/18, r_s = 0.
    // n2p2 order sorts by η, then r_s.
    expect(fs.map((f) => [f.eta, f.rshift])).toEqual([[1 / 18, 0], [1 / 8, 0], [0.5, 0], [0.5, 1], [0.5, 2], [0.5, 3], [0.5, 4]]);
});

it('fills Stillinger–Weber silicon defaults and flattens potential sums', async () => {
    const doc = await checkText(`potential sw = stillinger_weber Si { }
        potential pair = lennard_jones Ar { epsilon 10.3 meV sigma 3.4 A cutoff 8.5 A shift }
        potential both = pair + axilrod_teller Ar { c9 1.0 eV*A^9 cutoff 6 A }`);
    const ir = lowerSpec(doc.parseResult.value);
    expect(ir.potentials[0]!.terms[0]!.params).toMatchObject({ epsilon: 2.1683, sigma: 2.0951, a: 1.8, lambda: 21, gamma: 1.2, p: 4, q: 0 });
    const both = ir.potentials[2]!;
    expect(both.terms.map((t) => t.kind)).toEqual(['lennard_jones', 'axilrod_teller']);
    expect(both.terms[0]!.params['epsilon']).toBeCloseTo(0.0103, 15);
    expect(both.terms[0]!.shift).toBe(true);
});

it('sorts angular pairs by atomic number and types before parameters', async () => {
    const doc = await checkText(`model m { element O element H cutoff cosine 6 A
        descriptors for O, H {
          angular narrow O H eta 0.01 /A^2 lambda 1 zeta 1
          radial O eta 0.5 /A^2
          radial H eta 0.5 /A^2
          angular wide H O eta 0.01 /A^2 lambda 1 zeta 1
        }
        network for O, H { hidden 2 activation tanh } }`);
    const model = lowerSpec(doc.parseResult.value).models[0]!;
    expect(model.elements.map((e) => e.symbol)).toEqual(['H', 'O']);
    expect(model.descriptors[0]!.functions.map((f) => [f.n2p2Type, ...f.neighbors])).toEqual([[2, 'H'], [2, 'O'], [3, 'H', 'O'], [9, 'H', 'O']]);
});

it('compiles to the same bytes twice, without absolute paths', async () => {
    const spec = join(EXAMPLES, 'silicon', 'model.nnp');
    const a = serializeIr(await lowerFile(spec));
    const b = serializeIr(await lowerFile(spec));
    expect(a).toBe(b);
    expect(a).not.toContain(EXAMPLES);
    expect(JSON.parse(a).datasets[0].split).toEqual({ train: 0.8, validation: 0.1, test: 0.1, seed: 7 });
});
