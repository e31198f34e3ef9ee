import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { batchesForPaths } from '../../../src/feeds/feed-import.js';
import { openVulnDb } from '../../../src/vulndb/vuln-db.js';
import { buildCli, runCli } from '../../cli/built-cli.js';
import { startPostgres, type PrivatePostgres } from '../../fixtures/postgres.js';
import { call } from '../api-server.js';
import { startGatedRegistry, type GatedRegistry } from './gated-registry.js';
import { killAll, RoleProcess, printProcessTails } from './role-process.js';
import {
  completedEvents,
  imageLayout,
  scanStatus,
  submitScan,
  until,
  type ScaleOutApi,
} from './scale-out-api.js';

/**
 * The default on PostgreSQL is the pg-boss queue (no --job-queue given): an api, a scheduler (the
 * feeder) and two workers, each the built CLI. /ready names the queue when PostgreSQL is away; a
 * worker's SIGTERM drains: with grace 0 the scan it holds goes back QUEUED and its job to the other
 * worker at once (no attempt counted), with a grace the scan finishes and the worker exits 0. Each
 * scan completes once; each image is one resource.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-queue-drain-'));
const vulnDb = join(dir, 'vulndb.sqlite');
const REPOS = ['team/drain-a', 'team/drain-b', 'team/drain-grace'] as const;
let pgc: PrivatePostgres;
let reg: GatedRegistry;
let client: pg.Pool;
let key: string;
let apiBase: string;
let w1: RoleProcess;
let w2: RoleProcess;
let w2Base: string;
const api = (): ScaleOutApi => ({ base: apiBase, key, registryHost: reg.host, db: client });
const procs: RoleProcess[] = [];
const LISTENING = /listening on (http:\/\/\S+)/;

const common = (): string[] => [
  ...['--database', pgc.url, '--db', vulnDb, '--secret-key-file', join(dir, 'secret.key')],
  ...['--worker-threads', '0', '--poll-interval-ms', '200'],
  ...['--egress-allow', '127.0.0.1', '--egress-headers-timeout-ms', '300000'],
  // One scan per worker: each holds a scan of its own at the gate.
  ...['--scan-concurrency', '1'],
];
const start = (name: string, args: string[]): RoleProcess => {
  const p = new RoleProcess(name, args);
  procs.push(p);
  return p;
};

beforeAll(async () => {
  await buildCli();
  pgc = await startPostgres();
  client = new pg.Pool({ connectionString: pgc.url, max: 2 });
  client.on('error', () => undefined);
  const v = await openVulnDb(vulnDb);
  await v.import(await batchesForPaths([new URL('../testdata/osv', import.meta.url).pathname], 'osv'));
  await v.close();
  const images: Record<string, string> = {};
  for (const repo of REPOS) images[repo] = await imageLayout(dir, repo);
  reg = await startGatedRegistry(images);
  const apiProc = start('api', ['server', '--role', 'api', '--port', '0', ...common()]);
  apiBase = await apiProc.waitFor(LISTENING, 120_000);
  const created = await runCli(['admin', 'create-key', '--account', 'acct-1', '--database', pgc.url]);
  expect(created.code, created.stderr).toBe(0);
  key = created.stdout.trim();
  const scheduler = start('scheduler', ['server', '--role', 'scheduler', ...common()]);
  w1 = start('worker-1', ['worker', '--shutdown-grace-ms', '0', ...common()]);
  w2 = start('worker-2', ['worker', '--shutdown-grace-ms', '120000', '--health-port', '0', ...common()]);
  await scheduler.waitFor(/scheduler: acting/, 120_000);
  await w1.waitFor(/started \(role worker/, 120_000);
  w2Base = await w2.waitFor(LISTENING, 120_000);
}, 600_000);

beforeEach(({ onTestFailed }) => onTestFailed(() => printProcessTails(procs)));

afterAll(async () => {
  await killAll(procs);
  await client?.end();
  await reg?.stop();
  pgc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('with no --job-queue, every process runs on pg-boss; /ready names the queue while PostgreSQL is away', async () => {
  for (const p of procs) expect(p.count(/background work on the pg-boss job queue/), p.name).toBe(1);
  expect(await call(w2Base, undefined, 'GET', '/ready')).toEqual({
    status: 200,
    json: { status: 'ready', checks: { database: 'up', queue: 'up' } },
  });
  pgc.halt();
  for (const base of [apiBase, w2Base])
    expect(await call(base, undefined, 'GET', '/ready')).toEqual({
      status: 503,
      json: { status: 'unavailable', checks: { database: 'down', queue: 'down' } },
    });
  pgc.resume();
  for (const base of [apiBase, w2Base])
    await until(async () => (await call(base, undefined, 'GET', '/ready')).status === 200);
  expect(await call(apiBase, undefined, 'GET', '/ready')).toEqual({
    status: 200,
    json: { status: 'ready', checks: { database: 'up', queue: 'up' } },
  });
}, 180_000);

it('SIGTERM mid-scan: grace 0 releases the job to the other worker at once; a grace lets the scan finish', async () => {
  reg.close();
  const a = await submitScan(api(), 'team/drain-a');
  await reg.waitHeld(1);
  const b = await submitScan(api(), 'team/drain-b');
  await reg.waitHeld(2);
  expect([await scanStatus(api(), a), await scanStatus(api(), b)]).toEqual(['RUNNING', 'RUNNING']);
  expect(await bossJobs()).toEqual([{ state: 'active', retries: 0, n: 2 }]);

  // Worker 1 (grace 0) lets go of its scan and exits; worker 2 still holds the other.
  w1.kill('SIGTERM');
  expect(await w1.exited).toEqual({ code: 0, signal: null });
  expect([await scanStatus(api(), a), await scanStatus(api(), b)].sort()).toEqual(['QUEUED', 'RUNNING']);
  // Released, not failed: waiting again at once, its attempt not counted.
  expect(await bossJobs()).toEqual([
    { state: 'active', retries: 0, n: 1 },
    { state: 'retry', retries: 0, n: 1 },
  ]);
  reg.open();
  await until(
    async () => (await scanStatus(api(), a)) === 'SUCCEEDED' && (await scanStatus(api(), b)) === 'SUCCEEDED',
  );
  expect([await completedEvents(client, a), await completedEvents(client, b)]).toEqual([1, 1]);

  // Worker 2 (grace 120 s) keeps its scan through SIGTERM, fetches nothing more, and exits once done.
  reg.close();
  const c = await submitScan(api(), 'team/drain-grace');
  await reg.waitHeld(1);
  w2.kill('SIGTERM');
  await w2.waitFor(/vigil worker stopping/, 30_000);
  expect(w2.running).toBe(true);
  expect(await scanStatus(api(), c)).toBe('RUNNING');
  reg.open();
  expect(await w2.exited).toEqual({ code: 0, signal: null });
  expect(await scanStatus(api(), c)).toBe('SUCCEEDED');
  expect(await completedEvents(client, c)).toBe(1);
  expect(await bossJobs()).toEqual([{ state: 'completed', retries: 0, n: 3 }]);
  const resources = await client.query<{ n: string }>(
    "SELECT count(*) AS n FROM resources WHERE type = 'CONTAINER_IMAGE'",
  );
  expect(Number(resources.rows[0]?.n)).toBe(REPOS.length);
}, 300_000);

/** The image-scan jobs by state and retry count (pg-boss's own table). */
async function bossJobs(): Promise<Array<{ state: string; retries: number; n: number }>> {
  const r = await client.query<{ state: string; retries: number; n: string }>(
    `SELECT state, retry_count AS retries, count(*) AS n FROM pgboss.job
      WHERE name = 'vigil-jobs' AND data->>'type' = 'image-scan' GROUP BY state, retry_count ORDER BY state::text`,
  );
  return r.rows.map((row) => ({ state: row.state, retries: row.retries, n: Number(row.n) }));
}
