import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { VulnDbError } from './vuln-db-error.js';
import type { ChangeSet, FeedBatch } from './import-types.js';
import { KyselyVulnStore } from './kysely-vuln-store.js';
import type { VulnDatabase } from './vuln-db-schema.js';
import { vulnDbMigrations } from './vuln-db-migrations.js';
import { importBatches, type ImportOptions } from './vuln-importer.js';
import type { VulnStore } from './vuln-types.js';
import { importsAfter, latestImportSeq, vulnDbIdentity, type ImportLogEntry } from './import-log.js';

export interface FeedStatus {
  feed: string;
  importedAt: string;
  dataDate?: string;
  recordCount: number;
  rowCount: number;
  lastChange: Record<string, unknown>;
}

/** An open vulnerability DB: the read side for matchers (`store`) and the write side for importers. */
export interface VulnDb {
  readonly path: string;
  readonly store: VulnStore;
  /** For code in src/vulndb and src/feeds only; everything else goes through `store`. */
  readonly kysely: Kysely<VulnDatabase>;
  /** Imports feed batches atomically (one transaction); see vuln-importer.ts. */
  import(batches: readonly FeedBatch[], opts?: ImportOptions): Promise<ChangeSet>;
  status(): Promise<FeedStatus[]>;
  /** The import log: what changed, in commit order, whoever imported it (see import-log.ts). */
  importsAfter(seq: number, limit?: number): Promise<ImportLogEntry[]>;
  latestImportSeq(): Promise<number>;
  /** This DB file's identity (`meta.db_id`): a copy of the file shares it, another DB does not. */
  identity(): Promise<string>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens (creating if needed) a SQLite vulnerability DB at `path` and brings its schema up to date. */
export async function openVulnDb(path: string): Promise<VulnDb> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path);
    // WAL: scans keep reading the previous data while an import's transaction is open.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    // A snapshot load or a full import holds the write lock for tens of seconds: wait, do not fail.
    sqlite.pragma('busy_timeout = 120000');
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('temp_store = MEMORY');
  } catch (err) {
    throw new VulnDbError(`cannot open vulnerability DB ${path}: ${(err as Error).message}`, { path }, err);
  }
  const kysely = new Kysely<VulnDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(kysely, path);
  return makeVulnDb(path, kysely);
}

async function migrate(kysely: Kysely<VulnDatabase>, path: string): Promise<void> {
  const { error } = await new Migrator({ db: kysely, provider: vulnDbMigrations }).migrateToLatest();
  if (error) {
    await kysely.destroy();
    throw new VulnDbError(
      `cannot migrate vulnerability DB ${path}: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { path },
      error,
    );
  }
}

function makeVulnDb(path: string, kysely: Kysely<VulnDatabase>): VulnDb {
  return {
    path,
    store: path === ':memory:' ? new KyselyVulnStore(kysely) : new KyselyVulnStore(kysely, resolve(path)),
    kysely,
    import: (batches, opts) => importBatches(kysely, batches, opts),
    importsAfter: (seq, limit) => importsAfter(kysely, seq, limit),
    latestImportSeq: () => latestImportSeq(kysely),
    identity: () => vulnDbIdentity(kysely),
    status: async () => {
      const rows = await kysely.selectFrom('feed_status').selectAll().orderBy('feed').execute();
      return rows.map((r) => {
        const s: FeedStatus = {
          feed: r.feed,
          importedAt: r.imported_at,
          recordCount: Number(r.record_count),
          rowCount: Number(r.row_count),
          lastChange: JSON.parse(r.last_change) as Record<string, unknown>,
        };
        if (r.data_date !== null) s.dataDate = r.data_date;
        return s;
      });
    },
    getMeta: async (key) => {
      const row = await kysely.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },
    setMeta: async (key, value) => {
      await kysely
        .insertInto('meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
    close: () => kysely.destroy(),
  };
}
