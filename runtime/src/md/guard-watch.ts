// A run's guard (MdGuard, run-md.ts) as every MD engine applies it: checked on the start structure and
// every `every` steps; `warn` prints one line per trip episode (the first failing check after a passing
// one), `stop` ends the run at the step; the summary gets the checks and the first step of each episode.
import type { Structure } from '../structure.js';
import type { MdGuard } from './run-md.js';

export class GuardWatch {
    readonly every: number;
    private readonly trips: { step: number; message: string }[] = [];
    private checks = 0;
    private tripping = false;
    private stop: { step: number; message: string } | undefined;

    constructor(private readonly guard: MdGuard | undefined, private readonly onMessage?: (line: string) => void) {
        this.every = Math.max(1, Math.floor(guard?.every ?? 1));
    }

    /** Whether the guard looks at this step. */
    due(step: number): boolean {
        return !!this.guard && (step === 0 || step % this.every === 0);
    }

    /** Checks the structure at this step (when due); true when the run must stop here. */
    async check(step: number, structure: () => Structure | Promise<Structure>): Promise<boolean> {
        if (!this.guard || !this.due(step)) return false;
        this.checks++;
        const verdict = await this.guard.check(step, await structure());
        if (!verdict.tripped) {
            this.tripping = false;
            return false;
        }
        if (!this.tripping && this.trips.length < 20) this.trips.push({ step, message: verdict.message });
        if (this.guard.action === 'stop') {
            this.stop = { step, message: verdict.message };
            this.onMessage?.(`guard: step ${step}: ${verdict.message}; the run stops here`);
            return true;
        }
        if (!this.tripping) this.onMessage?.(`guard: warning: step ${step}: ${verdict.message}`);
        this.tripping = true;
        return false;
    }

    /** The summary's guard fields. */
    summary() {
        return {
            ...(this.stop ? { stoppedAt: this.stop.step, stopReason: this.stop.message } : {}),
            ...(this.guard ? { guard: { action: this.guard.action, every: this.every, checks: this.checks, trips: this.trips } } : {}),
        };
    }
}
