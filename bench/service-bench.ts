import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDbPath, ensureVulnDb } from '../src/vulndb/default-db.js';
import { openVulnDb, type VulnDb } from '../src/vulndb/vuln-db.js';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { benchIngest, benchTemplatesOnly } from './service-ingest.js';
import { cachedListTemplates, listBenches } from './service-list-bench.js';

const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);

/**
 * The service under load, through its real HTTP API: host inventories ingested (against the
 * in-process scan service), then GET /v1/findings with realistic filters over a million stored
 * findings on SQLite and on PostgreSQL (against GET /health in the same run). Scale down with
 * VIGIL_BENCH_INVENTORIES and VIGIL_BENCH_FINDINGS for a quick run; VIGIL_BENCH_LIST_ONLY=1 skips the
 * ingest and reuses the cached loaded databases (service-list-cache.ts).
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
      // VIGIL_BENCH_LIST_ONLY=1: no ingest, only the scans the list bench's templates come from.
      const listOnly = process.env['VIGIL_BENCH_LIST_ONLY'] === '1';
      const cached = listOnly ? cachedListTemplates(findings) : undefined;
      if (cached) notes.push(`list-only: the data set of ${cached.dir}`);
      const ingest = cached
        ? { rows: [], templates: cached.templates }
        : await (listOnly ? benchTemplatesOnly : benchIngest)({
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
        rows.push(...(await listBenches(scratch, shape, notes)));
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
