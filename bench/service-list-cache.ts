import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Finding } from '../src/findings/finding-types.js';
import { openServiceDb } from '../src/store/service-db.js';
import { seedOrganization } from './service-fleet.js';
import { fleetFinding, loadFindings, type LoadShape } from './service-findings-load.js';
import { postgresMissing, startBenchPostgres } from './service-postgres.js';

/**
 * Bump when the way a cached database is built changes in a way its rows do not show (the organization
 * seed, the PostgreSQL settings): older entries are then left unused.
 */
const CACHE_FORMAT = 'service-list-1';
const REPO = fileURLToPath(new URL('../', import.meta.url));

/** A loaded database ready for one run: a private copy of the cached one. */
export interface LoadedDb {
  url: string;
  accounts: string[];
  /** What the run reused or built, and how long that took. */
  notes: string[];
  /** Stops and deletes the copy (the cache entry stays). */
  release(): void;
}

export interface ListLoad {
  templates: readonly Finding[];
  findings: number;
  accounts: number;
  resources: number;
}

interface EntryMeta {
  /** The migrations the builder's code had applied: a newer tree migrates its copy forward. */
  migrations: string[];
  accounts: string[];
  rows: number;
  loadMs: number;
}

/** VIGIL_BENCH_CACHE, else `.cache/vigil-bench` in the clone (git-ignored). */
export function benchCacheDir(): string {
  return process.env['VIGIL_BENCH_CACHE'] ?? join(REPO, '.cache', 'vigil-bench');
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * What built the rows: the shape, every template as the loader turns it into a row, and the first
 * thousand rows themselves (placement, lifecycle, dates). Content, not source files, so a refactor that
 * loads the same rows keeps the cache, and anything that changes a row makes a new entry.
 */
export function loadKey(l: ListLoad, accounts: string[]): string {
  const shape: LoadShape = { findings: l.findings, accounts, resources: l.resources };
  const h = createHash('sha256').update(JSON.stringify({ CACHE_FORMAT, shape }));
  for (const t of l.templates) h.update(JSON.stringify(fleetFinding([t], shape, 0)));
  for (let i = 0; i < Math.min(1000, l.findings); i++)
    h.update(JSON.stringify(fleetFinding(l.templates, shape, i)));
  return h.digest('hex').slice(0, 24);
}

/** The migrations this tree applies, read from a fresh in-memory database. */
async function currentMigrations(): Promise<string[]> {
  const db = await openServiceDb({ url: 'sqlite::memory:' });
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      db.kysely,
    );
    return rows.map((r) => r.name);
  } finally {
    await db.close();
  }
}

/** The cached entry with the longest migration list this tree's list starts with (older schemas migrate). */
function findEntry(dir: string, backend: string, migrations: readonly string[]): string | undefined {
  if (!existsSync(dir)) return undefined;
  let best: { path: string; n: number } | undefined;
  for (const name of readdirSync(dir)) {
    const meta = join(dir, name, 'meta.json');
    if (!name.startsWith(`${backend}-`) || !existsSync(meta)) continue;
    const m = JSON.parse(readFileSync(meta, 'utf8')) as EntryMeta;
    const usable =
      m.migrations.length <= migrations.length && m.migrations.every((x, i) => x === migrations[i]);
    if (usable && (!best || m.migrations.length > best.n))
      best = { path: join(dir, name), n: m.migrations.length };
  }
  return best?.path;
}

interface LoadDirMeta {
  findings: number;
  accounts: number;
  resources: number;
}

/**
 * The templates of the newest cached data set of this size, if any. The templates come from scanning
 * this machine's dpkg status, which changes whenever a package is installed; VIGIL_BENCH_LIST_ONLY runs
 * reuse the data set the last run built, so their figures compare like with like.
 */
export function cachedTemplates(
  l: Omit<ListLoad, 'templates'>,
): { templates: Finding[]; dir: string } | undefined {
  const root = join(benchCacheDir(), 'service-list');
  if (!existsSync(root)) return undefined;
  let best: { dir: string; at: number } | undefined;
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const file = join(dir, 'templates.json');
    if (!existsSync(file) || !existsSync(join(dir, 'load.json'))) continue;
    const m = JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')) as LoadDirMeta;
    if (m.findings !== l.findings || m.accounts !== l.accounts || m.resources !== l.resources) continue;
    const at = statSync(file).mtimeMs;
    if (!best || at > best.at) best = { dir, at };
  }
  if (!best) return undefined;
  return {
    templates: JSON.parse(readFileSync(join(best.dir, 'templates.json'), 'utf8')) as Finding[],
    dir: best.dir,
  };
}

