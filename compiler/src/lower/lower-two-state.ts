// Lowers the two-state (excited-state) items: `surface … = two_state`, `states`, `fit`, `scan`.
import type { Fit, Scan, Spec, States, Surface, TwoStateGrid } from '../../../language/src/generated/ast.js';
import { toInternal } from '../../../language/src/quantities.js';
import type { TwoStateGridIR, TwoStateIR } from '../ir/model-ir.js';
import { stripUndefined } from './lower-model.js';
import { lowerOptimizer } from './lower-spec.js';

/** Defaults of the two_state surface (eV, Å): see runtime/src/excited/two-state.ts. */
export const TWO_STATE_DEFAULTS: Readonly<Record<string, number>> = { k: 1, a: 0.5, offset: 0.2, c: 0.5 };

function grid(g: TwoStateGrid): TwoStateGridIR {
    return { x: [toInternal(g.xFrom), toInternal(g.xTo)], y: [toInternal(g.yFrom), toInternal(g.yTo)], nx: g.nx, ny: g.ny };
}

const DEFAULT_GRID: TwoStateGridIR = { x: [-1, 1], y: [-1, 1], nx: 21, ny: 21 };

/** `{ twoState }` when the spec has two-state items, else `{}` (the IR of other specs is unchanged). */
export function lowerTwoState(items: Spec['items']): { twoState?: TwoStateIR } {
    const surfaces = items.filter((i): i is Surface => i.$type === 'Surface');
    const models = items.filter((i): i is States => i.$type === 'States');
    const fits = items.filter((i): i is Fit => i.$type === 'Fit');
    const scans = items.filter((i): i is Scan => i.$type === 'Scan');
    if (surfaces.length + models.length + fits.length + scans.length === 0) return {};
    return {
        twoState: {
            surfaces: surfaces.map((s) => {
                const params: Record<string, number> = { ...TWO_STATE_DEFAULTS };
                for (const p of s.params) params[p.name] = toInternal(p.value);
                return { name: s.name, kind: 'two_state' as const, params };
            }),
            models: models.map((m) => ({
                name: m.name, representation: m.representation,
                hidden: m.sizes.length > 0 ? [...m.sizes] : [16, 16], activation: m.activation ?? 'tanh',
            })),
            fits: fits.map((f) => {
                const find = <T extends string>(type: T) => f.items.find((i) => i.$type === type) as Extract<Fit['items'][number], { $type: T }> | undefined;
                const g = find('TwoStateGrid');
                return stripUndefined({
                    model: f.model.$refText, surface: f.reference.$refText,
                    grid: g ? grid(g) : DEFAULT_GRID,
                    optimizer: lowerOptimizer(find('Optimizer'), false),
                    epochs: find('Epochs')?.value ?? 300, batch: find('Batch')?.value ?? 16, seed: find('Seed')?.value ?? 0,
                    save: find('SaveWeights')?.path,
                });
            }),
            scans: scans.map((s) => {
                const g = s.items.find((i): i is TwoStateGrid => i.$type === 'TwoStateGrid');
                const out = s.items.find((i) => i.$type === 'OutputDir') as { path: string } | undefined;
                return stripUndefined({
                    name: s.name, models: s.models.map((m) => m.$refText), surface: s.reference.$refText,
                    grid: g ? grid(g) : DEFAULT_GRID, output: out?.path,
                });
            }),
        },
    };
}
