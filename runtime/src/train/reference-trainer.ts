// The float64 CPU path of training (`nnp train --backend reference`, and the baseline of the
// training benchmark): the same batches, loss and Adam update as the GPU kernels, in double precision.
import type { AdamSettings, SplitErrors } from './gpu-trainer.js';
import type { ParameterLayout } from './parameter-layout.js';
import { referenceLoss, type LossWeights } from './reference-loss.js';
import type { TrainingStructure } from './training-set.js';

export class ReferenceTrainer {
    private w: Float64Array;
    private m: Float64Array;
    private v: Float64Array;
    private readonly stats: Float64Array[];

    constructor(readonly layout: ParameterLayout, private readonly sigma: number, private readonly sets: readonly (readonly TrainingStructure[])[]) {
        this.w = new Float64Array(layout.total);
        this.m = new Float64Array(layout.total);
        this.v = new Float64Array(layout.total);
        this.stats = sets.map((s) => new Float64Array(2 * s.length));
    }

    setState(weights: ArrayLike<number>, m?: ArrayLike<number>, v?: ArrayLike<number>): void {
        this.w = Float64Array.from(weights);
        this.m = m ? Float64Array.from(m) : new Float64Array(this.layout.total);
        this.v = v ? Float64Array.from(v) : new Float64Array(this.layout.total);
    }

    async weights(): Promise<Float64Array> {
        return Float64Array.from(this.w);
    }

    async state(): Promise<{ weights: Float64Array; m: Float64Array; v: Float64Array }> {
        return { weights: Float64Array.from(this.w), m: Float64Array.from(this.m), v: Float64Array.from(this.v) };
    }

    step(batch: readonly number[], weights: LossWeights, adam?: AdamSettings & { step: number }): void {
        const g = new Float64Array(this.layout.total);
        referenceLoss(this.layout, this.w, this.sets[0]!, batch, weights, this.sigma, g, undefined, this.stats[0]);
        if (!adam) return;
        if (adam.gradientDescent) {
            // gradient descent (with momentum β₁ as an exponential average): w ← w − lr m, m ← β₁m + (1−β₁)g
            for (let q = 0; q < g.length; q++) {
                this.m[q] = adam.beta1 * this.m[q]! + (1 - adam.beta1) * g[q]!;
                this.w[q]! -= adam.lr * this.m[q]!;
            }
            return;
        }
        const c1 = 1 - adam.beta1 ** adam.step;
        const c2 = Math.sqrt(1 - adam.beta2 ** adam.step);
        const lr = (adam.lr * c2) / c1;
        const eps = adam.epsilon * c2;
        for (let q = 0; q < g.length; q++) {
            this.m[q] = adam.beta1 * this.m[q]! + (1 - adam.beta1) * g[q]!;
            this.v[q] = adam.beta2 * this.v[q]! + (1 - adam.beta2) * g[q]! * g[q]!;
            this.w[q]! -= (lr * this.m[q]!) / (Math.sqrt(this.v[q]!) + eps);
        }
    }

    evaluate(k: number): void {
        const set = this.sets[k]!;
        if (set.length === 0) return;
        referenceLoss(this.layout, this.w, set, set.map((_, i) => i), { energy: 0, forces: 0 }, this.sigma, undefined, undefined, this.stats[k]);
    }

    async errors(k: number): Promise<SplitErrors> {
        const set = this.sets[k]!;
        const st = this.stats[k]!;
        return {
            energyPerAtom: Float64Array.from({ length: set.length }, (_, s) => st[2 * s]!),
            forceSq: Float64Array.from({ length: set.length }, (_, s) => st[2 * s + 1]!),
            atoms: Int32Array.from(set, (s) => s.atoms.length),
        };
    }

    destroy(): void {}
}
