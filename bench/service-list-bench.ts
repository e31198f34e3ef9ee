import { sql } from 'kysely';
import type { Finding } from '../src/findings/finding-types.js';
import { openServiceDb } from '../src/store/service-db.js';
import { prefixBench } from './service-prefix-bench.js';
import type { BenchRow } from './bench-suite.js';
import { BENCH_NOW, fleetKeys, listenBench, peakRssKb } from './service-fleet.js';
import {
  cachedTemplates,
  loadedPostgres,
  loadedSqlite,
  type ListLoad,
  type LoadedDb,
} from './service-list-cache.js';
import { healthLatencies, percentile, requestMix, runMix, type ListRequest } from './service-list-latency.js';

export interface ListShape {
  findings: number;
  requests: number;
  templates: readonly Finding[];
}

const ACCOUNTS = 20;
const HOSTS = 5000;

/** The templates of the newest cached data set of `findings` rows (VIGIL_BENCH_LIST_ONLY), if any. */
export function cachedListTemplates(findings: number): ReturnType<typeof cachedTemplates> {
  return cachedTemplates({ findings, accounts: ACCOUNTS, resources: HOSTS });
}

/** VIGIL_BENCH_LIST_DBS=sqlite or =postgres runs the list bench on one backend only (default both). */
function wanted(backend: 'sqlite' | 'postgres'): boolean {
  return (process.env['VIGIL_BENCH_LIST_DBS'] ?? 'sqlite,postgres').split(',').includes(backend);
}

/**
 * GET /v1/findings over `s.findings` stored findings on SQLite and PostgreSQL. The loaded databases come
 * from the bench cache (service-list-cache.ts): built once per content, copied for every run.
 */
export async function listBenches(scratch: string, s: ListShape, notes: string[]): Promise<BenchRow[]> {
  const l: ListLoad = { templates: s.templates, findings: s.findings, accounts: ACCOUNTS, resources: HOSTS };
  const rows: BenchRow[] = [];
  if (wanted('sqlite')) rows.push(...(await listBench('SQLite', await loadedSqlite(scratch, l), s, notes)));
  if (wanted('postgres')) {
    const pg = await loadedPostgres(l);
    if ('error' in pg)
      rows.push({ workload: 'GET /v1/findings (PostgreSQL)', results: [], skipped: pg.error });
    else rows.push(...(await listBench('PostgreSQL', pg, s, notes)));
  }
  return rows;
}

async function listBench(
  backend: string,
  loaded: LoadedDb,
  s: ListShape,
  notes: string[],
): Promise<BenchRow[]> {
  try {
    notes.push(...loaded.notes);
    const t0 = process.hrtime.bigint();
    // Applies this tree's migrations newer than the cached schema, and (SQLite) PRAGMA optimize.
    const db = await openServiceDb({ url: loaded.url });
    const what = db.dialect === 'sqlite' ? 'pending migrations, PRAGMA optimize' : 'pending migrations';
    notes.push(`${backend}: opened (${what}) in ${seconds(t0)} s`);
    try {
      const fleet = await fleetKeys(db, loaded.accounts);
      const { app, base } = await listenBench(db);
      try {
        const mix = requestMix(
          s.templates,
          fleet,
          Math.max(1, Math.round(s.requests / 8)),
          new Date(BENCH_NOW),
        );
        await runMix(base, mix.slice(0, 8)); // warm-up: first connections, page cache
        const label = `${backend}, ${s.findings} findings`;
        // PREFIX before (substr) and after (byte range), on this database as the mix just found it.
        const prefix = (l: string): Promise<BenchRow[]> =>
          prefixBench(db, fleet.accounts, s.templates, `${backend}, ${l}`, notes);
        if (db.dialect === 'postgres') {
          // Autovacuum analyzes a table after such a load on its own; done here so the run is repeatable.
          await sql`ANALYZE`.execute(db.kysely);
          return [
            ...(await measureMix(base, mix, label, s.requests)),
            ...(await prefix(`${s.findings} findings`)),
          ];
        }
        // As the server opens the file (PRAGMA optimize's sampled statistics), then after a full ANALYZE.
        const rows = await measureMix(base, mix, `${label}, as opened`, s.requests);
        rows.push(...(await prefix(`${s.findings} findings, as opened`)));
        const t1 = process.hrtime.bigint();
        await sql`ANALYZE`.execute(db.kysely);
        notes.push(`${backend}: ANALYZE took ${seconds(t1)} s`);
        rows.push(...(await measureMix(base, mix, `${label}, after ANALYZE`, s.requests)));
        return [...rows, ...(await prefix(`${s.findings} findings, after ANALYZE`))];
      } finally {
        await app.close();
      }
    } finally {
      await db.close();
    }
  } finally {
    loaded.release();
  }
}

function seconds(since: bigint): string {
  return (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);
}

/** The mix one request at a time, and as many GET /health right before it as the baseline. */
async function measureMix(
  base: string,
  mix: readonly ListRequest[],
  label: string,
  n: number,
): Promise<BenchRow[]> {
  await healthLatencies(base, 20);
  const health = await healthLatencies(base, n);
  const byKind = await runMix(base, mix);
  const all = Object.values(byKind).flat();
  const healthP95 = percentile(health, 95);
  const rss = peakRssKb();
  const row = (workload: string, xs: number[]): BenchRow => ({
    workload,
    results: [
      { tool: 'vigil p95', wallMs: percentile(xs, 95), peakRssKb: rss, note: figures(xs) },
      { tool: 'GET /health p95', wallMs: healthP95, peakRssKb: rss, note: figures(health) },
    ],
  });
  return [
    row(`GET /v1/findings, all ${all.length} requests (${label})`, all),
    ...Object.entries(byKind).map(([kind, xs]) => row(`  ${kind}`, xs)),
  ];
}

function figures(xs: readonly number[]): string {
  const ms = (p: number): string => `${percentile(xs, p).toFixed(1)} ms`;
  return `n=${xs.length} p50 ${ms(50)} · p95 ${ms(95)} · max ${ms(100)}`;
}
