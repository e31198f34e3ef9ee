import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));

/**
 * Runs a snippet of the test fixture code (TypeScript under test/, through tsx) and returns what it
 * printed: bench and tests then share one fixture cache and key scheme without a copy of that code.
 * A failure comes back as `{ error }` with the first line of stderr, so the bench skips the row.
 */
export function fromTestFixtures(script: string): { out: string } | { error: string } {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20 * 60_000,
    });
    return { out: out.trim() };
  } catch (err) {
    return { error: String((err as { stderr?: string }).stderr ?? err).split('\n')[0] ?? '' };
  }
}
