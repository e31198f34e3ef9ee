import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDbPath, ensureVulnDb } from '../src/vulndb/default-db.js';
import { openScanDb } from '../src/vulndb/scan-db.js';
import { openVulnDb, type VulnDb } from '../src/vulndb/vuln-db.js';
import { fromTestFixtures } from './bench-fixtures.js';
import type { BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { benchIngest, benchTemplatesOnly } from './service-ingest.js';
import { cachedListTemplates, listBenches } from './service-list-bench.js';
import { matchingScale } from './service-match-scale.js';
import { stallBench } from './service-stall.js';

const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
const CASES = ['ingest', 'list', 'stall', 'match-scale'] as const;
/** VIGIL_BENCH_SERVICE_CASES=stall,match-scale runs only those parts (default: all). */
const wanted = (c: (typeof CASES)[number]): boolean =>
  (process.env['VIGIL_BENCH_SERVICE_CASES'] ?? CASES.join(',')).split(',').includes(c);

/**
 * The service under load, through its real HTTP API: host inventories ingested (against the
 * in-process scan service), then GET /v1/findings with realistic filters over a million stored
 * findings on SQLite and on PostgreSQL (against GET /health in the same run); then the probe's case
 * of issue 10 (20 concurrent POSTs of 20k-package inventories while /health and another account's
 * GET /v1/findings are measured) and matching time by inventory size. Scale down with
 * VIGIL_BENCH_INVENTORIES, VIGIL_BENCH_FINDINGS, VIGIL_BENCH_STALL_POSTS, VIGIL_BENCH_STALL_PACKAGES and
 * VIGIL_BENCH_MATCH_SIZES (comma list); pick parts with VIGIL_BENCH_SERVICE_CASES; VIGIL_BENCH_LIST_ONLY=1
 * skips the ingest and reuses the cached loaded databases (service-list-cache.ts).
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
      const rows: BenchRow[] = await stallCases(vuln, scratch);
      if (!wanted('ingest') && !wanted('list')) return report(rows, notes);
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
      rows.push(...ingest.rows);
      if (!wanted('list')) return report(rows, notes);
      if (ingest.templates.length === 0) {
        notes.push('list bench skipped: the ingest bench produced no findings to model the data on');
      } else {
        const shape = { findings, requests, templates: ingest.templates };
        rows.push(...(await listBenches(scratch, shape, notes)));
      }
      return report(rows, notes);
    } finally {
      await vuln.db.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

/** Issue 10's stall case and matching by size, where wanted (they run before the ingest). */
async function stallCases(vuln: { db: VulnDb }, scratch: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (wanted('stall')) {
    const posts = env('VIGIL_BENCH_STALL_POSTS', 20);
    const packages = env('VIGIL_BENCH_STALL_PACKAGES', 20_000);
    const url = `sqlite:${join(scratch, 'stall.sqlite')}`;
    rows.push(...(await stallBench({ vuln: vuln.db, url, posts, packages })));
  }
  if (wanted('match-scale')) {
    const sizes = (process.env['VIGIL_BENCH_MATCH_SIZES'] ?? '10000,20000,40000,100000').split(',');
    rows.push(...(await matchingScale(vuln.db, sizes.map(Number))));
  }
  return rows;
}

function report(rows: BenchRow[], notes: string[]): BenchReport {
  return {
    title: 'service: real HTTP server on 127.0.0.1 (one run; the client shares the process)',
    rows,
    notes: [
      ...notes,
      'peak RSS: the whole bench process (server + client) so far; PostgreSQL backends not counted',
      'list rows: wall = p95 latency; the ratio is p95 over GET /health p95 of the same server',
      'ingest packages: a real dpkg status (this machine), 400 drawn per host; findings modelled on the ingest findings',
      'stall rows: npm hosts, 1 package in 40 named by an npm advisory of the DB, names repeating as in node_modules; ' +
        'the /health and GET figures are measured while the POSTs run, against the same requests on the idle server',
    ],
  };
}

/**
 * VIGIL_BENCH_VULNDB if set (an existing file: the same DB for runs of two trees), else the matching DB
 * the scan bench uses (imported from ../shared/data), else the shipped snapshot.
 */
export async function openBenchVulnDb(): Promise<{ db: VulnDb; path: string }> {
  const given = process.env['VIGIL_BENCH_VULNDB'];
  // openScanDb refuses a missing file: an empty DB made on the spot would bench matching nothing.
  if (given) return { db: await openScanDb(given), path: given };
  const r = fromTestFixtures(
    "import { matchingDbPath } from './test/matching/fixtures/matching-db.ts';" +
      'process.stdout.write(await matchingDbPath());',
  );
  if ('out' in r) return { db: await openVulnDb(r.out), path: r.out };
  const path = defaultDbPath();
  return { db: await ensureVulnDb(path), path: `${path} (shipped snapshot)` };
}
