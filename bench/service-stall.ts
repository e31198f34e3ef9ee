import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Inventory } from '../src/core/inventory.js';
import type { Package } from '../src/core/package.js';
import { scanTarget } from '../src/scan/scan-service.js';
import { openServiceDb } from '../src/store/service-db.js';
import type { VulnDb } from '../src/vulndb/vuln-db.js';
import type { BenchRow } from './bench-suite.js';
import { peakRssKb, seedFleet } from './service-fleet.js';
import { rng } from './service-inventories.js';
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

/** Every this-many packages of a host is one named by an npm advisory (the rest have none). */
const VULNERABLE_EVERY = 40;
/** Hosts differ, but copies of one package in several node_modules folders are normal: names repeat. */
const DISTINCT_NAME_RATIO = 0.6;

/** npm package names that the vulnerability DB has advisories for: the vulnerable part of each host. */
export async function advisoryNames(vuln: VulnDb): Promise<string[]> {
  const rows = await vuln.kysely
    .selectFrom('affected')
    .select('package_name')
    .distinct()
    .where('ecosystem', '=', 'npm')
    .orderBy('package_name')
    .execute();
  return rows.map((r) => r.package_name);
}

/** A seeded npm inventory of `n` packages: a node_modules tree of a big application host. */
export function npmInventory(names: readonly string[], seed: number, n: number, target: string): Inventory {
  const r = rng(seed);
  const distinct = Math.max(1, Math.round(n * DISTINCT_NAME_RATIO));
  const packages: Package[] = [];
  for (let i = 0; i < n; i++) {
    const advisory = names.length > 0 && i % VULNERABLE_EVERY === 0;
    const name = advisory
      ? (names[Math.floor(r() * names.length)] as string)
      : `bench-${seed}-${Math.floor(r() * distinct)}`;
    const version = advisory ? `0.${Math.floor(r() * 3)}.0` : `${1 + Math.floor(r() * 5)}.${i % 10}.0`;
    const filePath = `/srv/app/node_modules/${name}-${i}/package.json`;
    packages.push({
      id: `npm:${name}@${version}:${i}`,
      name,
      version,
      ecosystem: 'npm',
      purl: `pkg:npm/${name.replace('@', '%40')}@${version}`,
      filePath,
      foundBy: 'npm-package-lock',
      scope: 'installed',
    });
  }
  return {
    schemaVersion: 1,
    source: { type: 'host', target },
    packages,
    unknowns: [],
    catalogers: { 'npm-package-lock': 1 },
    createdAt: new Date().toISOString(),
  };
}

/**
 * Matching alone (THE scan service in-process, no HTTP, no service DB) by inventory size: a linear
 * matcher takes about twice as long for twice the packages.
 */
export async function matchingScale(vuln: VulnDb, sizes: readonly number[]): Promise<BenchRow[]> {
  const names = await advisoryNames(vuln);
  const rows: BenchRow[] = [];
  let first: { n: number; ms: number } | undefined;
  for (const n of sizes) {
    const inventory = npmInventory(names, 7, n, `scale-${n}`);
    const t = process.hrtime.bigint();
    const r = await scanTarget({ kind: 'inventory', inventory }, { store: vuln.store });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    first ??= { n, ms };
    const perK = (ms / n) * 1000;
    rows.push({
      workload: `match ${n} npm packages in-process (scanTarget)`,
      results: [
        {
          tool: 'vigil',
          wallMs: ms,
          peakRssKb: peakRssKb(),
          note:
            `${r.findings.length} findings, ${perK.toFixed(1)} ms per 1000 packages; ` +
            `time ×${(ms / first.ms).toFixed(1)} for packages ×${(n / first.n).toFixed(1)}`,
        },
      ],
    });
  }
  return rows;
}

interface Probe {
  health: number[];
  other: number[];
}

