import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openServiceDb } from '../src/store/service-db.js';
import type { BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { copyBenchVulnDb } from './fleet-bench.js';
import { burstRows } from './scaleout-burst.js';
import {
  changeSet,
  cloneDb,
  dbUrl,
  fmtLat,
  seedFleetDb,
  timedImport,
  type SeededFleet,
} from './scaleout-fleet.js';
import { BenchProcess, cpuDelta, findPostmaster, peakRssOf, sampleCpu } from './scaleout-procs.js';
import { startBenchPostgres, type BenchPostgres } from './service-postgres.js';

const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);

/**
 * Issue 17's load figures on PostgreSQL with real processes: `vigil server --role api`, `--role
 * scheduler` and 1 then 2 `vigil worker`s (`--job-queue pg-boss`, one shared `--db` file), each run on
 * its own copy of one seeded service DB. Fleet re-match: N stored hosts (VIGIL_BENCH_SCALEOUT_HOSTS,
 * default 1000), an admin upload of the same OSV change set (VIGIL_BENCH_SCALEOUT_ADVISORIES, default
 * 100) through POST /v1/vulnerability-db/imports, timed until pg-boss has completed every batch it
 * caused; the 2-worker row's ratio is against the 1-worker run. Then, on the 2-worker deployment, the
 * burst of check-ins (scaleout-burst.ts; VIGIL_BENCH_BURST_HOSTS=0 leaves it out). Jobs per worker:
 * VIGIL_BENCH_SCALEOUT_CONCURRENCY. Every figure comes with each process's CPU and the load average.
 */
