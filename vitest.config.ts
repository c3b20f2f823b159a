import { defineConfig } from 'vitest/config';

// Two suites: fast unit tests, and heavier end-to-end runs (CLI processes, WebGPU on lavapipe).
// Both run in CI (`npm test`).
export default defineConfig({
  test: {
    setupFiles: ['./test/setup-polyfill.ts'],
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
