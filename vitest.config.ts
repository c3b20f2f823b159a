import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two suites: fast unit tests, and heavier end-to-end runs (CLI processes, WebGPU on lavapipe).
// Both run in CI (`npm test`).
export default defineConfig({
  test: {
    setupFiles: ['./test/setup-polyfill.ts'],
    pool: 'forks',
    // At least two test files at a time, also on 2 cores (vitest's default there is one): much of
    // an end-to-end test is single-threaded (process start, JS float64 work, waiting on the queue),
    // so two files share the cores better than one does. Timeouts leave room for that sharing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 } },
    ],
  },
});
