// `hessian analytic`: the calculator's own second derivatives, where it has them. The analytic
// reference potentials have them (second-order forward mode, reference/potentials.ts); models
// (HDNNPs) do not yet, and say so.
import type { PotentialIR } from '../../../ir/model-ir.js';
import { potentialHessian } from '../../../../../runtime/src/reference/potentials.js';
import type { Structure } from '../../../../../runtime/src/structure.js';
import { CliError } from '../../cli-error.js';
import type { ProtocolContext } from './context.js';

/** The analytic potential of the spec named `calculator`, or undefined for a model. */
export function analyticPotential(ctx: Pick<ProtocolContext, 'ir'>, calculator: string): PotentialIR | undefined {
    return ctx.ir.potentials.find((p) => p.name === calculator);
}

/** The Hessian (3N × 3N, eV/Å²) of the named calculator at a structure's positions. */
export function hessianOf(ctx: Pick<ProtocolContext, 'ir' | 'run'>, calculator: string): (s: Structure) => Promise<Float64Array> {
    const potential = analyticPotential(ctx, calculator);
    if (!potential) {
        throw new CliError(`nnp run: '${ctx.run.name}': '${calculator}' is a model; its analytic Hessian is not available in this version: use 'hessian finite_difference'`);
    }
    return async (s) => potentialHessian(potential, s);
}
