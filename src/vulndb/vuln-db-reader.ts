import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyVulnStore } from './kysely-vuln-store.js';
import { VulnDbError } from './vuln-db-error.js';
import type { VulnDatabase } from './vuln-db-schema.js';
import type { VulnStore } from './vuln-types.js';

export interface VulnDbReader {
  readonly store: VulnStore;
  /**
   * SQLite's `data_version` on this connection: it changes whenever another connection has committed
   * to the DB since the last call (an import), so a memo of what was read knows when to forget.
   */
  generation(): number;
  close(): Promise<void>;
}

/**
 * A read-only connection to an existing vulnerability DB, for a worker thread that matches off the
 * event loop: no migration (the process that owns the DB ran them), no write, and WAL lets it read
 * while an import writes.
 */
export function openVulnDbReader(file: string): VulnDbReader {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
    // An import's checkpoint can hold the file briefly: wait rather than fail a scan.
    sqlite.pragma('busy_timeout = 120000');
    sqlite.pragma('cache_size = -65536');
  } catch (err) {
    throw new VulnDbError(
      `cannot open vulnerability DB ${file}: ${(err as Error).message}`,
      { path: file },
      err,
    );
  }
  const kysely = new Kysely<VulnDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    store: new KyselyVulnStore(kysely, file),
    generation: () => sqlite.pragma('data_version', { simple: true }) as number,
    close: () => kysely.destroy(),
  };
}
