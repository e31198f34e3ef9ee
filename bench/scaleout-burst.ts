import type pg from 'pg';
import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../src/store/service-db-schema.js';
import type { BenchRow } from './bench-suite.js';
import { enrollAll, prepared } from './checkin-bench.js';
import { runLoad, type LoadResult } from './checkin-load.js';
import {
  batchJobs,
  changeSet,
  fmtLat,
  latencies,
  timedImport,
  type ImportRun,
  type SeededFleet,
} from './scaleout-fleet.js';
import { cpuDelta, type CpuSample } from './scaleout-procs.js';
import { hostInventory } from './service-inventories.js';

const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);

export interface BurstDeployment {
  base: string;
  key: string;
  pool: pg.Pool;
  kysely: Kysely<ServiceDatabase>;
  /** CPU seconds per process of the deployment (and of PostgreSQL) now. */
  cpu(): CpuSample;
  rss(): number;
}

/**
 * Issue 17's burst: N enrolled hosts (default 1,000) send a changed inventory at once (every request
 * open together; a 503 SERVER_BUSY is sent again after its Retry-After, as the agent does), while an
 * import's re-match batches go through pg-boss. Against, in the same run: GET /health sent the same
 * way, and the same kind of import with no burst. Queue latency comes from pg-boss's job rows.
 */
export async function burstRows(
  d: BurstDeployment,
  fleet: SeededFleet,
  notes: string[],
): Promise<BenchRow[]> {
  const hosts = env('VIGIL_BENCH_BURST_HOSTS', 1000);
  const size = env('VIGIL_BENCH_BURST_PACKAGES', 40);
  const advisories = env('VIGIL_BENCH_BURST_ADVISORIES', 20);
  const keys = await enrollAll(d.base, d.kysely, fleet.accountId, hosts);
  const requests = keys.map((key, i) => prepared(key, hostInventory(fleet.base, 100_000 + i, size), true));
  const spec = { base: d.base, requests, rounds: 1, concurrency: hosts, retryBusy: true };

  const health = await measured(d, () => runLoad({ ...spec, path: '/health', method: 'GET' }));
  const quiet = await measured(d, () => timedImport(d, d.pool, changeSet(fleet, advisories, 11, 'quiet')));
  const burst = await measured(d, async () => {
    const t0 = Date.now();
    const load = runLoad({ ...spec, path: '/v1/agent/checkin' });
    // The import goes in once the burst has started to arrive, so its batches meet it.
    await new Promise((r) => setTimeout(r, 500));
    const run = await timedImport(d, d.pool, changeSet(fleet, advisories, 12, 'burst'));
    const answered = await load;
    // The CPU row covers the matching too: on the queue it goes on after the answers.
    return { load: answered, run, matched: await matchedAfter(d, t0) };
  });
  const matched = burst.value.matched;
  const otherJobs = await jobsByType(d.pool, burst.t0);
  notes.push(
    `burst: ${hosts} hosts, ${size} packages each (gzip JSON as the agent sends it), all ${hosts} requests open at once`,
    `burst: pg-boss jobs sent from its start, by type: ${JSON.stringify(otherJobs)}`,
    `burst CPU: ${burst.cpuText}; /health burst CPU: ${health.cpuText}; quiet import CPU: ${quiet.cpuText}`,
  );
  return [
    {
      workload: `${hosts} changed check-ins at once: time to done from the burst's start`,
      results: [
        loadResult('check-ins', burst.value.load, burst, d.rss()),
        loadResult('GET /health ×' + String(hosts), health.value, health, d.rss()),
      ],
    },
    {
      workload: `the same ${hosts} check-ins matched by the workers (inventory-match jobs)`,
      results: [matchedResult(matched, d.rss())],
    },
    {
      workload: `re-match batches of a ${advisories}-advisory import: queue latency during the burst`,
      results: [
        importResult('during the burst', burst.value.run, undefined, d.rss()),
        importResult('no burst', quiet.value, quiet, d.rss()),
      ],
    },
  ];
}

interface Measured<T> {
  value: T;
  t0: number;
  wallMs: number;
  cpuS: number;
  cpuText: string;
}

