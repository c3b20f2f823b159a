// `hessian analytic`: the calculator's own second derivatives, where it has them.
import type { Structure } from '../../../../../runtime/src/structure.js';
import { CliError } from '../../cli-error.js';
import type { ProtocolContext } from './context.js';

export function hessianOf(ctx: ProtocolContext, calculator: string): (s: Structure) => Promise<Float64Array> {
    throw new CliError(`nnp run: '${ctx.run.name}': '${calculator}' has no analytic Hessian in this version; use 'hessian finite_difference'`);
}