export const scaleoutBench: BenchSuite = {
  name: 'scaleout',
  description:
    'PostgreSQL + pg-boss, real api/scheduler/worker processes: re-match with 1 vs 2 workers, check-in burst',
  async run(): Promise<BenchReport> {
    const title = 'scaleout: api + scheduler + N workers on PostgreSQL (pg-boss), separate processes';
    const cluster = startBenchPostgres();
    if ('error' in cluster)
      return { title, rows: [{ workload: 'scale-out', results: [], skipped: cluster.error }], notes: [] };
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-scaleout-'));
    try {
      return await runAll(cluster, scratch, title);
    } finally {
      cluster.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

async function runAll(cluster: BenchPostgres, scratch: string, title: string): Promise<BenchReport> {
  const hosts = env('VIGIL_BENCH_SCALEOUT_HOSTS', 1000);
  const advisories = env('VIGIL_BENCH_SCALEOUT_ADVISORIES', 100);
  const notes: string[] = [
    `load average at start (1, 5, 15 min): ${loadText()}`,
    `jobs per worker at once: ${process.env['VIGIL_BENCH_SCALEOUT_CONCURRENCY'] ?? 'the default (cores, at least 2)'}`,
  ];
  const vulnFile = join(scratch, 'vulndb.sqlite');
  notes.push(`vulnerability DB: a copy of ${await copyBenchVulnDb(vulnFile)}`);
  await createDb(cluster.url, 'fleet_seed');
  const t = Date.now();
  const fleet = await seedFleetDb(dbUrl(cluster.url, 'fleet_seed'), vulnFile, hosts);
  notes.push(
    `seeded ${hosts} hosts of 400 packages in ${((Date.now() - t) / 1000).toFixed(0)} s (not measured)`,
  );
  const postmaster = findPostmaster(new URL(cluster.url).searchParams.get('host') ?? '');
  const rows: BenchRow[] = [];
  let single: { wallMs: number; cpuMs: number; peakRssKb: number } | undefined;
  for (const workers of [1, 2]) {
    const name = `fleet_w${workers}`;
    await cloneDb(cluster.url, 'fleet_seed', name);
    const vuln = join(scratch, `vulndb-w${workers}.sqlite`);
    copyFileSync(vulnFile, vuln);
    const d = await deploy(dbUrl(cluster.url, name), vuln, scratch, workers, fleet, postmaster);
    try {
      const before = d.cpu();
      const load0 = loadText();
      const run = await timedImport(d, d.pool, changeSet(fleet, advisories, 1, 'fleet'));
      const used = cpuDelta(before, d.cpu());
      single ??= { wallMs: run.wallMs, cpuMs: used.total * 1000, peakRssKb: d.rss() };
      notes.push(
        `${workers} worker(s): load average before ${load0}, after ${loadText()}; CPU ${used.text}; ` +
          `the import's GET said COMPLETED after ${(run.apiCompletedMs / 1000).toFixed(1)} s`,
      );
      rows.push({
        workload: `${hosts} hosts: re-match after a ${advisories}-advisory upload, ${workers} worker(s)`,
        results: [
          {
            tool: `${workers} worker(s)`,
            wallMs: run.wallMs,
            cpuMs: used.total * 1000,
            peakRssKb: d.rss(),
            note:
              `${run.jobs} batches, ${run.hosts} hosts (${(run.hosts / (run.wallMs / 1000)).toFixed(1)}/s), ` +
              `${run.findingsCreated} findings · enqueue→start ${fmtLat(run.queued)}` +
              (run.failed > 0 ? ` · ${run.failed} batches NOT completed` : ''),
          },
          ...(workers > 1 && single !== undefined
            ? [{ tool: '1 worker', ...single, note: 'the run above' }]
            : []),
        ],
      });
      if (workers === 2 && env('VIGIL_BENCH_BURST_HOSTS', 1000) > 0)
        rows.push(...(await burstRows(d, fleet, notes)));
    } finally {
      await d.stop();
    }
  }
  notes.push(
    'CPU: user + system of every process of the deployment (api, scheduler, workers, and the PostgreSQL cluster with its ended backends) during the measurement',
    'peak RSS: the largest of the vigil processes (VmHWM)',
    `load average at the end: ${loadText()}`,
  );
  return { title, rows, notes };
}

function loadText(): string {
  return loadavg()
    .map((x) => x.toFixed(1))
    .join(', ');
}

async function createDb(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

interface Deployment {
  base: string;
  pool: pg.Pool;
  kysely: Awaited<ReturnType<typeof openServiceDb>>['kysely'];
  key: string;
  cpu(): ReturnType<typeof sampleCpu>;
  rss(): number;
  stop(): Promise<void>;
}

/** The api, the scheduler (acting) and `workers` workers, started as an operator starts them. */
async function deploy(
  url: string,
  vuln: string,
  scratch: string,
  workers: number,
  fleet: SeededFleet,
  postmaster: number,
): Promise<Deployment> {
  const common = [
    ...['--database', url, '--db', vuln, '--secret-key-file', join(scratch, 'secret.key')],
    ...['--job-queue', 'pg-boss', '--rate-limit-per-minute', '1000000000'],
    // Jobs each worker runs at once (default: the server's, cores and at least 2).
    ...(process.env['VIGIL_BENCH_SCALEOUT_CONCURRENCY']
      ? ['--scan-concurrency', process.env['VIGIL_BENCH_SCALEOUT_CONCURRENCY']]
      : []),
  ];
  const procs: BenchProcess[] = [];
  const start = (name: string, args: string[]): BenchProcess => {
    const p = new BenchProcess(name, args);
    procs.push(p);
    return p;
  };
  try {
    const api = start('api', ['server', '--role', 'api', '--host', '127.0.0.1', '--port', '0', ...common]);
    const base = await api.waitFor(/listening on (http:\/\/\S+)/, 180_000);
    await start('scheduler', ['server', '--role', 'scheduler', ...common]).waitFor(
      /scheduler: acting/,
      180_000,
    );
    for (let i = 1; i <= workers; i++)
      await start(`worker-${i}`, ['worker', ...common]).waitFor(/started \(role worker/, 180_000);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    const db = await openServiceDb({ url });
    return {
      base,
      key: fleet.adminKey,
      pool,
      kysely: db.kysely,
      cpu: () => sampleCpu(procs, postmaster),
      rss: () => Math.max(...procs.map((p) => peakRssOf(p.pid))),
      stop: async () => {
        await pool.end();
        await db.close();
        await Promise.all(procs.map((p) => p.stop()));
      },
    };
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop()));
    throw err;
  }
}
