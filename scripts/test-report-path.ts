/** Where vitest writes its JSON report (git-ignored), read by scripts/check-test-report.ts. */
export const TEST_REPORT = '.cache/vitest-report.json';
