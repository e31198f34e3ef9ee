/**
 * `npm run data:snapshot`: imports every real feed in the shared data directory (default
 * ../shared/data, or $VIGIL_SHARED_DATA) into a scratch DB and writes the facts-only snapshot to
 * data/snapshot/, which `ensureVulnDb` loads on first use. Prints sizes and counts for the NOTICE/README.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SHARED_INPUTS, sharedDataBatches } from '../src/feeds/shared-data-feeds.js';
import { dumpSnapshot, sha256File } from '../src/vulndb/snapshot-dump.js';
import { openVulnDb } from '../src/vulndb/vuln-db.js';

const repo = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env['VIGIL_SHARED_DATA'] ?? join(repo, '..', 'shared', 'data'));
const outDir = join(repo, 'data', 'snapshot');

const scratch = mkdtempSync(join(tmpdir(), 'vigil-snapshot-'));
const db = await openVulnDb(join(scratch, 'vulndb.sqlite'));
try {
  const started = Date.now();
  const change = await db.import(await sharedDataBatches(dataDir));
  console.log(`imported in ${((Date.now() - started) / 1000).toFixed(1)} s:`, change.counts);
  console.log('invalid:', change.invalid, 'skipped parts:', change.skippedParts);
  const inputs = [];
  for (const i of SHARED_INPUTS)
    inputs.push({ path: i.path, sha256: await sha256File(join(dataDir, i.path)) });
  const manifest = await dumpSnapshot(db, outDir, inputs);
  let total = 0;
  for (const f of readdirSync(outDir)) {
    const size = statSync(join(outDir, f)).size;
    total += size;
    console.log(`${f.padEnd(28)} ${(size / 1e6).toFixed(2)} MB`);
  }
  console.log(`snapshot ${(total / 1e6).toFixed(2)} MB total`, manifest.tables);
} finally {
  await db.close();
  rmSync(scratch, { recursive: true, force: true });
}
