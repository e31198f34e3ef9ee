import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { openServiceDb } from '../src/store/service-db.js';
import type { VulnDb } from '../src/vulndb/vuln-db.js';
import type { BenchRow } from './bench-suite.js';
import { advisoryNames, npmInventory } from './service-match-scale.js';
import { seedFleet } from './service-fleet.js';
import { percentile } from './service-list-latency.js';

export interface StallOptions {
  vuln: VulnDb;
  /** A fresh service DB URL. */
  url: string;
  /** Inventories POSTed at once (the probe: 20). */
  posts: number;
  /** Packages per inventory (the probe: 20,000). */
  packages: number;
}

const BIN = fileURLToPath(new URL('../bin/vigil.js', import.meta.url));
/** Extra node flags for the server process (VIGIL_BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof`). */
const SERVER_NODE_ARGS = (process.env['VIGIL_BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
/** Extra `vigil server` options (VIGIL_BENCH_SERVER_ARGS, e.g. `--worker-threads 1`). */
const SERVER_ARGS = (process.env['VIGIL_BENCH_SERVER_ARGS'] ?? '').split(' ').filter(Boolean);

interface Probe {
  health: number[];
  other: number[];
  /** Probe requests that got no 200 (a reset connection, an error status): their waits count above. */
  healthFailed: number;
  otherFailed: number;
}

/** One request's latency, and whether it was answered 200 (a failure still counts the wait). */
async function timed(url: string, key?: string): Promise<{ ms: number; ok: boolean }> {
  const t = process.hrtime.bigint();
  let ok = false;
  try {
    const res = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    await res.arrayBuffer();
    ok = res.status === 200;
  } catch {
    // A server whose event loop was held resets idle connections late: the probe saw a failure.
  }
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, ok };
}

/** Requests one after the other until `done` says stop, a short pause apart (a monitoring client). */
async function probeLoop(
  url: string,
  key: string | undefined,
  done: () => boolean,
): Promise<{ ms: number[]; failed: number }> {
  const ms: number[] = [];
  let failed = 0;
  while (!done()) {
    const r = await timed(url, key);
    ms.push(r.ms);
    if (!r.ok) failed++;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { ms, failed };
}

/** `vigil server` as its own process (the built CLI), as the probe ran it: its event loop is its own. */
async function startServer(
  url: string,
  vulnDb: string,
): Promise<{ base: string; peakRssKb(): number; stop(): Promise<void> }> {
  const args = ['server', '--database', url, '--db', vulnDb, '--port', '0', ...SERVER_ARGS];
  const child = spawn(
    process.execPath,
    [...SERVER_NODE_ARGS, BIN, ...args, '--rate-limit-per-minute', '1000000000'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`vigil server exited ${code}: ${stderr.slice(-1000)}`)));
  });
  return {
    base,
    // The server's own high-water mark (the kernel's VmHWM), not the bench client's.
    peakRssKb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** POSTs an inventory body; the status (0: no answer, the connection failed) and the start of the reply. */
async function postInventory(
  base: string,
  key: string,
  path: string,
  body: string,
): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, text: (await res.text()).slice(0, 300) };
  } catch (err) {
    return { status: 0, text: (err as Error).message };
  }
}

/**
 * The probe's case (issue 10): `posts` inventories of `packages` npm packages POSTed at once by four
 * accounts to a `vigil server` process, while one client polls GET /health and another account's
 * member polls GET /v1/findings. The baseline is the same requests to the same server, idle, in the
 * same run. Failures are counted, not fatal: a tree before the fix resets connections under this load.
 */
