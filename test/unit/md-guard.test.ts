// run-md.ts's guard hook with scripted guards: checked at the start and every `every` steps, `stop`
// ends the run at the step that trips (the log ends there, the summary says so), `warn` prints one line
// per episode and runs on, and a guard that never trips changes nothing in the run.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import type { PlainIR } from '../../compiler/src/ir/model-ir.js';
import { runMd, type MdGuard } from '../../runtime/src/md/run-md.js';
import { evaluatePotential } from '../../runtime/src/reference/potentials.js';
import { crystal } from '../../runtime/src/structures/crystal.js';
import type { Structure } from '../../runtime/src/structure.js';
import { checkText } from '../helpers/specs.js';

const lj = lowerSpec((await checkText('potential lj = lennard_jones Ar { epsilon 10.3 meV sigma 3.40 A cutoff 8.0 A shift }')).parseResult.value).potentials[0]!;
const start = crystal('fcc', 'Ar', 5.3, { supercell: [2, 2, 2] });
const items: PlainIR[] = [
    { type: 'Ensemble', kind: 'nvt', thermostat: 'langevin', temperature: 60, damping: 100 },
    { type: 'Timestep', value: 5 }, { type: 'Steps', value: 30 }, { type: 'Velocities', temperature: 40 }, { type: 'Seed', value: 3 },
];

/** A guard that trips at the given steps and records where it was asked. */
function scripted(action: 'warn' | 'stop', trips: (step: number) => boolean, every?: number): { guard: MdGuard; asked: number[]; seen: Structure[] } {
    const asked: number[] = [];
    const seen: Structure[] = [];
    return {
        asked, seen,
        guard: {
            action, ...(every ? { every } : {}),
            check: async (step, s) => {
                asked.push(step);
                seen.push(s);
                return { tripped: trips(step), message: `scripted trip at step ${step}` };
            },
        },
    };
}

async function run(guard?: MdGuard) {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-guard-'));
    const messages: string[] = [];
    const log = { path: join(dir, 'log.csv'), every: 1 };
    const trajectory = { path: join(dir, 'traj.extxyz'), every: 1 };
    const summary = await runMd({
        items, start, masses: new Float64Array(32).fill(39.948), calculator: async (s) => evaluatePotential(lj, s), log, trajectory,
        onMessage: (l) => messages.push(l), ...(guard ? { guard } : {}),
    });
    const steps = readFileSync(log.path, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    return { summary, messages, steps, trajectory: readFileSync(trajectory.path, 'utf8') };
}

describe('md guard', () => {
    it('stop: the run ends at the step that trips, the log and summary say so', async () => {
        const g = scripted('stop', (step) => step >= 7);
        const r = await run(g.guard);
        expect(g.asked).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(r.steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(r.summary).toMatchObject({ steps: 30, stoppedAt: 7, stopReason: 'scripted trip at step 7', guard: { action: 'stop', every: 1, checks: 8, trips: [{ step: 7, message: 'scripted trip at step 7' }] } });
        expect(r.messages).toEqual(['guard: step 7: scripted trip at step 7; the run stops here']);
        // the guard sees the structure of the step it checks (the trajectory's frame of that step)
        expect(g.seen[7]!.positions).not.toEqual(start.positions);
        expect(g.seen[0]!.positions).toEqual(start.positions);
    });

    it('stop at the start structure; every k steps', async () => {
        const r0 = await run(scripted('stop', () => true).guard);
        expect(r0.summary.stoppedAt).toBe(0);
        expect(r0.steps).toEqual([0]);
        const g = scripted('stop', (step) => step >= 10, 4);
        const r = await run(g.guard);
        expect(g.asked).toEqual([0, 4, 8, 12]);
        expect(r.summary.stoppedAt).toBe(12);
        expect(r.steps.at(-1)).toBe(12);
    });

    it('warn: one line per episode, the run goes on; a guard that never trips changes nothing', async () => {
        const g = scripted('warn', (step) => (step >= 5 && step <= 8) || step >= 20);
        const r = await run(g.guard);
        expect(r.summary.stoppedAt).toBeUndefined();
        expect(r.steps).toHaveLength(31);
        expect(r.messages).toEqual(['guard: warning: step 5: scripted trip at step 5', 'guard: warning: step 20: scripted trip at step 20']);
        expect(r.summary.guard).toEqual({ action: 'warn', every: 1, checks: 31, trips: [{ step: 5, message: 'scripted trip at step 5' }, { step: 20, message: 'scripted trip at step 20' }] });
        const quiet = await run(scripted('warn', () => false).guard);
        const none = await run();
        expect(quiet.trajectory).toBe(none.trajectory);
        const { stepsPerSecond: _a, guard: _g, ...a } = quiet.summary;
        const { stepsPerSecond: _b, ...b } = none.summary;
        expect(a).toEqual(b);
    });
});
