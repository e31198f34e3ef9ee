import Database from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import pg from 'pg';
import { m0001ServiceInitial } from './migrations/m0001-service-initial.js';
import { m0002ServiceFeatures } from './migrations/m0002-service-features.js';
import { m0003FindingsListIndexes } from './migrations/m0003-findings-list-indexes.js';
import { m0004ConsoleTables } from './migrations/m0004-console-tables.js';
import {
  M0005_NAME,
  m0005WebhookSecretsSealed,
  scrubAfterSealing,
} from './migrations/m0005-webhook-secrets-sealed.js';
import { m0009RematchIndex } from './migrations/m0009-rematch-index.js';
import { m0006ResourceCoverage } from './migrations/m0006-resource-coverage.js';
import { m0007FindingsFilterIndexes } from './migrations/m0007-findings-filter-indexes.js';
import { m0011FindingStatusHistory } from './migrations/m0011-finding-status-history.js';
import { m0012RematchScale } from './migrations/m0012-rematch-scale.js';
import type { SecretBox } from './secret-box.js';
import { privateSqliteFiles } from './private-file.js';
import { m0008FleetCoverage } from './migrations/m0008-fleet-coverage.js';
import { m0010Inspector2Compat } from './migrations/m0010-inspector2-compat.js';
import { m0017NetworkReachability } from './migrations/m0017-network-reachability.js';
import { m0019VexDocuments } from './migrations/m0019-vex-documents.js';
import { m0020FindingsRangeIndexes } from './migrations/m0020-findings-range-indexes.js';
import { m0024CisScans } from './migrations/m0024-cis-scans.js';
import { m0026ClassicAssessments } from './migrations/m0026-classic-assessments.js';
import { m0028ComponentKeys } from './migrations/m0028-component-keys.js';
import { m0029QueuedUploads } from './migrations/m0029-queued-uploads.js';
import { m0030CisEvaluationQueue } from './migrations/m0030-cis-evaluation-queue.js';
import { m0031FindingDocuments } from './migrations/m0031-finding-documents.js';
import { m0032FindingResourceKey } from './migrations/m0032-finding-resource-key.js';
import { m0033FindingsDigests } from './migrations/m0033-findings-digests.js';
import { m0034InventoryPackagesCovering } from './migrations/m0034-inventory-packages-covering.js';
import { m0035InventoriesIndexVersion } from './migrations/m0035-inventories-index-version.js';
import { m0022ImageLayers } from './migrations/m0022-image-layers.js';
import { m0013Registries } from './migrations/m0013-registries.js';
import { m0021NetworkSettings } from './migrations/m0021-network-settings.js';
import { m0025AppliedObjects } from './migrations/m0025-applied-objects.js';
import { ServiceDbError } from './service-db-error.js';
import { DEFAULT_SERVICE_DB_URL, SERVER_BUSY_TIMEOUT_MS } from './service-db-defaults.js';
import { wellFormedSqlite } from './sqlite-well-formed.js';
import { SplitSqliteDialect } from './sqlite-split-dialect.js';
import type { ServiceDatabase } from './service-db-schema.js';

export type ServiceDialect = 'sqlite' | 'postgres';

export { DEFAULT_SERVICE_DB_URL };

export interface ServiceDb {
  readonly dialect: ServiceDialect;
  readonly kysely: Kysely<ServiceDatabase>;
  /** How it was opened: a worker thread opens its own read connection from it (service-db-reader.ts). */
  readonly url?: string;
  close(): Promise<void>;
}

/**
 * Every migration, in order, listed explicitly; each takes the dialect for the few non-portable bits,
 * and 0005 the server key (it seals the webhook secrets an older DB holds in plaintext).
 */
function migrationsFor(dialect: ServiceDialect, secrets: SecretBox | undefined): MigrationProvider {
  const all: Record<string, Migration> = {
    '0001-service-initial': m0001ServiceInitial(dialect),
    '0002-service-features': m0002ServiceFeatures(dialect),
    '0003-findings-list-indexes': m0003FindingsListIndexes(),
    '0004-console-tables': m0004ConsoleTables(),
    [M0005_NAME]: m0005WebhookSecretsSealed(secrets),
    '0006-resource-coverage': m0006ResourceCoverage(),
    '0007-findings-filter-indexes': m0007FindingsFilterIndexes(dialect),
    '0008-fleet-coverage': m0008FleetCoverage(),
    '0009-rematch-index': m0009RematchIndex(),
    '0010-inspector2-compat': m0010Inspector2Compat(),
    '0011-finding-status-history': m0011FindingStatusHistory(dialect),
    '0012-rematch-scale': m0012RematchScale(),
    '0013-registries': m0013Registries(),
    '0017-network-reachability': m0017NetworkReachability(),
    '0019-vex-documents': m0019VexDocuments(),
    '0020-findings-range-indexes': m0020FindingsRangeIndexes(),
    '0021-network-settings': m0021NetworkSettings(),
    '0022-image-layers': m0022ImageLayers(),
    '0024-cis-scans': m0024CisScans(),
    '0025-applied-objects': m0025AppliedObjects(),
    '0026-classic-assessments': m0026ClassicAssessments(),
    '0028-component-keys': m0028ComponentKeys(),
    '0029-queued-uploads': m0029QueuedUploads(),
    '0030-cis-evaluation-queue': m0030CisEvaluationQueue(),
    '0031-finding-documents': m0031FindingDocuments(),
    '0032-finding-resource-key': m0032FindingResourceKey(dialect),
    '0033-findings-digests': m0033FindingsDigests(),
    '0034-inventory-packages-covering': m0034InventoryPackagesCovering(dialect),
    '0035-inventories-index-version': m0035InventoriesIndexVersion(),
  };
  return { getMigrations: () => Promise.resolve(all) };
}

