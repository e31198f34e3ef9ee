import { existsSync } from 'node:fs';
import { UsageError } from '../core/errors/usage-error.js';
import { ensureVulnDb } from './default-db.js';
import { openVulnDb, type VulnDb } from './vuln-db.js';

/**
 * The DB a scan reads: the named file (which must exist: a typo must not scan against an empty DB and
 * report a clean bill of health), or the user's default DB, filled from the shipped snapshot on first use.
 */
export async function openScanDb(path?: string): Promise<VulnDb> {
  if (path === undefined) return ensureVulnDb();
  if (!existsSync(path))
    throw new UsageError(`no vulnerability DB at ${path} (create one with: vigil db import …)`);
  return openVulnDb(path);
}
