import { defineConfig } from 'vitest/config';

/**
 * Three projects, run in this order (sequence.groupOrder):
 *   unit         tests/unit/**        pure functions, node environment, parallel files
 *   integration  tests/integration/** the real server process (tests/support/server.ts)
 *   e2e          tests/e2e/**         real Chromium against the real server, one file at a time
 *
 * integration and e2e share a globalSetup that builds dist/ once if it is missing or stale
 * (server/build.mjs: an up-to-date dist/ is not rebuilt); e2e's also makes sure Debian's Chromium
 * is installed. `npm test` runs all three; `npm run test:unit|test:integration|test:e2e` one each.
 *
 * With CI set, the JSON reporter also writes test-results/vitest.json, which .ci/run summarises
 * with scripts/print-test-summary.mjs.
 */
const ci = Boolean(process.env.CI);

export default defineConfig({
  test: {
    reporters: ci ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
    // Two cores: never more than two test workers at once across projects.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/integration/support/globalSetup.ts'],
          // Some integration tests run a whole astro build (tests/integration/contentBuild.test.ts).
          testTimeout: 240_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/support/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time: files run one after another, tests in a file in order.
          fileParallelism: false,
          maxWorkers: 1,
          retry: 0,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