export interface OpenServiceDbOptions {
  url?: string;
  /** The server key; needed only to migrate a DB that still holds plaintext secrets (`vigil server`). */
  secrets?: SecretBox;
  /**
   * Stop after this migration (e.g. `0007-findings-filter-indexes`) instead of the latest: upgrade
   * tests build a DB as an older release left it, then reopen it to run the rest.
   */
  migrateUpTo?: string;
}

/** Opens `sqlite:PATH` (WAL) or `postgres://…` and brings the schema up to date. */
export async function openServiceDb({
  url = DEFAULT_SERVICE_DB_URL,
  secrets,
  migrateUpTo,
}: OpenServiceDbOptions = {}): Promise<ServiceDb> {
  const { dialect, kysely } = connect(url);
  const migrator = new Migrator({ db: kysely, provider: migrationsFor(dialect, secrets) });
  const { error, results } = await (migrateUpTo
    ? migrator.migrateTo(migrateUpTo)
    : migrator.migrateToLatest());
  if (error) {
    await kysely.destroy();
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new ServiceDbError(`cannot migrate service DB: ${reason}`, { dialect }, error);
  }
  if (results?.some((r) => r.migrationName === M0005_NAME && r.status === 'Success'))
    await scrubAfterSealing(kysely, dialect);
  return { dialect, kysely, url, close: () => kysely.destroy() };
}

function connect(url: string): { dialect: ServiceDialect; kysely: Kysely<ServiceDatabase> } {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // A connection the server drops (a restart, a failover) emits 'error': on the pool while idle, on
    // the client while checked out (between a transaction's queries). Unheard, either ends the process.
    // The query in flight fails on its own; the pool discards the dead client and opens a new one.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return {
      dialect: 'postgres',
      kysely: new Kysely<ServiceDatabase>({ dialect: new PostgresDialect({ pool }) }),
    };
  }
  if (!url.startsWith('sqlite:')) {
    throw new ServiceDbError('database URL must be sqlite:PATH or postgres://…', {
      scheme: url.split(':')[0],
    });
  }
  const path = url.slice('sqlite:'.length);
  try {
    if (path !== ':memory:') privateSqliteFiles(path);
    const sqlite = new Database(path);
    // WAL: API reads go on while a scan's lifecycle transaction writes.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${SERVER_BUSY_TIMEOUT_MS}`);
    sqlite.pragma('foreign_keys = ON');
    // A scan writes hundreds of findings, each into ~20 indexes, a few of them keyed by resource (random
    // places): with SQLite's default 2 MB page cache every insert read its index pages back from the
    // file, and a check-in's write took 3× as long at 60,000 findings. 64 MiB holds the hot pages.
    sqlite.pragma('cache_size = -65536');
    // Fresh planner statistics for this connection's queries (the list filters depend on them);
    // the retention sweep runs `PRAGMA optimize` again from time to time.
    sqlite.pragma('optimize=0x10002');
    const dialect =
      path === ':memory:'
        ? new SqliteDialect({ database: wellFormedSqlite(sqlite) })
        : splitDialect(path, sqlite);
    return { dialect: 'sqlite', kysely: new Kysely<ServiceDatabase>({ dialect }) };
  } catch (err) {
    throw new ServiceDbError(`cannot open service DB ${path}: ${(err as Error).message}`, { path }, err);
  }
}

/** Reads on their own connection beside the writer (sqlite-split-dialect.ts): WAL lets them run at once. */
function splitDialect(path: string, writer: Database.Database): SplitSqliteDialect {
  const reader = new Database(path, { readonly: true });
  reader.pragma(`busy_timeout = ${SERVER_BUSY_TIMEOUT_MS}`);
  return new SplitSqliteDialect(writer, reader);
}
