import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Inventory } from '../src/core/inventory.js';
import { hostDetails } from '../src/resources/resource-details.js';
import { rematchFromImportLog } from '../src/scan/rematch-from-log.js';
import { applyFinishedScan, storedInventory } from '../src/scan/scan-apply.js';
import { openServiceDb } from '../src/store/service-db.js';
import type { StoreContext } from '../src/store/store-context.js';
import { openVulnDb } from '../src/vulndb/vuln-db.js';
import { BENCH_NOW, pool, seedFleet } from './service-fleet.js';
import { basePackages, hostInventory, rng } from './service-inventories.js';
import { percentile } from './service-list-latency.js';
import { emptyRematchSummary } from '../src/scan/rematch-run.js';

const PACKAGES_PER_HOST = 400;

export interface SeededFleet {
  adminKey: string;
  accountId: string;
  /** The Debian release of the package pool (OSV's `Debian:<release>`). */
  release: string;
  /** Debian source packages the hosts hold, sorted (what a change set names). */
  sources: string[];
  /** The package pool hosts are drawn from (for the check-in burst's hosts). */
  base: Inventory;
}

/**
 * N stored host inventories in the service DB at `url`, stored as the scan path stores them
 * (resource, inventory, re-match index) without findings, and the fleet's place in the vulnerability
 * DB's import log set to its end, as if its first full re-match had run: the re-match measured later
 * is then the one an import's change set causes, not a first pass over everything.
 */
export async function seedFleetDb(url: string, vulnFile: string, hosts: number): Promise<SeededFleet> {
  const db = await openServiceDb({ url });
  const vulndb = await openVulnDb(vulnFile);
  try {
    const base = await basePackages(vulndb.store);
    if ('error' in base) throw new Error(base.error);
    const fleet = await seedFleet(db, 1);
    const accountId = fleet.accounts[0] as string;
    const now = new Date(BENCH_NOW);
    const sources = new Set<string>();
    await pool(hosts, 4, async (i) => {
      const inv = hostInventory(base, i, PACKAGES_PER_HOST);
      for (const p of inv.packages) if (p.ecosystem === 'deb') sources.add(p.sourceName ?? p.name);
      await applyFinishedScan(db.kysely, {
        accountId,
        scan: { id: randomUUID(), kind: 'inventory' },
        resource: { id: inv.source.target, type: 'HOST', details: hostDetails(inv, now) },
        inventory: storedInventory(inv),
        findings: [],
        now,
      });
    });
    const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => new Date() };
    await rematchFromImportLog(ctx, vulndb, {}, () => Promise.resolve(NOTHING_DONE));
    return {
      adminKey: fleet.orgAdminKey,
      accountId,
      release: base.os?.release ?? base.os?.versionId ?? '12',
      sources: [...sources].sort(),
      base,
    };
  } finally {
    await vulndb.close();
    await db.close();
  }
}

const NOTHING_DONE = emptyRematchSummary('full');

/** A copy of database `from` as `to` (CREATE DATABASE … TEMPLATE: a file copy, no re-seeding). */
export async function cloneDb(adminUrl: string, from: string, to: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${to}" TEMPLATE "${from}"`);
  } finally {
    await client.end();
  }
}

