import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REPORT } from '../../scripts/test-report-path.js';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');
const CHECK = join(REPO, 'scripts/check-test-report.ts');
let root: string;

/** The check script in `root`, as npm test runs it; exit code and output. */
async function check(env: Record<string, string>): Promise<{ code: number; out: string }> {
  const r = await run(process.execPath, ['--import', 'tsx', CHECK], {
    cwd: root,
    env: { ...process.env, ...env },
  }).then(
    (ok) => ({ code: 0, out: ok.stdout + ok.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      out: err.stdout + err.stderr,
    }),
  );
  return r;
}

beforeAll(async () => {
  // Inside the clone (git-ignored .cache/) so the scratch test file resolves `vitest`.
  mkdirSync(join(REPO, '.cache'), { recursive: true });
  root = mkdtempSync(join(REPO, '.cache', 'report-check-'));
  writeFileSync(
    join(root, 'vitest.config.ts'),
    `export default { test: { include: ['*.test.ts'], reporters: ['json'], outputFile: { json: '${TEST_REPORT}' } } };\n`,
  );
  writeFileSync(
    join(root, 'tool.test.ts'),
    [
      "import { it, expect } from 'vitest';",
      "it('runs', () => expect(1).toBe(1));",
      "it.runIf(false)('needs cargo', () => {});",
      "it.todo('later');",
      '',
    ].join('\n'),
  );
  await run(join(REPO, 'node_modules/.bin/vitest'), ['run', '--root', root], {
    cwd: root,
    env: { ...process.env, CI: '' },
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('check-test-report', () => {
  it('with CI=true, a run with a skipped or todo test fails and lists them', async () => {
    const r = await check({ CI: 'true' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('2 test(s) did not run; with CI=true that fails the run');
    expect(r.out).toContain('tool.test.ts > needs cargo [skipped]');
    expect(r.out).toContain('tool.test.ts > later [todo]');
  });

  it('without CI the same list is a warning', async () => {
    const r = await check({ CI: '' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('tool.test.ts > needs cargo [skipped]');
  });

  it('a missing report fails, CI or not', async () => {
    rmSync(join(root, TEST_REPORT));
    for (const ci of ['true', '']) {
      const r = await check({ CI: ci });
      expect(r.code).toBe(1);
      expect(r.out).toContain(`no vitest report at ${TEST_REPORT}`);
    }
  });
});
