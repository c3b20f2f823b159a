// Writes a model IR back as readable .nnp text, in the length and energy units the user chose
// (e.g. bohr and Ha for a potential fitted in atomic units). Used by `nnp import n2p2`.
import type { ModelIR, NetworkIR, SymmetryFunctionIR } from '../ir/model-ir.js';

export interface SpecUnits {
    /** Unit symbol and its size in Å / eV. */
    readonly length: { readonly symbol: string; readonly factor: number };
    readonly energy: { readonly symbol: string; readonly factor: number };
}

export const ANGSTROM_EV: SpecUnits = { length: { symbol: 'A', factor: 1 }, energy: { symbol: 'eV', factor: 1 } };

/** 15 significant digits: what the source file said, without float noise from unit conversion. */
export function formatNumber(x: number): string {
    if (x === 0) return '0';
    return String(Number(x.toPrecision(15)));
}

const DEG = 180 / Math.PI;
const CORE_NAME: Readonly<Record<string, string>> = { p1: 'poly1', p2: 'poly2', p3: 'poly3', p4: 'poly4', e: 'exp' };

export function writeModelSpec(model: ModelIR, units: SpecUnits, header: readonly string[] = []): string {
    const L = units.length;
    const E = units.energy;
    const len = (x: number) => `${formatNumber(x / L.factor)} ${L.symbol}`;
    const out: string[] = [...header.map((h) => `// ${h}`), `model ${model.name} {`];
    for (const e of model.elements) {
        const energy = e.energyOffset !== 0 ? ` energy ${formatNumber(e.energyOffset / E.factor)} ${E.symbol}` : '';
        out.push(`  element ${e.symbol} mass ${formatNumber(e.mass)} amu${energy}`);
    }
    const cutoffs = model.descriptors.flatMap((d) => d.functions.flatMap((f) => (f.cutoff ? [f.cutoff] : [])));
    const main = cutoffs[0];
    if (main) out.push(`  cutoff ${main.kind} ${len(main.radius)}${main.inner ? ` inner ${formatNumber(main.inner)}` : ''}`);
    for (const d of model.descriptors) {
        // functions whose cutoff kind or inner fraction differs from the model's go into their own block
        const blocks = new Map<string, SymmetryFunctionIR[]>();
        for (const f of d.functions) {
            const key = f.cutoff && main && (f.cutoff.kind !== main.kind || f.cutoff.inner !== main.inner) ? `${f.cutoff.kind} ${f.cutoff.inner}` : '';
            blocks.set(key, [...(blocks.get(key) ?? []), f]);
        }
        for (const [key, functions] of blocks) {
            out.push('', `  descriptors for ${d.element} {`);
            let radius = main?.radius;
            if (key) {
                const c = functions[0]!.cutoff!;
                radius = c.radius;
                out.push(`    cutoff ${c.kind} ${len(c.radius)}${c.inner ? ` inner ${formatNumber(c.inner)}` : ''}`);
            }
            for (const f of functions) out.push(`    ${functionLine(f, units, radius)}`);
            out.push('  }');
        }
    }
    out.push('');
    for (const group of groupNetworks(model.networks)) out.push(`  ${networkLine(group)}`);
    const s = model.scaling;
    const range = s.mode === 'none' || s.mode === 'center' ? '' : ` range ${formatNumber(s.min)} to ${formatNumber(s.max)}`;
    out.push(`  scaling ${s.mode}${range}`);
    const n = model.normalization;
    if (n.kind === 'auto') out.push('  normalization auto');
    if (n.kind === 'fixed') {
        out.push(`  normalization {`);
        out.push(`    mean_energy ${formatNumber(n.meanEnergy / E.factor)} ${E.symbol}`);
        out.push(`    conv_energy ${formatNumber(n.convEnergy * E.factor)} /${E.symbol}`);
        out.push(`    conv_length ${formatNumber(n.convLength * L.factor)} /${L.symbol}`);
        out.push('  }');
    }
    if (model.weights) out.push(`  weights ${JSON.stringify(model.weights)}`);
    out.push('}', '');
    return out.join('\n');
}

function functionLine(f: SymmetryFunctionIR, units: SpecUnits, blockRadius: number | undefined): string {
    const L = units.length;
    const len = (x: number) => `${formatNumber(x / L.factor)} ${L.symbol}`;
    const eta = () => `eta ${formatNumber((f.eta ?? 0) * L.factor * L.factor)} /${L.symbol}^2`;
    const rs = () => `rshift ${len(f.rshift ?? 0)}`;
    const rc = f.cutoff && f.cutoff.radius !== blockRadius ? ` cutoff ${len(f.cutoff.radius)}` : '';
    const ang = () => `lambda ${formatNumber(f.lambda!)} zeta ${formatNumber(f.zeta!)}`;
    const shape = () => `shape ${CORE_NAME[f.subtype!.replace(/a$/, '')]}${f.subtype!.endsWith('a') ? ' asymmetric' : ''}`;
    const window = () => `from ${len(f.low!)} to ${len(f.high!)}`;
    const angles = () => `angle ${formatNumber(f.angleLow! * DEG)} deg to ${formatNumber(f.angleHigh! * DEG)} deg`;
    const nb = f.neighbors.join(' ');
    switch (f.kind) {
        case 'radial': return `radial ${nb} ${eta()} ${rs()}${rc}`;
        case 'radial-weighted': return `radial weighted ${eta()} ${rs()}${rc}`;
        case 'angular-narrow': return `angular narrow ${nb} ${eta()} ${ang()} ${rs()}${rc}`;
        case 'angular-wide': return `angular wide ${nb} ${eta()} ${ang()} ${rs()}${rc}`;
        case 'angular-narrow-weighted': return `angular narrow weighted ${eta()} ${ang()} ${rs()}${rc}`;
        case 'compact-radial': return `radial compact ${nb} ${window()} ${shape()}`;
        case 'compact-radial-weighted': return `radial compact weighted ${window()} ${shape()}`;
        case 'compact-angular-narrow': return `angular compact narrow ${nb} ${window()} ${angles()} ${shape()}`;
        case 'compact-angular-wide': return `angular compact wide ${nb} ${window()} ${angles()} ${shape()}`;
        case 'compact-angular-narrow-weighted': return `angular compact narrow weighted ${window()} ${angles()} ${shape()}`;
        case 'compact-angular-wide-weighted': return `angular compact wide weighted ${window()} ${angles()} ${shape()}`;
    }
}

function architecture(n: NetworkIR): string {
    return JSON.stringify({ l: n.layers, z: n.normalizeNodes });
}

function groupNetworks(networks: readonly NetworkIR[]): NetworkIR[][] {
    const groups = new Map<string, NetworkIR[]>();
    for (const n of networks) groups.set(architecture(n), [...(groups.get(architecture(n)) ?? []), n]);
    return [...groups.values()];
}

function networkLine(group: readonly NetworkIR[]): string {
    const n = group[0]!;
    const hidden = n.layers.slice(0, -1);
    const output = n.layers.at(-1)!.activation;
    const parts = hidden.length === 0
        ? ['linear']
        : [`hidden ${hidden.map((l) => l.size).join(' ')}`, `activation ${hidden.every((l) => l.activation === hidden[0]!.activation) ? hidden[0]!.activation : hidden.map((l) => l.activation).join(' ')}`];
    if (output !== 'linear') parts.push(`output ${output}`);
    if (n.normalizeNodes) parts.push('normalize_nodes');
    return `network for ${group.map((g) => g.element).join(', ')} { ${parts.join(' ')} }`;
}