async function timed(url: string, key?: string): Promise<number> {
  const t = process.hrtime.bigint();
  const res = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Requests one after the other until `done` says stop, a short pause apart (a monitoring client). */
async function probeLoop(url: string, key: string | undefined, done: () => boolean): Promise<number[]> {
  const out: number[] = [];
  while (!done()) {
    out.push(await timed(url, key));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return out;
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

/**
 * The probe's case (issue 10): `posts` inventories of `packages` npm packages POSTed at once by four
 * accounts to a `vigil server` process, while one client polls GET /health and another account's
 * member polls GET /v1/findings. The baseline is the same requests to the same server, idle, in the
 * same run.
 */
export async function stallBench(o: StallOptions): Promise<BenchRow[]> {
  const db = await openServiceDb({ url: o.url });
  const fleet = await seedFleet(db, 6);
  await db.close();
  const server = await startServer(o.url, o.vuln.path);
  const base = server.base;
  try {
    const names = await advisoryNames(o.vuln);
    const post = async (account: number, resource: string, body: string): Promise<void> => {
      const res = await fetch(
        `${base}/v1/accounts/${fleet.accounts[account]}/resources/${resource}/inventory`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${fleet.memberKeys[account]}`,
            'content-type': 'application/json',
          },
          body,
        },
      );
      const text = await res.text();
      if (res.status !== 200) throw new Error(`POST ${resource}: HTTP ${res.status} ${text.slice(0, 300)}`);
    };
    // The other account has findings of its own to list.
    await post(5, 'other-host', JSON.stringify(npmInventory(names, 999, 2000, 'other-host')));
    const bodies = Array.from({ length: o.posts }, (_, i) =>
      JSON.stringify(npmInventory(names, i + 1, o.packages, `stall-${i}`)),
    );
    for (let i = 0; i < 20; i++) await timed(`${base}/health`);
    const idle = await probeLoop(`${base}/health`, undefined, countdown(200));
    const otherUrl = `${base}/v1/findings?maxResults=50`;
    const otherKey = fleet.memberKeys[5];
    const idleOther = await probeLoop(otherUrl, otherKey, countdown(50));

    let finished = false;
    const t = process.hrtime.bigint();
    const posts = Promise.all(bodies.map((b, i) => post(1 + (i % 4), `stall-${i}`, b))).finally(
      () => (finished = true),
    );
    const probes: Probe = { health: [], other: [] };
    [probes.health, probes.other] = await Promise.all([
      probeLoop(`${base}/health`, undefined, () => finished),
      probeLoop(otherUrl, otherKey, () => finished),
      posts,
    ]);
    const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
    return stallRows(o, { idle, idleOther, wallMs, rssKb: server.peakRssKb(), ...probes });
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
}

function stallRows(o: StallOptions, f: StallFigures): BenchRow[] {
  const rss = f.rssKb;
  const idleP50 = percentile(f.idle, 50);
  const idleP99 = percentile(f.idle, 99);
  const line = (xs: readonly number[], target?: number): string => {
    const p99 = percentile(xs, 99);
    const verdict =
      target === undefined ? '' : ` (target ≤ ${target} ms: ${p99 <= target ? 'met' : 'MISSED'})`;
    return (
      `n=${xs.length} p50 ${percentile(xs, 50).toFixed(1)} ms (×${(percentile(xs, 50) / idleP50).toFixed(1)} idle) · ` +
      `p99 ${p99.toFixed(1)} ms (×${(p99 / idleP99).toFixed(1)} idle) · max ${percentile(xs, 100).toFixed(1)} ms${verdict}`
    );
  };
  const label = `${o.posts} POSTs × ${o.packages} npm packages at once`;
  return [
    {
      workload: `${label}: all answered 200`,
      results: [
        {
          tool: 'vigil',
          wallMs: f.wallMs,
          peakRssKb: rss,
          note: `${((o.posts * o.packages) / (f.wallMs / 1000)).toFixed(0)} packages/s`,
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
          note: line(f.health, 200),
        },
        { tool: 'p99 idle', wallMs: idleP99, peakRssKb: rss, note: `baseline, same run: ${line(f.idle)}` },
      ],
    },
    {
      workload: `${label}: another account's GET /v1/findings meanwhile`,
      results: [
        { tool: 'p99 under load', wallMs: percentile(f.other, 99), peakRssKb: rss, note: line(f.other, 500) },
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
