// One entry for the optimize protocol (and rank's `relax`): a method by name on a structure, with
// or without its cell.
import type { Calculator } from '../md/run-md.js';
import type { Structure } from '../structure.js';
import { minimizeCg } from './cg.js';
import { minimizeFire } from './fire.js';
import { finiteDifferenceHessian } from './hessian.js';
import { minimizeLbfgs } from './lbfgs.js';
import { minimizeNewton } from './newton.js';
import { cellObjective, positionsObjective } from './objective.js';
import type { OptimizeResult, OptimizeSettings } from './optimizer.js';

export type Method = 'fire' | 'lbfgs' | 'cg' | 'newton';

export interface MinimizeOptions extends OptimizeSettings {
    readonly method: Method;
    readonly relaxCell?: boolean;
    /** Newton: the Hessian of the calculator, or undefined for central differences of the forces. */
    readonly hessian?: (s: Structure) => Promise<Float64Array>;
    /** Newton with central differences: the displacement (Å). */
    readonly displacement?: number;
}

export function minimize(start: Structure, calculator: Calculator, o: MinimizeOptions): Promise<OptimizeResult> {
    const objective = o.relaxCell ? cellObjective(start, calculator) : positionsObjective(start, calculator);
    switch (o.method) {
        case 'fire':
            return minimizeFire(objective, o);
        case 'lbfgs':
            return minimizeLbfgs(objective, o);
        case 'cg':
            return minimizeCg(objective, o);
        case 'newton': {
            const analytic = o.hessian;
            if (analytic && o.relaxCell) throw new Error('newton with relax_cell uses finite differences of the forces and stress (hessian finite_difference)');
            return minimizeNewton(objective, o, analytic
                ? (x) => analytic({ ...start, positions: x })
                : (x) => finiteDifferenceHessian(objective, x, o.displacement ?? 1e-3));
        }
    }
}
