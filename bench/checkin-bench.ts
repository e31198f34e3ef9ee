import { profiled } from './cpu-profile.js';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createEnrollmentToken } from '../src/accounts/enrollment-tokens.js';
import type { Inventory } from '../src/core/inventory.js';
import { scanTarget } from '../src/scan/scan-service.js';
import { openServiceDb } from '../src/store/service-db.js';
import { startWalCheckpointer } from '../src/store/wal-checkpointer.js';
import { openVulnDb } from '../src/vulndb/vuln-db.js';
import type { BenchReport, BenchRow, BenchSuite } from './bench-suite.js';
import { runLoad, type LoadResult, type PreparedCheckin } from './checkin-load.js';
import { openBenchVulnDb } from './service-bench.js';
import { listenBench, peakRssKb, pool, seedFleet } from './service-fleet.js';
import { basePackages, hostInventory } from './service-inventories.js';
import { percentile } from './service-list-latency.js';

const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);

/**
 * Agent check-ins through the real HTTP server (issue 12: changed inventories ≥ 50/s, unchanged
 * heartbeats ≥ 1,000/s). N hosts enroll over HTTP; each sends its full inventory once (400 packages
 * drawn from a real dpkg status, gzip, as the agent sends it), then R rounds of heartbeats carrying the
 * same hash. Baselines from the same run: the in-process scan service on the same inventories, and
 * GET /health at the same concurrency. The load comes from a child process over keep-alive sockets.
 * Scale with VIGIL_BENCH_CHECKIN_HOSTS and VIGIL_BENCH_HEARTBEAT_ROUNDS; VIGIL_BENCH_CHECKIN_PROFILE=FILE
 * writes a CPU profile of the event loop's thread during the known hosts' phase.
 */
