// Lowering of `material` and `constitutive` statements (continuum constitutive models).
import type { ConstitutiveModel, Material, Optimizer } from '../../../language/src/generated/ast.js';
import { toInternal } from '../../../language/src/quantities.js';
import { PASCAL_EV_PER_A3 } from '../../../language/src/units.js';
import type { ConstitutiveIR, MaterialIR } from '../ir/model-ir.js';

/** Internal pressure (eV/Å³) → GPa, the unit the constitutive runtime works in. */
const GPA = 1e9 * PASCAL_EV_PER_A3;

export function lowerMaterial(m: Material): MaterialIR {
    return {
        name: m.name, kind: 'neo_hookean',
        shear: m.shear ? toInternal(m.shear) / GPA : 1,
        bulk: m.bulk ? toInternal(m.bulk) / GPA : 3,
    };
}

/**
 * Defaults: hidden 16 16 softplus (smooth: the tangent ∂S/∂E exists everywhere), 500 states up to
 * strain 0.1 with 20 % held out, Adam lr 1e-2 (cosine decay) for 300 epochs of batches of 32.
 */
export function lowerConstitutive(c: ConstitutiveModel, lowerOptimizer: (o: Optimizer | undefined, allLinear: boolean) => ConstitutiveIR['optimizer']): ConstitutiveIR {
    const find = <T extends string>(type: T) => c.items.find((i) => i.$type === type) as (Extract<ConstitutiveModel['items'][number], { $type: T }> | undefined);
    const net = find('ConstitutiveNetwork');
    const data = find('StrainStates');
    const optimizer = lowerOptimizer(find('Optimizer'), false);
    const explicitLr = find('Optimizer')?.options.some((o) => o.name === 'lr');
    return {
        name: c.name,
        kind: c.kind as ConstitutiveIR['kind'],
        hidden: net?.sizes.length ? [...net.sizes] : [16, 16],
        activation: net?.activation ?? 'softplus',
        data: {
            material: data?.material.$refText ?? '',
            strain: data?.amount ?? 0.1,
            states: data?.count ?? 500,
            test: data?.test ? data.test.value / 100 : 0.2,
            seed: data?.seed ?? 0,
        },
        optimizer: optimizer.kind === 'adam' && !explicitLr ? { ...optimizer, options: { ...optimizer.options, lr: 1e-2 } } : optimizer,
        epochs: find('Epochs')?.value ?? 300,
        batch: find('Batch')?.value ?? 32,
        seed: find('Seed')?.value ?? 0,
        save: find('SaveWeights')?.path ?? `out/${c.name}.constitutive.json`,
    };
}
