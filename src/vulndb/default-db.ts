import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot, shippedSnapshotDir } from './snapshot-load.js';
import { openVulnDb, type VulnDb } from './vuln-db.js';

/** Where vigil keeps its vulnerability DB: $VIGIL_DB, else the XDG cache dir. */
export function defaultDbPath(): string {
  const env = process.env['VIGIL_DB'];
  if (env) return env;
  const cache = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cache, 'vigil', 'vulndb.sqlite');
}

export interface EnsureOptions {
  /** Snapshot to load into a new DB (default: the one shipped in data/snapshot). */
  snapshotDir?: string;
  /** Do not load any snapshot into a new DB (tests that import their own data). */
  noSnapshot?: boolean;
  onProgress?: (table: string, rows: number) => void;
}

/**
 * Opens the DB, and when it holds no data yet, fills it from the shipped snapshot first, so
 * `vigil scan` works offline on a fresh machine. A snapshot that fails to load leaves no half DB:
 * the load is one transaction.
 */
export async function ensureVulnDb(
  path: string = defaultDbPath(),
  opts: EnsureOptions = {},
): Promise<VulnDb> {
  const db = await openVulnDb(path);
  // "Never loaded anything" rather than "file is new": a first load that died leaves an empty file.
  if (opts.noSnapshot || (await db.status()).length > 0) return db;
  const dir = opts.snapshotDir ?? shippedSnapshotDir();
  if (!existsSync(join(dir, 'manifest.json'))) return db;
  try {
    await loadSnapshot(db, dir, opts.onProgress);
  } catch (err) {
    // Two first runs at once: the loser's transaction fails (its read snapshot is stale) after the
    // winner committed; the data it wanted is there.
    if ((await db.status().catch(() => [])).length > 0) return db;
    await db.close();
    throw err;
  }
  return db;
}