export async function stallBench(o: StallOptions): Promise<BenchRow[]> {
  const db = await openServiceDb({ url: o.url });
  const fleet = await seedFleet(db, 6);
  await db.close();
  const server = await startServer(o.url, o.vuln.path);
  const base = server.base;
  try {
    const names = await advisoryNames(o.vuln);
    const post = (account: number, resource: string, body: string) =>
      postInventory(
        base,
        fleet.memberKeys[account] ?? '',
        `/v1/accounts/${fleet.accounts[account]}/resources/${resource}/inventory`,
        body,
      );
    // The other account has findings of its own to list.
    const seeded = await post(5, 'other-host', JSON.stringify(npmInventory(names, 999, 2000, 'other-host')));
    if (seeded.status !== 200) throw new Error(`POST other-host: HTTP ${seeded.status} ${seeded.text}`);
    const bodies = Array.from({ length: o.posts }, (_, i) =>
      JSON.stringify(npmInventory(names, i + 1, o.packages, `stall-${i}`)),
    );
    for (let i = 0; i < 20; i++) await timed(`${base}/health`);
    const idle = (await probeLoop(`${base}/health`, undefined, countdown(200))).ms;
    const otherUrl = `${base}/v1/findings?maxResults=50`;
    const otherKey = fleet.memberKeys[5];
    const idleOther = (await probeLoop(otherUrl, otherKey, countdown(50))).ms;

    let finished = false;
    const loadBefore = loadavg()[0] ?? 0;
    const t = process.hrtime.bigint();
    const posts = Promise.all(bodies.map((b, i) => post(1 + (i % 4), `stall-${i}`, b))).finally(
      () => (finished = true),
    );
    const [health, other, answers] = await Promise.all([
      probeLoop(`${base}/health`, undefined, () => finished),
      probeLoop(otherUrl, otherKey, () => finished),
      posts,
    ]);
    const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
    return stallRows(o, {
      ...{ idle, idleOther, wallMs, rssKb: server.peakRssKb() },
      ...{ health: health.ms, healthFailed: health.failed, other: other.ms, otherFailed: other.failed },
      load: { before: loadBefore, after: loadavg()[0] ?? 0 },
      answered: answers.filter((a) => a.status === 200).length,
      firstRefusal: answers.find((a) => a.status !== 200),
    });
  } finally {
    await server.stop();
  }
}

function countdown(n: number): () => boolean {
  let left = n;
  return () => left-- <= 0;
}

interface StallFigures extends Probe {
  idle: number[];
  idleOther: number[];
  wallMs: number;
  rssKb: number;
  /** The machine's 1-minute load average when the POSTs started and when they ended. */
  load: { before: number; after: number };
  /** POSTs answered 200, and the first that was not (status 0: the connection failed). */
  answered: number;
  firstRefusal: { status: number; text: string } | undefined;
}

function stallRows(o: StallOptions, f: StallFigures): BenchRow[] {
  const rss = f.rssKb;
  const idleP50 = percentile(f.idle, 50);
  const idleP99 = percentile(f.idle, 99);
  const line = (xs: readonly number[], target?: number, failed = 0): string => {
    const p99 = percentile(xs, 99);
    const verdict =
      target === undefined
        ? ''
        : ` (target ≤ ${target} ms: ${p99 <= target && failed === 0 ? 'met' : 'MISSED'})`;
    return (
      `n=${xs.length}${failed > 0 ? ` (${failed} FAILED)` : ''} p50 ${percentile(xs, 50).toFixed(1)} ms (×${(percentile(xs, 50) / idleP50).toFixed(1)} idle) · ` +
      `p99 ${p99.toFixed(1)} ms (×${(p99 / idleP99).toFixed(1)} idle) · max ${percentile(xs, 100).toFixed(1)} ms${verdict}`
    );
  };
  const label = `${o.posts} POSTs × ${o.packages} npm packages at once`;
  return [
    {
      workload: `${label}: ${f.answered} of ${o.posts} answered 200`,
      results: [
        {
          tool: 'vigil',
          wallMs: f.wallMs,
          peakRssKb: rss,
          note:
            `${((o.posts * o.packages) / (f.wallMs / 1000)).toFixed(0)} packages/s; machine load ` +
            `${f.load.before.toFixed(1)} → ${f.load.after.toFixed(1)} on ${availableParallelism()} cores` +
            (f.firstRefusal ? `; first refusal: ${f.firstRefusal.status} ${f.firstRefusal.text}` : ''),
        },
      ],
    },
    {
      workload: `${label}: GET /health meanwhile`,
      results: [
        {
          tool: 'p99 under load',
          wallMs: percentile(f.health, 99),
          peakRssKb: rss,
          note: line(f.health, 200, f.healthFailed),
        },
        { tool: 'p99 idle', wallMs: idleP99, peakRssKb: rss, note: `baseline, same run: ${line(f.idle)}` },
      ],
    },
    {
      workload: `${label}: another account's GET /v1/findings meanwhile`,
      results: [
        {
          tool: 'p99 under load',
          wallMs: percentile(f.other, 99),
          peakRssKb: rss,
          note: line(f.other, 500, f.otherFailed),
        },
        {
          tool: 'p99 idle',
          wallMs: percentile(f.idleOther, 99),
          peakRssKb: rss,
          note: `same request, idle: ${line(f.idleOther)}`,
        },
      ],
    },
  ];
}
