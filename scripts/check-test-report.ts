/**
 * Reads vitest's JSON report after `vitest run` (npm test). With CI=true, any test that did not run
 * (skipped, todo, or switched off by skipIf/runIf) fails the run, listed one per line: a missing tool
 * must fail loudly, never pass as a skip. Without CI the same list is printed as a warning. A missing
 * report fails either way: the run did not finish, or the json reporter is not configured.
 *
 *   tsx scripts/check-test-report.ts          check the report
 *   tsx scripts/check-test-report.ts --clear  remove it (npm test does this before vitest runs)
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { TEST_REPORT } from './test-report-path.js';

interface AssertionResult {
  ancestorTitles: string[];
  title: string;
  status: string;
}
interface FileResult {
  name: string;
  status: string;
  assertionResults: AssertionResult[];
}
interface JsonReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  success: boolean;
  testResults: FileResult[];
}

const RAN = new Set(['passed', 'failed']);

/** `file > describe > test [status]` for every test that did not run. */
export function notRun(report: JsonReport, root: string): string[] {
  return report.testResults.flatMap((file) =>
    file.assertionResults
      .filter((a) => !RAN.has(a.status))
      .map(
        (a) => `${relative(root, file.name)} > ${[...a.ancestorTitles, a.title].join(' > ')} [${a.status}]`,
      ),
  );
}

function main(): number {
  const path = resolve(TEST_REPORT);
  if (process.argv.includes('--clear')) {
    rmSync(path, { force: true });
    return 0;
  }
  if (!existsSync(path)) {
    console.error(`check-test-report: no vitest report at ${TEST_REPORT}: the run did not finish.`);
    return 1;
  }
  const report = JSON.parse(readFileSync(path, 'utf8')) as JsonReport;
  if (report.numTotalTests === 0) {
    console.error(`check-test-report: ${TEST_REPORT} lists no tests.`);
    return 1;
  }
  const skipped = notRun(report, process.cwd());
  const ci = process.env['CI'] === 'true';
  if (skipped.length === 0) {
    console.log(`check-test-report: all ${report.numTotalTests} tests ran.`);
    return 0;
  }
  const head = ci
    ? `check-test-report: ${skipped.length} test(s) did not run; with CI=true that fails the run:`
    : `check-test-report: ${skipped.length} test(s) did not run (a failure when CI=true):`;
  console.error([head, ...skipped.map((s) => `  ${s}`)].join('\n'));
  return ci ? 1 : 0;
}

process.exitCode = main();
