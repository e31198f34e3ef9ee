import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, REPO, buildCli } from '../cli/built-cli.js';
import { buildFixture } from '../fixtures/fixture-build.js';
import { testCacheDir } from '../fixtures/test-cache.js';

const run = promisify(execFile);

/**
 * The vulnerability DB a fresh install makes from the shipped snapshot (data/snapshot), made the
 * product's way (the CLI fills $VIGIL_DB from the snapshot on first use) and cached under
 * ~/.cache/vigil-test/vulndb-snapshot/<hash of the manifest>.sqlite. Treat it as read-only: copy it to change it.
 */
export async function snapshotVulnDb(): Promise<string> {
  await buildCli();
  const manifest = readFileSync(join(REPO, 'data/snapshot/manifest.json'));
  const key = createHash('sha256').update(manifest).digest('hex').slice(0, 16);
  const path = join(testCacheDir('vulndb-snapshot'), `${key}.sqlite`);
  if (existsSync(path)) return path;
  return buildFixture(`vulndb-snapshot-${key}`, async () => {
    if (existsSync(path)) return path;
    const partial = `${path}.partial`;
    rmSync(partial, { force: true });
    const empty = mkdtempSync(join(tmpdir(), 'vigil-empty-'));
    try {
      await run(process.execPath, [BIN, 'scan', 'fs', empty, '-f', 'json'], {
        env: { ...process.env, VIGIL_DB: partial },
        maxBuffer: 64 * 1024 * 1024,
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    for (const side of ['-wal', '-shm']) rmSync(`${partial}${side}`, { force: true });
    renameSync(partial, path);
    return path;
  });
}