export const checkinBench: BenchSuite = {
  name: 'checkin',
  description: 'vigil server: agent check-ins over HTTP (changed inventories, unchanged heartbeats)',
  async run(): Promise<BenchReport> {
    const hosts = env('VIGIL_BENCH_CHECKIN_HOSTS', 1000);
    const rounds = env('VIGIL_BENCH_HEARTBEAT_ROUNDS', 10);
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-checkin-'));
    const vuln = await privateCopy(await openBenchVulnDb(), scratch);
    try {
      const base = await basePackages(vuln.db.store);
      if ('error' in base)
        return {
          title: 'checkin',
          rows: [{ workload: 'check-ins', results: [], skipped: base.error }],
          notes: [],
        };
      const inventories = Array.from({ length: hosts }, (_, i) => hostInventory(base, i, 400));
      const baseline = await scanBaseline(vuln.db.store, inventories.slice(0, Math.min(50, hosts)));
      const db = await openServiceDb({ url: `sqlite:${join(scratch, 'checkin.sqlite')}` });
      const { app, base: url } = await listenBench(db, vuln.db.store, vuln.db);
      // As `vigil server --db` starts: its re-match job records that nothing is left to re-match (a
      // known host's changed inventory is then matched by what changed: host-checkin.ts).
      const rematch = app.vigil.tasks.find((t) => t.name === 'rematch');
      if (!rematch) throw new Error('the server has no rematch job');
      await rematch.runOnce();
      // As `vigil server` runs: WAL checkpoints on their own thread, not inside a check-in's commit.
      const checkpointer = await startWalCheckpointer(db, (err) => console.error('checkpoint', err));
      try {
        const [account] = (await seedFleet(db, 1)).accounts;
        const keys = await enrollAll(url, db.kysely, account ?? '', hosts);
        const full = await measured({
          base: url,
          path: '/v1/agent/checkin',
          requests: inventories.map((inv, i) => prepared(keys[i] ?? '', inv, true)),
          rounds: 1,
          concurrency: 4,
        });
        const stored = await storedBytes(db);
        // Each host again, one package fewer (a purge): the lifecycle of an inventory it already holds.
        const again = await profiled(process.env['VIGIL_BENCH_CHECKIN_PROFILE'], () =>
          measured({
            base: url,
            path: '/v1/agent/checkin',
            requests: inventories.map((inv, i) =>
              prepared(keys[i] ?? '', { ...inv, packages: inv.packages.slice(1) }, true),
            ),
            rounds: 1,
            concurrency: 4,
          }),
        );
        const beats = inventories.map((inv, i) => prepared(keys[i] ?? '', inv, false));
        const spec = { base: url, requests: beats, rounds, concurrency: 16 };
        const heartbeats = await measured({ ...spec, path: '/v1/agent/checkin' });
        const health = await measured({ ...spec, path: '/health', method: 'GET' });
        const rss = peakRssKb();
        const scanRow = {
          tool: 'in-process scan',
          wallMs: baseline.perInventoryMs * hosts,
          cpuMs: baseline.cpuPerInventoryMs * hosts,
          peakRssKb: baseline.rssKb,
          note: `${(1000 / baseline.perInventoryMs).toFixed(1)}/s (matching only, one at a time, extrapolated)`,
        };
        const rows: BenchRow[] = [
          {
            workload: `${hosts} changed inventories: new hosts' first (400 packages, gzip), 4 in flight`,
            results: [
              {
                tool: 'check-in, new host',
                wallMs: full.wallMs,
                cpuMs: full.cpuMs,
                peakRssKb: rss,
                note: figures(full),
              },
              scanRow,
            ],
          },
          {
            workload: `${hosts} known hosts again, one package gone (gzip), 4 in flight`,
            results: [
              {
                tool: 'check-in, known host',
                wallMs: again.wallMs,
                cpuMs: again.cpuMs,
                peakRssKb: rss,
                note: figures(again),
              },
              scanRow,
            ],
          },
          {
            workload: `${hosts * rounds} unchanged heartbeats, 16 in flight`,
            results: [
              {
                tool: 'heartbeat',
                wallMs: heartbeats.wallMs,
                cpuMs: heartbeats.cpuMs,
                peakRssKb: rss,
                note: figures(heartbeats),
              },
              {
                tool: 'GET /health',
                wallMs: health.wallMs,
                cpuMs: health.cpuMs,
                peakRssKb: rss,
                note: figures(health),
              },
            ],
          },
        ];
        return {
          title: 'checkin: real HTTP server on 127.0.0.1, SQLite service DB (load from a child process)',
          rows,
          notes: [
            `vulnerability DB: ${vuln.path}`,
            'peak RSS: the whole bench process (server; the load process not counted) so far',
            'CPU: the server process (event loop and worker threads) while the phase ran; per request in the note',
            `stored per new host: ${Math.round(stored.findings / hosts)} findings, ${mib(stored.findingBytes / hosts)} of finding JSON and ${mib(stored.eventBytes / hosts)} of event payloads`,
            'a request that did not answer 200 is counted in the note (statuses); the figures are then void',
          ],
        };
      } finally {
        await checkpointer?.stop();
        await app.close();
        await db.close();
      }
    } finally {
      await vuln.db.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

/**
 * The bench's own copy of the vulnerability DB: the worker threads open the file by its path (again
 * after idling), and a shared fixture cache may prune that file during a long run (every check-in then
 * fails, as with a DB really gone).
 */
async function privateCopy(
  vuln: Awaited<ReturnType<typeof openBenchVulnDb>>,
  scratch: string,
): Promise<Awaited<ReturnType<typeof openBenchVulnDb>>> {
  const file = vuln.db.store.file;
  if (file === undefined || !existsSync(file)) return vuln;
  const copy = join(scratch, 'vulndb.sqlite');
  await vuln.db.close();
  copyFileSync(file, copy);
  return { db: await openVulnDb(copy), path: `${vuln.path} (copied for this run)` };
}

/** The scan service alone on the same inventories, one at a time: matching and enrichment, no HTTP. */
async function scanBaseline(
  store: Parameters<typeof scanTarget>[1]['store'],
  sample: readonly Inventory[],
): Promise<{ perInventoryMs: number; cpuPerInventoryMs: number; rssKb: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const inventory of sample) await scanTarget({ kind: 'inventory', inventory }, { store });
  const cpu = process.cpuUsage(cpu0);
  const n = Math.max(1, sample.length);
  return {
    perInventoryMs: (performance.now() - t0) / n,
    cpuPerInventoryMs: (cpu.user + cpu.system) / 1000 / n,
    rssKb: peakRssKb(),
  };
}

/** N hosts enrolled over HTTP with one token; their host keys, in host order. */
export async function enrollAll(
  url: string,
  db: Parameters<typeof createEnrollmentToken>[0],
  accountId: string,
  n: number,
): Promise<string[]> {
  const { token } = await createEnrollmentToken(db, { accountId, tags: {}, now: new Date() });
  const keys: string[] = [];
  await pool(n, 8, async (i) => {
    const machineId = createHash('md5').update(`bench-host-${i}`).digest('hex');
    const res = await fetch(`${url}/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, machineId, hostname: `host-${i}`, agentVersion: '0.1.0' }),
    });
    const json = (await res.json()) as { hostKey?: string };
    if (res.status !== 201 || !json.hostKey) throw new Error(`enroll ${i}: HTTP ${res.status}`);
    keys[i] = json.hostKey;
  });
  return keys;
}

/** A check-in body as the agent sends it: gzip JSON, the inventory's hash, the inventory when changed. */
export function prepared(key: string, inventory: Inventory, full: boolean): PreparedCheckin {
  const inventoryHash = createHash('sha256').update(JSON.stringify(inventory)).digest('hex');
  const body = {
    agentVersion: '0.1.0',
    sentAt: new Date().toISOString(),
    inventoryHash,
    ...(full ? { inventory } : {}),
  };
  return { key, body: gzipSync(JSON.stringify(body)) };
}

interface Measured extends LoadResult {
  cpuMs: number;
}

/** The load, with the CPU the server process (this one: event loop and worker threads) spent meanwhile. */
async function measured(spec: Parameters<typeof runLoad>[0]): Promise<Measured> {
  const before = process.cpuUsage();
  const r = await runLoad(spec);
  const used = process.cpuUsage(before);
  return { ...r, cpuMs: (used.user + used.system) / 1000 };
}

/** What the changed check-ins stored: findings, their JSON, and the outbox events' payloads. */
async function storedBytes(
  db: Awaited<ReturnType<typeof openServiceDb>>,
): Promise<{ findings: number; findingBytes: number; eventBytes: number }> {
  const f = await db.kysely
    .selectFrom('finding_documents')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.fn('length', ['finding_json'])).as('bytes'),
    ])
    .executeTakeFirstOrThrow();
  const e = await db.kysely
    .selectFrom('outbox')
    .select((eb) => eb.fn.sum<number>(eb.fn('length', ['payload_json'])).as('bytes'))
    .executeTakeFirstOrThrow();
  return { findings: Number(f.n), findingBytes: Number(f.bytes), eventBytes: Number(e.bytes) };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

function figures(r: Measured): string {
  const rate = r.sent / (r.wallMs / 1000);
  const ok = r.statuses['200'] ?? 0;
  const other = Object.entries(r.statuses).filter(([s]) => s !== '200');
  const bad = other.length > 0 ? ` · NOT 200: ${JSON.stringify(Object.fromEntries(other))}` : '';
  const p = (q: number): string => `${percentile(r.latenciesMs, q).toFixed(1)} ms`;
  const cpu = `${(r.cpuMs / r.sent).toFixed(2)} ms CPU each`;
  return `${rate.toFixed(rate < 10 ? 1 : 0)}/s · ${cpu} · ${ok}/${r.sent} 200 · p50 ${p(50)} · p95 ${p(95)}${bad}`;
}
