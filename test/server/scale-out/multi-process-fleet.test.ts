import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { enrolledAndReported } from '../../agent/fixtures/agent-process.js';
import { buildCli, runCli } from '../../cli/built-cli.js';
import { startPostgres, type PrivatePostgres } from '../../fixtures/postgres.js';
import { startRegistry, type RunningRegistry } from '../../image/fixtures/registry-server.js';
import { matchingDbPath } from '../../matching/fixtures/matching-db.js';
import { expectStatus, listAllFindings, pollUntil } from '../e2e/api-helpers.js';
import type { Receiver } from '../webhooks-receiver.js';
import {
  cliKeys,
  debianImages,
  keyOf,
  notificationsConfig,
  pushImage,
  scansOf,
  startFleet,
  startRefusingReceiver,
  type FleetHost,
} from './fleet-parts.js';
import { pidOfClientPort, startGatedProxy, type GatedProxy } from './gated-proxy.js';
import { killAll, RoleProcess, printProcessTails } from './role-process.js';
import { completedEvents } from './scale-out-api.js';

/**
 * Issue 17's multi-process proof, every part real: a private PostgreSQL cluster; the built CLI as one
 * api, three workers and two schedulers (one acting, one standing by), all `--job-queue pg-boss` and
 * sharing one vulnerability-DB file; two `vigil agent` processes on copies of debootstrapped roots;
 * Debian's docker-registry pushing notifications to the api (behind a pass-through proxy whose gate can
 * hold a scan's manifest request); a webhook receiver on 127.0.0.1 that records every copy it gets.
 * Three processes are killed with SIGKILL mid-work: the worker holding a scan, the acting scheduler,
 * and the worker sending a webhook delivery the receiver holds unanswered.
 */
const ACCOUNT = 'acct-1';
const A = `/v1/accounts/${ACCOUNT}`;
const IMAGES = ['team/pushed', 'team/held', 'team/after', 'team/hooked'] as const;
const dir = mkdtempSync(join(tmpdir(), 'vigil-fleet-'));
let pgc: PrivatePostgres;
let client: pg.Pool;
let vulnDb = '';
let layouts: Record<string, string> = {};
let proxy: GatedProxy;
let registry: RunningRegistry;
let receiver: Receiver;
let holdNextNewEvent: () => void;
let base = '';
let key = '';
let registryId = '';
let cursorAtSubscription = 0;
let hosts: FleetHost[] = [];
const procs: RoleProcess[] = [];
const workers: RoleProcess[] = [];
const schedulers: RoleProcess[] = [];

const common = (): string[] => [
  ...['--database', pgc.url, '--db', vulnDb, '--secret-key-file', join(dir, 'secret.key')],
  ...['--job-queue', 'pg-boss', '--worker-threads', '0', '--poll-interval-ms', '200'],
  // Registry, webhook receiver: all on loopback; a scan held at the gate must not time out meanwhile.
  ...['--egress-allow', '127.0.0.1', '--egress-headers-timeout-ms', '300000'],
  // A short scan budget, so a killed worker's scan is stale (budget + as much again) within seconds.
  ...['--scan-timeout-ms', '12000', '--scan-concurrency', '1', '--checkin-interval', '1s'],
  // A dead worker's delivery job is handed on after twice (delivery budget + one POST's timeout).
  ...['--webhook-timeout-ms', '5000'],
];
const start = (name: string, args: string[]): RoleProcess => {
  const p = new RoleProcess(name, args);
  procs.push(p);
  return p;
};
const byResource = (id: string) => ({
  resourceId: [{ comparison: 'EQUALS' as const, value: id }],
  findingStatus: [{ comparison: 'EQUALS' as const, value: 'ACTIVE' }],
});
const activeKeys = async (resourceId: string): Promise<string[]> =>
  (await listAllFindings(base, key, byResource(resourceId))).map(keyOf).sort();

