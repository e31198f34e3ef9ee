import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { batchesForPaths } from '../../../src/feeds/feed-import.js';
import { openVulnDb } from '../../../src/vulndb/vuln-db.js';
import { buildCli, runCli } from '../../cli/built-cli.js';
import { startPostgres, type PrivatePostgres } from '../../fixtures/postgres.js';
import { startGatedRegistry, type GatedRegistry } from './gated-registry.js';
import { call } from '../api-server.js';
import { killAll, RoleProcess, printProcessTails } from './role-process.js';
import { completedEvents as eventsOf, imageLayout, scanStatus, submitScan, until } from './scale-out-api.js';
import { SCHEDULER_LOCK_KEY } from '../../../src/store/advisory-lock.js';

/** pg_locks shows a 64-bit advisory key as two 32-bit halves (classid high, objid low, objsubid 1). */
const SCHEDULER_LOCK_PARTS = [Number(SCHEDULER_LOCK_KEY >> 32n), Number(SCHEDULER_LOCK_KEY & 0xffffffffn)];

/**
 * A scaled-out vigil as it is deployed: one PostgreSQL, an api process, two workers and two
 * schedulers, each the built CLI in a process of its own. What it proves: one scheduler acts and a
 * standby takes over when it is killed; the database can go away and come back without a scan being
 * lost; SIGTERM of a worker mid-scan releases the scan to another worker or finishes it.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-roles-'));
const vulnDb = join(dir, 'vulndb.sqlite');
const REPOS = ['team/outage', 'team/release-a', 'team/release-b', 'team/grace'] as const;
let pgc: PrivatePostgres;
let reg: GatedRegistry;
let client: pg.Pool;
let key: string;
let api: RoleProcess;
let apiBase: string;
let w1: RoleProcess;
let w2: RoleProcess;
let w2Base: string;
let schedulers: RoleProcess[];
const procs: RoleProcess[] = [];

const common = (): string[] => [
  ...['--database', pgc.url, '--db', vulnDb, '--secret-key-file', join(dir, 'secret.key')],
  // The polling workers, still selectable on PostgreSQL (the pg-boss default: queue-drain.test.ts).
  ...['--job-queue', 'polling', '--worker-threads', '0', '--poll-interval-ms', '200', '--log-requests'],
  // The gated registry is on loopback; a scan held at its gate must not time out meanwhile.
  ...['--egress-allow', '127.0.0.1', '--egress-headers-timeout-ms', '300000'],
  // One scan per worker, and both may serve the one account: each worker holds a scan of its own.
  ...['--scan-concurrency', '1', '--scan-max-per-account', '2'],
];
const start = (name: string, args: string[]): RoleProcess => {
  const p = new RoleProcess(name, args);
  procs.push(p);
  return p;
};
const LISTENING = /listening on (http:\/\/\S+)/;

beforeAll(async () => {
  await buildCli();
  pgc = await startPostgres();
  // A pool: its connections are cut when the database is halted, and it opens new ones after.
  client = new pg.Pool({ connectionString: pgc.url, max: 2 });
  client.on('error', () => undefined);
  const v = await openVulnDb(vulnDb);
  await v.import(await batchesForPaths([new URL('../testdata/osv', import.meta.url).pathname], 'osv'));
  await v.close();
  const images: Record<string, string> = {};
  for (const repo of REPOS) images[repo] = await imageLayout(dir, repo);
  reg = await startGatedRegistry(images);

  // The api migrates the database and makes the secret key; the others start on both.
  api = start('api', ['server', '--role', 'api', '--port', '0', ...common()]);
  apiBase = await api.waitFor(LISTENING, 120_000);
  const created = await runCli(['admin', 'create-key', '--account', 'acct-1', '--database', pgc.url]);
  expect(created.code, created.stderr).toBe(0);
  key = created.stdout.trim();
  w1 = start('worker-1', ['worker', '--shutdown-grace-ms', '0', ...common()]);
  w2 = start('worker-2', ['worker', '--shutdown-grace-ms', '120000', '--health-port', '0', ...common()]);
  schedulers = [1, 2].map((n) =>
    start(`scheduler-${n}`, ['server', '--role', 'scheduler', '--scheduler-retry-ms', '500', ...common()]),
  );
  await w1.waitFor(/started \(role worker, no HTTP listener\)/, 120_000);
  w2Base = await w2.waitFor(LISTENING, 120_000);
  await Promise.all(schedulers.map((s) => s.waitFor(/started \(role scheduler/, 120_000)));
}, 600_000);

// A failure says what each process said last (a crash in one of them shows here).
beforeEach(({ onTestFailed }) => onTestFailed(() => printProcessTails(procs)));

afterAll(async () => {
  await killAll(procs);
  await client?.end();
  await reg?.stop();
  pgc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('one scheduler acts at a time; kill -9 of it and the standby takes the lock and acts', async () => {
  const acting = await Promise.any(
    schedulers.map(async (s) => s.waitFor(/scheduler: acting/, 60_000).then(() => s)),
  );
  const standby = schedulers.find((s) => s !== acting) as RoleProcess;
  expect(standby.count(/scheduler: acting/)).toBe(0);
  expect(await lockHolders()).toEqual([acting.pid]);

  acting.kill('SIGKILL');
  expect((await acting.exited).signal).toBe('SIGKILL');
  await standby.waitFor(/scheduler: acting/, 60_000);
  expect(await lockHolders()).toEqual([standby.pid]);
}, 180_000);

it('the database down: /ready answers 503 naming it, workers pause and resume, the scan in hand completes once', async () => {
  const scheduler = schedulers.find((s) => s.running) as RoleProcess;
  const scanId = await submit('team/outage');
  await reg.waitHeld(1);
  expect(await statusOf(scanId)).toBe('RUNNING');

  pgc.halt();
  for (const base of [apiBase, w2Base]) {
    expect(await call(base, undefined, 'GET', '/ready')).toEqual({
      status: 503,
      json: { status: 'unavailable', checks: { database: 'down' } },
    });
    expect(await call(base, undefined, 'GET', '/health')).toEqual({ status: 200, json: { status: 'ok' } });
  }
  // The held scan goes on while the database is down: its outcome cannot be written.
  reg.open();
  await Promise.any([w1, w2].map((w) => w.waitFor(/scan failed to record its outcome/, 120_000)));
  // Both workers see the outage at their next poll and go on polling; the scheduler stops acting.
  for (const w of [w1, w2]) await w.waitFor(/scan worker failed/, 60_000);
  await scheduler.waitFor(/scheduler: standby \(lost the scheduler lock\)/, 60_000);
  pgc.resume();

  await until(async () => (await call(apiBase, undefined, 'GET', '/ready')).status === 200);
  expect(await call(w2Base, undefined, 'GET', '/ready')).toEqual({
    status: 200,
    json: { status: 'ready', checks: { database: 'up' } },
  });
  await scheduler.waitFor(/scheduler: acting/, 60_000, 2);
  expect(await lockHolders()).toEqual([scheduler.pid]);
  await until(async () => (await statusOf(scanId)) === 'SUCCEEDED');
  expect(await completedEvents(scanId)).toBe(1);
}, 300_000);

it('SIGTERM of a worker mid-scan: with no grace the scan goes to the other worker, with a grace it finishes', async () => {
  reg.close();
  const a = await submit('team/release-a');
  await reg.waitHeld(1);
  const b = await submit('team/release-b');
  await reg.waitHeld(2);
  expect([await statusOf(a), await statusOf(b)]).toEqual(['RUNNING', 'RUNNING']);

  // Worker 1 (grace 0) releases its scan at once and exits; worker 2 still holds the other.
  w1.kill('SIGTERM');
  expect(await w1.exited).toEqual({ code: 0, signal: null });
  expect([await statusOf(a), await statusOf(b)].sort()).toEqual(['QUEUED', 'RUNNING']);
  reg.open();
  await until(async () => (await statusOf(a)) === 'SUCCEEDED' && (await statusOf(b)) === 'SUCCEEDED');
  expect([await completedEvents(a), await completedEvents(b)]).toEqual([1, 1]);

  // Worker 2 (grace 120 s) keeps its scan through SIGTERM and exits once it is done.
  reg.close();
  const c = await submit('team/grace');
  await reg.waitHeld(1);
  w2.kill('SIGTERM');
  await w2.waitFor(/vigil worker stopping/, 30_000);
  expect(w2.running).toBe(true);
  expect(await statusOf(c)).toBe('RUNNING');
  reg.open();
  expect(await w2.exited).toEqual({ code: 0, signal: null });
  expect(await statusOf(c)).toBe('SUCCEEDED');
  expect(await completedEvents(c)).toBe(1);
  // Every image scanned once: one resource each, none twice.
  const resources = await client.query<{ n: string }>(
    "SELECT count(*) AS n FROM resources WHERE type = 'CONTAINER_IMAGE'",
  );
  expect(Number(resources.rows[0]?.n)).toBe(REPOS.length);
}, 300_000);

it('a role other than all needs PostgreSQL; an unknown role is a usage error', async () => {
  const sqlite = `sqlite:${join(dir, 'one.sqlite')}`;
  const onSqlite = await runCli(['server', '--role', 'worker', '--database', sqlite, '--db', vulnDb]);
  expect(onSqlite.code).toBe(2);
  expect(onSqlite.stderr).toContain('--role worker needs a PostgreSQL service DB');
  const bogus = await runCli(['server', '--role', 'cron', '--database', sqlite]);
  expect(bogus.code).toBe(2);
  expect(bogus.stderr).toContain('--role: expected one of api, worker, scheduler, all, got "cron"');
}, 120_000);

/** The pids of the processes holding the scheduler lock (from pg_locks, beside their application_name). */
async function lockHolders(): Promise<number[]> {
  const r = await client.query<{ application_name: string }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1`,
    SCHEDULER_LOCK_PARTS,
  );
  return r.rows.map((row) => Number(/pid (\d+)/.exec(row.application_name)?.[1]));
}

const where = () => ({ base: apiBase, key, registryHost: reg.host, db: client });
const submit = (repo: string): Promise<string> => submitScan(where(), repo);
const statusOf = (scanId: string): Promise<string> => scanStatus(where(), scanId);
const completedEvents = (scanId: string): Promise<number> => eventsOf(client, scanId);
