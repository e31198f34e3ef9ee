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
 * Queue mode across processes (`--job-queue pg-boss`): an api, a scheduler (the queue feeder) and a
 * worker on one PostgreSQL. The worker is killed with SIGKILL while it holds an image scan (its
 * registry request held at the gate); a second worker started after it gets the job once pg-boss
 * expires the dead worker's hold and the feeder has put the scan back: the scan succeeds once, its
 * image is one resource, its findings are not doubled and `vigil.scan.completed` is in the outbox once.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-queue-kill-'));
const vulnDb = join(dir, 'vulndb.sqlite');
const REPO = 'team/killed';
let pgc: PrivatePostgres;
let reg: GatedRegistry;
let client: pg.Pool;
let key: string;
let apiBase: string;
const api = (): ScaleOutApi => ({ base: apiBase, key, registryHost: reg.host, db: client });
const procs: RoleProcess[] = [];

const common = (): string[] => [
  ...['--database', pgc.url, '--db', vulnDb, '--secret-key-file', join(dir, 'secret.key')],
  ...['--job-queue', 'pg-boss', '--worker-threads', '0', '--poll-interval-ms', '200'],
  ...['--egress-allow', '127.0.0.1', '--egress-headers-timeout-ms', '300000'],
  // A short budget, so a dead worker's scan is stale (budget + margin) within seconds.
  ...['--scan-timeout-ms', '5000', '--scan-concurrency', '1'],
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
  reg = await startGatedRegistry({
    // An installed npm package the test's vulnerability DB names (GHSA-vgil-test-0001): one finding.
    [REPO]: await imageLayout(dir, REPO, [
      {
        name: 'app/node_modules/leftpad-vigil/package.json',
        body: JSON.stringify({ name: 'leftpad-vigil', version: '1.0.0' }),
      },
    ]),
  });
  const apiProc = start('api', ['server', '--role', 'api', '--port', '0', ...common()]);
  apiBase = await apiProc.waitFor(/listening on (http:\/\/\S+)/, 120_000);
  const created = await runCli(['admin', 'create-key', '--account', 'acct-1', '--database', pgc.url]);
  expect(created.code, created.stderr).toBe(0);
  key = created.stdout.trim();
  const scheduler = start('scheduler', ['server', '--role', 'scheduler', ...common()]);
  await scheduler.waitFor(/scheduler: acting/, 120_000);
}, 600_000);

beforeEach(({ onTestFailed }) => onTestFailed(() => printProcessTails(procs)));

afterAll(async () => {
  await killAll(procs);
  await client?.end();
  await reg?.stop();
  pgc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('kill -9 of the worker holding a scan: another worker runs it, once', async () => {
  const w1 = start('worker-1', ['worker', ...common()]);
  await w1.waitFor(/started \(role worker/, 120_000);
  reg.close();
  const scanId = await submitScan(api(), REPO);
  await reg.waitHeld(1);
  expect(await scanStatus(api(), scanId)).toBe('RUNNING');
  expect(await bossJobs()).toEqual({ active: 1 });

  w1.kill('SIGKILL');
  expect((await w1.exited).signal).toBe('SIGKILL');
  reg.open();
  const w2 = start('worker-2', ['worker', ...common()]);
  await w2.waitFor(/started \(role worker/, 120_000);
  await until(async () => (await scanStatus(api(), scanId)) === 'SUCCEEDED');

  expect(await completedEvents(client, scanId)).toBe(1);
  const resources = await client.query<{ id: string }>(
    "SELECT id FROM resources WHERE type = 'CONTAINER_IMAGE'",
  );
  expect(resources.rows).toHaveLength(1);
  const findings = await client.query<{ n: string; ids: string }>(
    `SELECT count(*) AS n, count(DISTINCT vulnerability_id) AS ids FROM findings WHERE resource_id = $1`,
    [resources.rows[0]?.id],
  );
  expect(findings.rows[0]).toEqual({ n: '1', ids: '1' });
  // The dead worker's job ended (retried to completion by worker 2), nothing left behind.
  await until(async () => JSON.stringify(await bossJobs()) === JSON.stringify({ completed: 1 }));
}, 300_000);

async function bossJobs(): Promise<Record<string, number>> {
  const r = await client.query<{ state: string; n: string }>(
    "SELECT state, count(*) AS n FROM pgboss.job WHERE name <> '__pgboss__send-it' GROUP BY state",
  );
  return Object.fromEntries(r.rows.map((row) => [row.state, Number(row.n)]));
}