beforeAll(async () => {
  await buildCli();
  [pgc, vulnDb, layouts, proxy] = await Promise.all([
    startPostgres(),
    matchingDbPath(),
    debianImages(dir, IMAGES),
    startGatedProxy(),
  ]);
  client = new pg.Pool({ connectionString: pgc.url, max: 2 });
  client.on('error', () => undefined);
  const api = start('api', ['server', '--role', 'api', '--port', '0', ...common()]);
  base = await api.waitFor(/listening on (http:\/\/\S+)/, 120_000);
  const created = await runCli(['admin', 'create-key', '--account', ACCOUNT, '--database', pgc.url]);
  expect(created.code, created.stderr).toBe(0);
  key = created.stdout.trim();
  await subscribeWebhook();
  await connectRegistry();
  for (const n of [1, 2, 3]) workers.push(start(`worker-${n}`, ['worker', ...common()]));
  for (const n of [1, 2])
    schedulers.push(
      start(`scheduler-${n}`, ['server', '--role', 'scheduler', '--scheduler-retry-ms', '500', ...common()]),
    );
  await Promise.all(workers.map((w) => w.waitFor(/started \(role worker/, 120_000)));
  await Promise.all(schedulers.map((s) => s.waitFor(/started \(role scheduler/, 120_000)));
  const token = await runCli([
    'admin',
    'create-enrollment-token',
    '--account',
    ACCOUNT,
    '--database',
    pgc.url,
  ]);
  expect(token.code, token.stderr).toBe(0);
  hosts = await startFleet(base, token.stdout.trim(), ['bookworm', 'bullseye']);
}, 600_000);

// A failure says what each process said last (a crash in one of them shows here).
beforeEach(({ onTestFailed }) => onTestFailed(() => printProcessTails(procs)));

afterAll(async () => {
  for (const h of hosts) await h.agent.stop('SIGKILL');
  await killAll(procs);
  for (const h of hosts) await h.root.remove();
  await client?.end();
  await registry?.stop();
  await proxy?.stop();
  await receiver?.close();
  pgc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A subscription to every event type of the account, before anything happens in it. */
async function subscribeWebhook(): Promise<void> {
  ({ receiver, holdNextNewEvent } = await startRefusingReceiver());
  const hook = await expectStatus<{ id: string; secret: string }>(201, base, key, 'POST', `${A}/webhooks`, {
    url: receiver.url,
  });
  receiver.secret = hook.secret;
  const row = await client.query<{ cursor_seq: string }>(
    'SELECT cursor_seq FROM webhook_subscriptions WHERE id = $1',
    [hook.id],
  );
  cursorAtSubscription = Number(row.rows[0]?.cursor_seq);
}

/** The registry in vigil (reached through the gated proxy), docker-registry notifying the api. */
async function connectRegistry(): Promise<void> {
  const reg = await expectStatus<{ id: string; notificationSecret: string }>(
    201,
    base,
    key,
    'POST',
    `${A}/registries`,
    { name: 'local', url: proxy.host, discovery: 'NOTIFICATIONS' },
  );
  registryId = reg.id;
  registry = await startRegistry(
    'none',
    notificationsConfig(`${base}/v1/registry-events/${reg.id}`, reg.notificationSecret),
  );
  proxy.target = registry.host;
  const rules = [{ repositoryFilter: 'team/*', filterType: 'WILDCARD', scanFrequency: 'SCAN_ON_PUSH' }];
  await expectStatus(200, base, key, 'PUT', `${A}/image-scanning`, { rules });
}

async function scannedOnce(digest: string): Promise<string> {
  const scans = await pollUntil(
    `the scan of ${digest}`,
    () => scansOf(client, digest),
    (s) => s.length > 0 && s.every((x) => x.status === 'SUCCEEDED'),
    120_000,
  );
  expect(scans).toHaveLength(1);
  return scans[0]?.id ?? '';
}

/** The image's findings equal `vigil scan image` of the same image, none twice (by id or identity). */
async function expectImageFindings(repo: string, digest: string): Promise<number> {
  const listed = await listAllFindings(base, key, byResource(digest));
  expect(new Set(listed.map((f) => f.id)).size).toBe(listed.length);
  const rows = await client.query<{ n: string }>(
    'SELECT count(*) AS n FROM findings WHERE resource_id = $1',
    [digest],
  );
  expect(Number(rows.rows[0]?.n)).toBe(listed.length);
  const expected = await cliKeys(['scan', 'image', `${registry.host}/${repo}@${digest}`], vulnDb);
  expect(expected.length).toBeGreaterThan(5);
  expect(listed.map(keyOf).sort()).toEqual(expected);
  return listed.length;
}

it('agents enroll through the api and report; workers match them; their findings equal `vigil scan fs` on the same roots', async () => {
  const resources = await enrolledAndReported(hosts.map((h) => h.agent));
  for (const [i, h] of hosts.entries()) {
    const expected = await cliKeys(['scan', 'fs', h.root.dir], vulnDb);
    expect(expected.length, h.name).toBeGreaterThan(0);
    // The api stored the inventory and answered; a worker's inventory-match job applies it.
    const resourceId = resources[i] ?? '';
    const matched = await pollUntil(
      `findings of ${h.name}`,
      () => activeKeys(resourceId),
      (k) => k.length > 0,
    );
    expect(matched, h.name).toEqual(expected);
    const jobs = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pgboss.job WHERE data->>'type' = 'inventory-match'
         AND data->'payload'->>'resourceId' = $1 AND state = 'completed'`,
      [resourceId],
    );
    expect(Number(jobs.rows[0]?.n), h.name).toBeGreaterThan(0);
  }
  const left = await client.query<{ n: string }>('SELECT count(*) AS n FROM queued_uploads');
  expect(Number(left.rows[0]?.n)).toBe(0);
}, 300_000);

it('a skopeo push makes findings with no API call, equal to `vigil scan image` of the same image', async () => {
  const digest = await pushImage(registry, layouts, 'team/pushed');
  const scanId = await scannedOnce(digest);
  const request = await client.query<{ request_json: string }>(
    'SELECT request_json FROM scans WHERE id = $1',
    [scanId],
  );
  expect(JSON.parse(request.rows[0]?.request_json ?? '{}')).toMatchObject({ registryId, digest });
  await expectImageFindings('team/pushed', digest);
  expect(await completedEvents(client, scanId)).toBe(1);
}, 180_000);

let heldDigest = '';

it('kill -9 of the worker holding a pushed image scan mid-way (its manifest request at the gate)', async () => {
  proxy.close();
  heldDigest = await pushImage(registry, layouts, 'team/held');
  await proxy.waitHeld(1, 120_000);
  const [port] = proxy.heldPorts();
  const pid = await pidOfClientPort(port ?? 0);
  const victim = workers.find((w) => w.pid === pid);
  expect(victim, `pid ${pid} holding the manifest request is one of the workers`).toBeDefined();
  expect((await scansOf(client, heldDigest)).map((s) => s.status)).toEqual(['RUNNING']);
  victim?.kill('SIGKILL');
  expect((await victim?.exited)?.signal).toBe('SIGKILL');
  proxy.open();
  // The scan is handed on once it is stale (budget + as much again); the next two cases run meanwhile,
  // and the one after them holds what became of it.
}, 180_000);

it('kill -9 of the acting scheduler: the standby takes over and its feeder queues a later push', async () => {
  const acting = await Promise.any(
    schedulers.map(async (s) => s.waitFor(/scheduler: acting/, 60_000).then(() => s)),
  );
  const standby = schedulers.find((s) => s !== acting) as RoleProcess;
  expect(standby.count(/scheduler: acting/)).toBe(0);
  acting.kill('SIGKILL');
  expect((await acting.exited).signal).toBe('SIGKILL');
  await standby.waitFor(/scheduler: acting/, 120_000);

  const digest = await pushImage(registry, layouts, 'team/after');
  const scanId = await scannedOnce(digest);
  await expectImageFindings('team/after', digest);
  expect(await completedEvents(client, scanId)).toBe(1);
}, 240_000);

it('kill -9 of the worker sending a webhook delivery: another worker sends the event again', async () => {
  holdNextNewEvent();
  const digest = await pushImage(registry, layouts, 'team/hooked');
  const held = await pollUntil(
    'a delivery held by the receiver',
    () => Promise.resolve(receiver.arrivals.find((a) => a.answer === 'hang')),
    (a) => a !== undefined,
    120_000,
  );
  const pid = await pidOfClientPort(held?.remotePort ?? 0);
  const victim = workers.find((w) => w.pid === pid);
  expect(victim, `pid ${pid} sending the held delivery is one of the workers`).toBeDefined();
  victim?.kill('SIGKILL');
  expect((await victim?.exited)?.signal).toBe('SIGKILL');
  const afterKill = receiver.arrivals.length;
  const again = await pollUntil(
    `event ${held?.event.id} delivered after the kill`,
    () =>
      Promise.resolve(
        receiver.arrivals.slice(afterKill).find((a) => a.event.id === held?.event.id && a.answer === 200),
      ),
    (a) => a !== undefined,
    180_000,
  );
  expect(again?.event).toEqual(held?.event);
  await scannedOnce(digest);
}, 240_000);

it("the killed worker's scan was completed by another worker, once: findings neither lost nor doubled", async () => {
  const scanId = await scannedOnce(heldDigest);
  await expectImageFindings('team/held', heldDigest);
  expect(await completedEvents(client, scanId)).toBe(1);
  // The scan's queue jobs (pg-boss singleton key `image-scan:<scan id>`) all ended completed: none is
  // left failed, or active on the dead worker.
  const jobs = await client.query<{ state: string; retry_count: number }>(
    'SELECT state, retry_count FROM pgboss.job WHERE singleton_key = $1',
    [`image-scan:${scanId}`],
  );
  expect(jobs.rows.length).toBeGreaterThan(0);
  expect(new Set(jobs.rows.map((j) => j.state))).toEqual(new Set(['completed']));
  process.stdout.write(`killed worker's scan: queue jobs ${JSON.stringify(jobs.rows)}\n`);
}, 180_000);

it('every event of the outbox reaches the webhook receiver: at least once on the wire, once by id', async () => {
  const outboxIds = async (): Promise<string[]> =>
    (
      await client.query<{ seq: string }>('SELECT seq FROM outbox WHERE account_id = $1 AND seq > $2', [
        ACCOUNT,
        cursorAtSubscription,
      ])
    ).rows.map((r) => `evt-${r.seq}`);
  const expected = await outboxIds();
  const types = await client.query<{ type: string }>('SELECT DISTINCT type FROM outbox');
  expect(types.rows.map((r) => r.type)).toEqual(
    expect.arrayContaining(['vigil.scan.completed', 'vigil.finding.created']),
  );
  const delivered = (): Set<string> =>
    new Set(receiver.arrivals.filter((a) => a.answer === 200).map((a) => a.event.id));
  await pollUntil(
    'every outbox event delivered',
    () => Promise.resolve(expected.filter((id) => !delivered().has(id))),
    (missing) => missing.length === 0,
    180_000,
  );
  // Nothing arrived that the outbox does not hold, and each copy of an id is the same event.
  const all = new Set(await outboxIds());
  const onWire = receiver.arrivals.map((a) => a.event.id);
  expect(onWire.filter((id) => !all.has(id))).toEqual([]);
  const bodies = new Map<string, string>();
  for (const a of receiver.arrivals) {
    const seen = bodies.get(a.event.id);
    if (seen !== undefined) expect(JSON.stringify(a.event), a.event.id).toBe(seen);
    bodies.set(a.event.id, JSON.stringify(a.event));
  }
  expect(receiver.arrivals.every((a) => a.signatureOk)).toBe(true);
  // The receiver's refusals and the killed sender made copies on the wire: at least once, not exactly.
  expect(onWire.length).toBeGreaterThan(all.size);
  // Every delivery row of those events comes to say DELIVERED: none is left PENDING or FAILED. (The
  // receiver records an arrival before its answer reaches the worker that writes DELIVERED: poll.)
  const wanted = new Set(expected);
  const rows = await pollUntil(
    'every delivery row DELIVERED',
    async () =>
      (
        await client.query<{ event_id: string; status: string }>(
          'SELECT event_id, status FROM webhook_deliveries WHERE outbox_seq > $1',
          [cursorAtSubscription],
        )
      ).rows.filter((r) => wanted.has(r.event_id)),
    (rs) => rs.every((r) => r.status === 'DELIVERED'),
    60_000,
  );
  expect(rows.filter((r) => r.status !== 'DELIVERED')).toEqual([]);
  expect(rows).toHaveLength(expected.length);
  expect(receiver.opensslDisagreements()).toEqual([]);
  process.stdout.write(
    `webhook: ${expected.length} outbox events, ${onWire.length} deliveries on the wire, ${new Set(onWire).size} distinct ids\n`,
  );
}, 240_000);