async function measured<T>(d: BurstDeployment, work: () => Promise<T>): Promise<Measured<T>> {
  const before = d.cpu();
  const t0 = Date.now();
  const value = await work();
  const wallMs = Date.now() - t0;
  const used = cpuDelta(before, d.cpu());
  return { value, t0, wallMs, cpuS: used.total, cpuText: used.text };
}

function loadResult(
  tool: string,
  r: LoadResult,
  m: Measured<unknown>,
  rss: number,
): BenchRow['results'][number] {
  const ok = r.statuses['200'] ?? 0;
  return {
    tool,
    wallMs: r.wallMs,
    cpuMs: m.cpuS * 1000,
    peakRssKb: rss,
    note:
      `${ok}/${r.sent} 200, ${r.retried} 503 sent again · done ${fmtLat(latencies(r.doneAtMs))} · ` +
      `${(r.sent / (r.wallMs / 1000)).toFixed(r.sent / r.wallMs < 0.01 ? 1 : 0)}/s` +
      (ok === r.sent ? '' : ` · NOT 200: ${JSON.stringify(r.statuses)}`),
  };
}

function importResult(
  tool: string,
  r: ImportRun,
  m: Measured<unknown> | undefined,
  rss: number,
): BenchRow['results'][number] {
  return {
    tool,
    wallMs: r.wallMs,
    ...(m ? { cpuMs: m.cpuS * 1000 } : {}),
    peakRssKb: rss,
    note:
      (m ? '' : 'CPU: in the check-ins row · ') +
      `${r.jobs} jobs, ${r.hosts} hosts · enqueue→start ${fmtLat(r.queued)} · enqueue→done ${fmtLat(r.done)} · ` +
      `depth peak ${r.depthPeak}` +
      (r.failed > 0 ? ` · ${r.failed} NOT completed` : ''),
  };
}

async function jobsByType(db: pg.Pool, t0: number): Promise<Record<string, number>> {
  const r = await db.query<{ type: string; n: string }>(
    `SELECT data->>'type' AS type, count(*) AS n FROM pgboss.job
      WHERE name = 'vigil-jobs' AND created_on >= to_timestamp($1::double precision / 1000) GROUP BY 1`,
    [t0],
  );
  return Object.fromEntries(r.rows.map((x) => [x.type, Number(x.n)]));
}

interface Matched {
  /** From the burst's start to the last upload applied (no job of the type waiting or running). */
  wallMs: number;
  jobs: number;
  failed: number;
  queued: ReturnType<typeof latencies>;
  done: ReturnType<typeof latencies>;
}

/**
 * On the queue an answered check-in is stored, not matched: the burst is over when the workers have
 * applied every upload, so wait for that and read the inventory-match jobs' times from pg-boss.
 */
async function matchedAfter(d: BurstDeployment, t0: number): Promise<Matched> {
  const waiting = async (): Promise<number> => {
    const r = await d.pool.query<{ n: string }>('SELECT count(*) AS n FROM queued_uploads');
    return Number(r.rows[0]?.n ?? 0);
  };
  const deadline = Date.now() + 30 * 60_000;
  while ((await waiting()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const wallMs = Date.now() - t0;
  const rows = await batchJobs(d.pool, t0, 'inventory-match');
  const ok = rows.filter((r) => r.state === 'completed');
  return {
    wallMs,
    jobs: rows.length,
    failed: rows.length - ok.length,
    queued: latencies(ok.map((r) => r.started - r.created)),
    done: latencies(ok.map((r) => r.completed - r.created)),
  };
}

function matchedResult(m: Matched, rss: number): BenchRow['results'][number] {
  return {
    tool: 'inventory-match jobs',
    wallMs: m.wallMs,
    peakRssKb: rss,
    note:
      `CPU: in the check-ins row · ${m.jobs} jobs (one per host at a time: a host's newer upload supersedes) · ` +
      `enqueue→start ${fmtLat(m.queued)} · enqueue→done ${fmtLat(m.done)}` +
      (m.failed > 0 ? ` · ${m.failed} NOT completed` : ''),
  };
}
