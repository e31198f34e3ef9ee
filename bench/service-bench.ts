import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Finding } from '../src/findings/finding-types.js';
import { openServiceDb } from '../src/store/service-db.js';
import { defaultDbPath, ensureVulnDb } from '../src/vulndb/default-db.js';
import { openVulnDb, type VulnDb } from '../src/vulndb/vuln-db.js';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { BENCH_NOW, listenBench, peakRssKb, seedFleet } from './service-fleet.js';
import { loadFindings } from './service-findings-load.js';
import { benchIngest } from './service-ingest.js';
import { healthLatencies, percentile, requestMix, runMix, type ListRequest } from './service-list-latency.js';
import { startBenchPostgres } from './service-postgres.js';

const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);

/**
 * The service under load, through its real HTTP API: host inventories ingested (against the
 * in-process scan service), then GET /v1/findings with realistic filters over a million stored
 * findings on SQLite and on PostgreSQL (against GET /health in the same run). Scale down with
 * VIGIL_BENCH_INVENTORIES and VIGIL_BENCH_FINDINGS for a quick run.
 */
export const serviceBench: BenchSuite = {
  name: 'service',
  description:
    'vigil server: inventory ingest over HTTP, GET /v1/findings over 1M findings (SQLite, PostgreSQL)',
  async run(): Promise<BenchReport> {
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-service-'));
    const vuln = await openBenchVulnDb();
    const inventories = env('VIGIL_BENCH_INVENTORIES', 1000);
    const findings = env('VIGIL_BENCH_FINDINGS', 1_000_000);
    const requests = env('VIGIL_BENCH_LIST_REQUESTS', 200);
    const notes = [`vulnerability DB: ${vuln.path}`];
    try {
      const ingest = await benchIngest({
        store: vuln.db.store,
        url: `sqlite:${join(scratch, 'ingest.sqlite')}`,
        backend: 'SQLite',
        inventories,
        packagesPerHost: 400,
        accounts: 20,
        baselineSample: Math.min(100, inventories),
        concurrency: 4,
      });
      const rows: BenchRow[] = [...ingest.rows];
      if (ingest.templates.length === 0) {
        notes.push('list bench skipped: the ingest bench produced no findings to model the data on');
      } else {
        const shape = { findings, requests, templates: ingest.templates };
        rows.push(...(await listBench('SQLite', `sqlite:${join(scratch, 'list.sqlite')}`, shape, notes)));
        const pg = startBenchPostgres();
        if ('error' in pg)
          rows.push({ workload: 'GET /v1/findings (PostgreSQL)', results: [], skipped: pg.error });
        else {
          try {
            rows.push(...(await listBench('PostgreSQL', pg.url, shape, notes)));
          } finally {
            pg.stop();
          }
        }
      }
      return {
        title: 'service: real HTTP server on 127.0.0.1 (one run; the client shares the process)',
        rows,
        notes: [
          ...notes,
          'peak RSS: the whole bench process (server + client) so far; PostgreSQL backends not counted',
          'list rows: wall = p95 latency; the ratio is p95 over GET /health p95 of the same server',
          'packages: a real dpkg status (this machine), 400 drawn per host; findings modelled on the ingest findings',
        ],
      };
    } finally {
      await vuln.db.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

interface ListShape {
  findings: number;
  requests: number;
  templates: readonly Finding[];
}

async function listBench(backend: string, url: string, s: ListShape, notes: string[]): Promise<BenchRow[]> {
  const db = await openServiceDb({ url });
  const fleet = await seedFleet(db, 20);
  const load = await loadFindings(db, s.templates, {
    findings: s.findings,
    accounts: fleet.accounts,
    resources: 5000,
  });
  notes.push(
    `${backend}: loaded ${load.rows} findings over 5000 hosts in 20 accounts in ${(load.wallMs / 1000).toFixed(1)} s ` +
      `(${Math.round(load.rows / (load.wallMs / 1000))} rows/s)`,
  );
  const { app, base } = await listenBench(db);
  try {
    const mix = requestMix(s.templates, fleet, Math.max(1, Math.round(s.requests / 8)), new Date(BENCH_NOW));
    await runMix(base, mix.slice(0, 8)); // warm-up: first connections, page cache
    if (db.dialect === 'postgres') {
      // Autovacuum analyzes a table after such a load on its own; done here so the run is repeatable.
      await sql`ANALYZE`.execute(db.kysely);
      return await measureMix(base, mix, `${backend}, ${load.rows} findings`, s.requests);
    }
    // The server never runs ANALYZE on SQLite: measured as it leaves the file, then with statistics.
    const rows = await measureMix(base, mix, `${backend} without ANALYZE, ${load.rows} findings`, s.requests);
    const t = process.hrtime.bigint();
    await sql`ANALYZE`.execute(db.kysely);
    notes.push(`${backend}: ANALYZE took ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`);
    return [...rows, ...(await measureMix(base, mix, `${backend} after ANALYZE`, s.requests))];
  } finally {
    await app.close();
    await db.close();
  }
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

/** The matching DB the scan bench uses (imported from ../shared/data), else the shipped snapshot. */
export async function openBenchVulnDb(): Promise<{ db: VulnDb; path: string }> {
  const r = fromTestFixtures(
    "import { matchingDbPath } from './test/matching/fixtures/matching-db.ts';" +
      'process.stdout.write(await matchingDbPath());',
  );
  if ('out' in r) return { db: await openVulnDb(r.out), path: r.out };
  const path = defaultDbPath();
  return { db: await ensureVulnDb(path), path: `${path} (shipped snapshot)` };
}