/** Records what a data set directory was made of, so a list-only run can find and reuse it. */
function describeLoadDir(dir: string, l: ListLoad): void {
  mkdirSync(dir, { recursive: true });
  const meta: LoadDirMeta = { findings: l.findings, accounts: l.accounts, resources: l.resources };
  writeFileSync(join(dir, 'templates.json'), JSON.stringify(l.templates));
  writeFileSync(join(dir, 'load.json'), JSON.stringify(meta));
}

async function entryFor(
  backend: 'sqlite' | 'postgres',
  l: ListLoad,
  build: (tmp: string, accounts: string[]) => Promise<{ loadMs: number }>,
): Promise<{ path: string; meta: EntryMeta; note: string }> {
  const accounts = Array.from({ length: l.accounts }, (_, i) => `acct-${String(i).padStart(2, '0')}`);
  const dir = join(benchCacheDir(), 'service-list', loadKey(l, accounts));
  const migrations = await currentMigrations();
  const found = findEntry(dir, backend, migrations);
  const metaOf = (p: string): EntryMeta =>
    JSON.parse(readFileSync(join(p, 'meta.json'), 'utf8')) as EntryMeta;
  if (found) return { path: found, meta: metaOf(found), note: `reused ${found}` };
  const path = join(dir, `${backend}-${sha(migrations.join('\n')).slice(0, 12)}`);
  const tmp = `${path}.build-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const { loadMs } = await build(tmp, accounts);
    const meta: EntryMeta = { migrations, accounts, rows: l.findings, loadMs };
    writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
    rmSync(path, { recursive: true, force: true });
    renameSync(tmp, path);
    describeLoadDir(dir, l);
    return {
      path,
      meta,
      note: `built ${path}: ${l.findings} rows loaded in ${(loadMs / 1000).toFixed(1)} s`,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function load(url: string, l: ListLoad, accounts: string[]): Promise<{ loadMs: number }> {
  const db = await openServiceDb({ url });
  try {
    const got = await seedOrganization(db, accounts.length);
    if (got.join() !== accounts.join()) throw new Error('bench organization changed: bump CACHE_FORMAT');
    const r = await loadFindings(db, l.templates, { findings: l.findings, accounts, resources: l.resources });
    return { loadMs: r.wallMs };
  } finally {
    await db.close();
  }
}

/** The loaded SQLite file (cached, else built and cached), copied into `scratch` for this run. */
export async function loadedSqlite(scratch: string, l: ListLoad): Promise<LoadedDb> {
  const entry = await entryFor('sqlite', l, (tmp, accounts) =>
    load(`sqlite:${join(tmp, 'list.sqlite')}`, l, accounts),
  );
  const copy = join(scratch, 'list.sqlite');
  const t = process.hrtime.bigint();
  copyFileSync(join(entry.path, 'list.sqlite'), copy);
  const copyS = (Number(process.hrtime.bigint() - t) / 1e9).toFixed(1);
  return {
    url: `sqlite:${copy}`,
    accounts: entry.meta.accounts,
    notes: [`SQLite: ${entry.note}; copied in ${copyS} s`],
    release: () => rmSync(copy, { force: true }),
  };
}

/** The loaded PostgreSQL data directory (cached, else built and cached), copied and started for this run. */
export async function loadedPostgres(l: ListLoad): Promise<LoadedDb | { error: string }> {
  const missing = postgresMissing();
  if (missing) return { error: missing };
  const entry = await entryFor('postgres', l, async (tmp, accounts) => {
    const pg = startBenchPostgres();
    if ('error' in pg) throw new Error(pg.error);
    try {
      const r = await load(pg.url, l, accounts);
      pg.stopAndKeep(join(tmp, 'pgdata'));
      return r;
    } catch (err) {
      pg.stop();
      throw err;
    }
  });
  const t = process.hrtime.bigint();
  const pg = startBenchPostgres({ from: join(entry.path, 'pgdata') });
  if ('error' in pg) return pg;
  const copyS = (Number(process.hrtime.bigint() - t) / 1e9).toFixed(1);
  return {
    url: pg.url,
    accounts: entry.meta.accounts,
    notes: [`PostgreSQL: ${entry.note}; copied and started in ${copyS} s`],
    release: () => pg.stop(),
  };
}
