import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ServiceDbError } from './service-db-error.js';
import { SERVER_BUSY_TIMEOUT_MS } from './service-db-defaults.js';
import type { ServiceDb } from './service-db.js';
import type { ServiceDatabase } from './service-db-schema.js';

/** Whether `url` names a DB a second connection can open (an in-memory SQLite DB is private). */
export function isShareableUrl(url: string | undefined): url is string {
  return url !== undefined && url !== 'sqlite::memory:' && url !== 'sqlite:';
}

/**
 * A connection for reading only, opened by a worker thread beside the process's own (reports built
 * off the event loop): SQLite read-only (WAL: it reads while the server writes), or a small
 * PostgreSQL pool. No migrations: the process that owns the DB ran them.
 */
export function openServiceDbReader(url: string): ServiceDb {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    // As in service-db.ts: a dropped idle connection must not end the worker thread.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const kysely = new Kysely<ServiceDatabase>({ dialect: new PostgresDialect({ pool }) });
    return { dialect: 'postgres', kysely, url, close: () => kysely.destroy() };
  }
  const path = url.slice('sqlite:'.length);
  try {
    const sqlite = new Database(path, { readonly: true, fileMustExist: true });
    sqlite.pragma(`busy_timeout = ${SERVER_BUSY_TIMEOUT_MS}`);
    const kysely = new Kysely<ServiceDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { dialect: 'sqlite', kysely, url, close: () => kysely.destroy() };
  } catch (err) {
    throw new ServiceDbError(`cannot open service DB ${path}: ${(err as Error).message}`, { path }, err);
  }
}