/** The URL of another database of the same cluster. */
export function dbUrl(clusterUrl: string, name: string): string {
  const u = new URL(clusterUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * An OSV change set of `count` advisories on source packages the fleet holds (seeded pick): half
 * affect every version (a finding on each host holding the package), half were fixed long ago (none).
 */
export function changeSet(fleet: SeededFleet, count: number, seed: number, tag: string): string {
  const r = rng(seed);
  const picked = new Set<string>();
  while (picked.size < Math.min(count, fleet.sources.length))
    picked.add(fleet.sources[Math.floor(r() * fleet.sources.length)] as string);
  return [...picked]
    .map((source, k) =>
      JSON.stringify({
        schema_version: '1.6.0',
        id: `VIGIL-SCALEOUT-${tag}-${k}`,
        modified: '2026-06-01T00:00:00Z',
        published: '2026-06-01T00:00:00Z',
        summary: 'vigil scale-out bench advisory',
        affected: [
          {
            package: { ecosystem: `Debian:${fleet.release}`, name: source },
            ranges: [
              {
                type: 'ECOSYSTEM',
                events: [{ introduced: '0' }, { fixed: k % 2 === 0 ? '99:0' : '0.0.1-1' }],
              },
            ],
          },
        ],
      }),
    )
    .join('\n');
}

export interface Latencies {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export function latencies(xs: readonly number[]): Latencies {
  return {
    n: xs.length,
    p50: percentile(xs, 50),
    p95: percentile(xs, 95),
    max: xs.length ? Math.max(...xs) : NaN,
  };
}

export function fmtLat(l: Latencies): string {
  if (l.n === 0) return 'none';
  const s = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  return `p50 ${s(l.p50)} · p95 ${s(l.p95)} · max ${s(l.max)}`;
}

export interface ImportRun {
  /** From the POST to the last of its re-match batch jobs completed (PostgreSQL's clock = ours). */
  wallMs: number;
  /** From the POST to the import's GET saying rematch COMPLETED. */
  apiCompletedMs: number;
  jobs: number;
  failed: number;
  hosts: number;
  findingsCreated: number;
  /** created_on → started_on and created_on → completed_on of its batch jobs. */
  queued: Latencies;
  done: Latencies;
  depthPeak: number;
}

interface Api {
  base: string;
  key: string;
}

/**
 * Uploads `body` as an import (an admin upload, as `curl -T` would) and waits until every re-match
 * batch job it caused is completed in pg-boss's own table: the import's GET says COMPLETED once the
 * scheduler has queued the batches, which is not when they are done.
 */
export async function timedImport(api: Api, db: pg.Pool, body: string): Promise<ImportRun> {
  const findingsBefore = await count(db, 'SELECT count(*) AS n FROM findings');
  const t0 = Date.now();
  const res = await fetch(`${api.base}/v1/vulnerability-db/imports?filename=bench-change.jsonl`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  const posted = (await res.json()) as { id?: string };
  if (res.status !== 202 || !posted.id)
    throw new Error(`import: HTTP ${res.status} ${JSON.stringify(posted)}`);
  let apiCompletedMs = NaN;
  // Depth is sampled on its own, from the database only: a GET to a busy api would space the samples out.
  const depth = sampleDepth(db, t0);
  try {
    for (;;) {
      if (Number.isNaN(apiCompletedMs) && (await importStatus(api, posted.id)) === 'COMPLETED')
        apiCompletedMs = Date.now() - t0;
      const waiting = await jobStates(db, t0);
      if (!Number.isNaN(apiCompletedMs) && waiting.queued + waiting.active === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    depth.stop();
  }
  const depthPeak = await depth.peak;
  const rows = await batchJobs(db, t0);
  const lastDone = Math.max(...rows.map((r) => r.completed), t0);
  return {
    wallMs: lastDone - t0,
    apiCompletedMs,
    jobs: rows.length,
    failed: rows.filter((r) => r.state !== 'completed').length,
    hosts: rows.reduce((n, r) => n + r.hosts, 0),
    findingsCreated: (await count(db, 'SELECT count(*) AS n FROM findings')) - findingsBefore,
    queued: latencies(rows.map((r) => r.started - r.created)),
    done: latencies(rows.map((r) => r.completed - r.created)),
    depthPeak,
  };
}

/** The most jobs seen waiting (created, retry) since `t0`, sampled every 100 ms until stopped. */
function sampleDepth(db: pg.Pool, t0: number): { stop(): void; peak: Promise<number> } {
  let on = true;
  const peak = (async (): Promise<number> => {
    let most = 0;
    while (on) {
      most = Math.max(most, (await jobStates(db, t0)).queued);
      await new Promise((r) => setTimeout(r, 100));
    }
    return most;
  })();
  return { stop: () => (on = false), peak };
}

async function importStatus(api: Api, id: string): Promise<string> {
  const res = await fetch(`${api.base}/v1/vulnerability-db/imports/${id}`, {
    headers: { authorization: `Bearer ${api.key}` },
  });
  return ((await res.json()) as { rematch?: { status?: string } }).rematch?.status ?? `HTTP ${res.status}`;
}

const SINCE = `name = 'vigil-jobs' AND created_on >= to_timestamp($1::double precision / 1000)`;

/** Jobs of any type sent since `t0` that wait (created, retry) or run (active). */
export async function jobStates(db: pg.Pool, t0: number): Promise<{ queued: number; active: number }> {
  const r = await db.query<{ state: string; n: string }>(
    `SELECT state, count(*) AS n FROM pgboss.job WHERE ${SINCE} GROUP BY state`,
    [t0],
  );
  const n = (s: string): number => Number(r.rows.find((x) => x.state === s)?.n ?? 0);
  return { queued: n('created') + n('retry'), active: n('active') };
}

interface JobRow {
  type: string;
  state: string;
  created: number;
  started: number;
  completed: number;
  hosts: number;
}

/** pg-boss's rows of the jobs sent since `t0` (of `type`, or re-match batches), times in epoch ms. */
export async function batchJobs(db: pg.Pool, t0: number, type = 'rematch-batch'): Promise<JobRow[]> {
  const r = await db.query<{
    state: string;
    c: number;
    s: number | null;
    d: number | null;
    hosts: number | null;
  }>(
    `SELECT state, extract(epoch FROM created_on) * 1000 AS c, extract(epoch FROM started_on) * 1000 AS s,
            extract(epoch FROM completed_on) * 1000 AS d,
            jsonb_array_length(CASE WHEN jsonb_typeof(data->'payload'->'resources') = 'array'
                                    THEN data->'payload'->'resources' ELSE '[]'::jsonb END) AS hosts
       FROM pgboss.job WHERE ${SINCE} AND data->>'type' = $2`,
    [t0, type],
  );
  return r.rows.map((x) => ({
    type,
    state: x.state,
    created: Number(x.c),
    started: Number(x.s ?? NaN),
    completed: Number(x.d ?? NaN),
    hosts: Number(x.hosts ?? 0),
  }));
}

async function count(db: pg.Pool, sql: string): Promise<number> {
  return Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
}
