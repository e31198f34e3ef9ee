import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { startPostgres, type PrivatePostgres } from '../fixtures/postgres.js';

export interface FreshOptions {
  /**
   * PostgreSQL: the new database's default collation is this ICU locale (`en-US` sorts "a" < "B" < "b",
   * as most real deployments' en_US.UTF-8 does) instead of the cluster's C.UTF-8. SQLite has one order.
   */
  icuLocale?: string;
  /** Leave the DB at this migration (an upgrade test's older release), not the latest. */
  migrateUpTo?: string;
}

/** One storage backend a contract suite runs against: `fresh()` gives an empty, migrated DB. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  setup(): Promise<void>;
  fresh(opts?: FreshOptions): Promise<{ db: ServiceDb; url: string }>;
  teardown(): Promise<void>;
}

const upTo = (opts: FreshOptions): { migrateUpTo?: string } =>
  opts.migrateUpTo ? { migrateUpTo: opts.migrateUpTo } : {};

export function sqliteBackend(): Backend {
  let dir = '';
  let n = 0;
  return {
    name: 'sqlite',
    setup: () => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-svcdb-'));
      return Promise.resolve();
    },
    fresh: async (opts = {}) => {
      const url = `sqlite:${join(dir, `db-${++n}.sqlite`)}`;
      return { db: await openServiceDb({ url, ...upTo(opts) }), url };
    },
    teardown: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/** A private cluster per test file; each `fresh()` is a new database in it (CREATE DATABASE is fast). */
export function postgresBackend(): Backend {
  let cluster: PrivatePostgres | undefined;
  let n = 0;
  return {
    name: 'postgres',
    setup: async () => {
      cluster = await startPostgres();
    },
    fresh: async (opts = {}) => {
      if (!cluster) throw new Error('postgres backend not set up');
      const name = `vigil_${++n}`;
      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      const icu = opts.icuLocale
        ? ` LOCALE_PROVIDER icu ICU_LOCALE '${opts.icuLocale.replace(/[^A-Za-z0-9-]/g, '')}' TEMPLATE template0`
        : '';
      await admin.query(`CREATE DATABASE ${name}${icu}`);
      await admin.end();
      const url = cluster.url.replace('/postgres?', `/${name}?`);
      return { db: await openServiceDb({ url, ...upTo(opts) }), url };
    },
    teardown: () => {
      cluster?.stop();
      return Promise.resolve();
    },
  };
}

export const BACKENDS = [sqliteBackend, postgresBackend];
