import { defineConfig } from 'vitest/config';
import { TEST_REPORT } from './scripts/test-report-path.js';

// Two cores: two forks. Real fixtures (debootstrap, registries, rpm) are slow, so timeouts are generous;
// no test asserts on time.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // The JSON report is what `npm test` checks afterwards: in CI a skipped or todo test fails the run
    // (scripts/check-test-report.ts).
    reporters: ['default', 'json'],
    outputFile: { json: TEST_REPORT },
  },
});
