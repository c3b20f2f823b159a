// Learning-rate schedules, evaluated once per epoch (epochs counted from 0):
//   constant     lr
//   exponential  lr · factor^epoch                                     (factor default 0.99)
//   cosine       lr_min + ½ (lr − lr_min)(1 + cos(π epoch/epochs))     (lr_min default lr/100)
//   plateau      lr, multiplied by factor (default 0.5) whenever the validation loss has not
//                improved for `patience` epochs (default 10), never below lr_min (default lr/1000)
import type { PlainIR } from '../../../compiler/src/ir/model-ir.js';

export interface ScheduleState {
    /** Current rate of the plateau schedule. */
    readonly plateauLr: number;
    /** Epochs since the plateau schedule last saw an improvement or reduced the rate. */
    readonly sinceImprovement: number;
    readonly best: number;
}

export class Schedule {
    readonly kind: string;
    private readonly factor: number;
    private readonly patience: number;
    private readonly minLr: number;

    constructor(ir: PlainIR, private readonly lr: number, private readonly epochs: number) {
        this.kind = (ir['kind'] as string | undefined) ?? 'constant';
        const defaultFactor = this.kind === 'exponential' ? 0.99 : 0.5;
        this.factor = (ir['factor'] as number | undefined) ?? defaultFactor;
        this.patience = (ir['patience'] as number | undefined) ?? 10;
        this.minLr = (ir['minLr'] as number | undefined) ?? (this.kind === 'cosine' ? lr / 100 : lr / 1000);
    }

    initialState(): ScheduleState {
        return { plateauLr: this.lr, sinceImprovement: 0, best: Infinity };
    }

    rate(epoch: number, state: ScheduleState): number {
        switch (this.kind) {
            case 'exponential':
                return this.lr * this.factor ** epoch;
            case 'cosine':
                return this.minLr + 0.5 * (this.lr - this.minLr) * (1 + Math.cos((Math.PI * epoch) / Math.max(1, this.epochs)));
            case 'plateau':
                return state.plateauLr;
            default:
                return this.lr;
        }
    }

    /** The state after an epoch whose validation (or training) loss was `loss`. */
    update(state: ScheduleState, loss: number): ScheduleState {
        if (loss < state.best) return { ...state, best: loss, sinceImprovement: 0 };
        const since = state.sinceImprovement + 1;
        if (this.kind === 'plateau' && since >= this.patience) {
            return { ...state, plateauLr: Math.max(this.minLr, state.plateauLr * this.factor), sinceImprovement: 0 };
        }
        return { ...state, sinceImprovement: since };
    }
}
