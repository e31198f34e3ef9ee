import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/findings/finding-types.js';
import { sendInventoryMatch } from '../../../src/jobs/inventory-match-job.js';
import { QUEUE_JOBS } from '../../../src/jobs/queue-jobs.js';
import { until } from '../../../src/jobs/queue/job-queue.contract.js';
import { JobReleasedError } from '../../../src/jobs/queue/job-released-error.js';
import { PgBossJobQueue } from '../../../src/jobs/queue/pg-boss-queue.js';
import { queueDepths } from '../../../src/jobs/service-gauges.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { postgresBackend, sqliteBackend } from '../service-db-backends.js';
import { debianInventory, inventoryHash, post, type Host } from './agent-client.js';
import { get, openFleetVulnDb, startFleetServer, type FleetServer } from './fleet-server.js';

/**
 * Issue 17: inventory matching as a queue job. On PostgreSQL with pg-boss the api stores a check-in's
 * (or a submission's) inventory and answers at once; a worker (here a pg-boss consumer of its own with
 * the real QUEUE_JOBS handlers, started only when the test wants matching to happen) claims the host's
 * newest upload and applies it through the same code as the synchronous path, which a SQLite server
 * beside it runs for comparison.
 */
const sqlite = sqliteBackend();
const pgsql = postgresBackend();
let vulns: Awaited<ReturnType<typeof openFleetVulnDb>>;
let syncDb: ServiceDb;
let queueDb: ServiceDb;
let url: string;
let sync: FleetServer;
let q: FleetServer;
let worker: PgBossJobQueue | undefined;
const MAX_STORED = 5;

const vulnerable = debianInventory({ testlib: '1.0-1', leftpad: '1.0.0' });
const fixed = debianInventory({ testlib: '1.2-1', leftpad: '1.0.0' });

beforeAll(async () => {
  await Promise.all([sqlite.setup(), pgsql.setup()]);
  syncDb = (await sqlite.fresh()).db;
  ({ db: queueDb, url } = await pgsql.fresh());
  vulns = await openFleetVulnDb();
  sync = await startFleetServer(syncDb, vulns.vulns, { workerThreads: 0 });
  q = await startFleetServer(queueDb, vulns.vulns, {
    workerThreads: 0,
    jobQueue: 'pg-boss',
    maxStoredUploads: MAX_STORED,
    uploadRetryDelaySeconds: 1,
  });
  // The api's side of the queue: it sends, and consumes nothing (background: false).
  await q.app.vigil.ctx.queue?.start();
}, 120_000);
afterAll(async () => {
  await worker?.stop({ graceful: false });
  await q?.close();
  await sync?.close();
  await queueDb?.close();
  await syncDb?.close();
  await vulns?.close();
  await pgsql.teardown();
  await sqlite.teardown();
});

async function startWorker(): Promise<void> {
  worker = new PgBossJobQueue({ connectionString: url });
  const stop = new AbortController().signal;
  for (const def of QUEUE_JOBS) await worker.work(def.type, def.handler({ ctx: q.app.vigil.ctx, stop }));
  await worker.start();
}

/** The `inventory-match` handler run by hand (a job delivered, or delivered again). */
async function runMatchJob(host: Pick<Host, 'accountId' | 'resourceId'>, retryCount = 0): Promise<void> {
  const def = QUEUE_JOBS.find((j) => j.type === 'inventory-match');
  if (!def) throw new Error('no inventory-match job');
  const payload = { accountId: host.accountId, resourceId: host.resourceId };
  await def.handler({ ctx: q.app.vigil.ctx, stop: new AbortController().signal })({
    id: 'by-hand',
    type: 'inventory-match',
    payload,
    retryCount,
    retryLimit: 3,
  });
}

async function findingsOf(f: FleetServer, resourceId: string): Promise<Finding[]> {
  const filter = encodeURIComponent(
    JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: resourceId }] }),
  );
  return (await get(f.base, f.keys.member, `/v1/findings?filter=${filter}`)).json['findings'] as Finding[];
}

/** What a finding says, without what names its host or its row (ids, ARNs, the resource block). */
const essence = (fs: Finding[]) =>
  fs
    .map((x) => ({
      vulnerabilityId: x.packageVulnerabilityDetails?.vulnerabilityId,
      packages: x.packageVulnerabilityDetails?.vulnerablePackages,
      severity: x.severity,
      status: x.status,
      firstObservedAt: x.firstObservedAt,
    }))
    .sort((a, b) => String(a.vulnerabilityId).localeCompare(String(b.vulnerabilityId)));

const uploadRows = () => queueDb.kysely.selectFrom('queued_uploads').selectAll().execute();
const outboxCount = async () =>
  Number(
    (
      await queueDb.kysely
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const coverageReason = async (resourceId: string) =>
  (
    await queueDb.kysely
      .selectFrom('coverage')
      .select('reason')
      .where('resource_id', '=', resourceId)
      .where('scan_type', '=', 'PACKAGE')
      .executeTakeFirst()
  )?.reason;

describe('before any worker runs', () => {
  it('two uploads of one host wait; the job applies only the newest; run again it changes nothing', async () => {
    const host = await q.enroll(await q.createToken(), 'aaaa0000aaaa0000aaaa0000aaaa0001');
    const first = await q.checkin(host, { hash: inventoryHash(vulnerable), inventory: vulnerable });
    expect(first).toEqual({
      status: 200,
      json: { checkinIntervalSeconds: 60, wantInventory: false, serverTime: q.clock.now.toISOString() },
    });
    const second = await q.checkin(host, { hash: inventoryHash(fixed), inventory: fixed });
    expect(second.json['wantInventory']).toBe(false);
    expect(await findingsOf(q, host.resourceId)).toEqual([]);
    expect((await uploadRows()).map((r) => r.inventory_hash)).toEqual(
      expect.arrayContaining([inventoryHash(vulnerable), inventoryHash(fixed)]),
    );

    await runMatchJob(host);
    // The fixed inventory only (leftpad's advisory): the vulnerable one was never applied, so there is
    // no finding of testlib at all, not even a closed one.
    const found = await findingsOf(q, host.resourceId);
    expect(found.map((x) => x.packageVulnerabilityDetails?.vulnerabilityId)).toEqual(['CVE-2099-0001']);
    const rows = await queueDb.kysely
      .selectFrom('findings')
      .select('status')
      .where('resource_id', '=', host.resourceId)
      .execute();
    expect(rows.map((r) => r.status)).toEqual(['ACTIVE']);
    expect(await uploadRows()).toEqual([]);
    const agent = await queueDb.kysely
      .selectFrom('host_agents')
      .select('inventory_hash')
      .where('resource_id', '=', host.resourceId)
      .executeTakeFirstOrThrow();
    expect(agent.inventory_hash).toBe(inventoryHash(fixed));

    // The same job delivered again: nothing to claim, nothing written.
    const events = await outboxCount();
    await runMatchJob(host);
    expect(await findingsOf(q, host.resourceId)).toEqual(found);
    expect(await outboxCount()).toBe(events);
  }, 60_000);

  it('a worker stopped past the shutdown grace puts the upload back and releases its job', async () => {
    const host = await q.enroll(await q.createToken(), 'aaaa0000aaaa0000aaaa0000aaaa0003');
    await q.checkin(host, { hash: inventoryHash(vulnerable), inventory: vulnerable });
    const def = QUEUE_JOBS.find((j) => j.type === 'inventory-match');
    if (!def) throw new Error('no inventory-match job');
    const stopped = new AbortController();
    stopped.abort();
    const job = { id: 'j-stop', type: 'inventory-match', payload: { ...host }, retryCount: 0, retryLimit: 3 };
    await expect(def.handler({ ctx: q.app.vigil.ctx, stop: stopped.signal })(job)).rejects.toBeInstanceOf(
      JobReleasedError,
    );
    expect((await uploadRows()).map((r) => [r.resource_id, r.state])).toEqual([[host.resourceId, 'QUEUED']]);
    expect(await findingsOf(q, host.resourceId)).toEqual([]);
    await runMatchJob(host);
    expect(await findingsOf(q, host.resourceId)).toHaveLength(2);
  }, 60_000);

  it('stored and unfinished uploads are bounded: past the bound 503 SERVER_BUSY with Retry-After', async () => {
    const host = await q.enroll(await q.createToken(), 'aaaa0000aaaa0000aaaa0000aaaa0002');
    const filler = Array.from({ length: MAX_STORED }, (_, i) => ({
      id: `filler-${i}`,
      account_id: 'acct-f',
      resource_id: 'i-filler',
      kind: 'checkin',
      seq: `0-${i}`,
      state: 'QUEUED',
      received_at: q.clock.now.toISOString(),
      claimed_at: null,
      inventory_hash: null,
      body_json: '{}',
    }));
    await queueDb.kysely.insertInto('queued_uploads').values(filler).execute();
    // /metrics' queue depth lists the new type by itself.
    expect(await queueDepths(queueDb.kysely)).toContainEqual(
      expect.objectContaining({ jobType: 'inventory-match', depth: MAX_STORED }),
    );
    const refused = await fetch(`${q.base}/v1/agent/checkin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        agentVersion: '0.1.0',
        sentAt: q.clock.now.toISOString(),
        inventoryHash: inventoryHash(vulnerable),
        inventory: vulnerable,
      }),
    });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { code: string }).code).toBe('SERVER_BUSY');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const submitted = await post(q.base, '/v1/accounts/acct-f/resources/i-bounded/inventory', vulnerable, {
      key: q.keys.admin,
    });
    expect(submitted.status).toBe(503);
    await queueDb.kysely.deleteFrom('queued_uploads').where('resource_id', '=', 'i-filler').execute();
    expect(await uploadRows()).toEqual([]);
  }, 60_000);
});

describe('with a worker consuming the queue', () => {
  beforeAll(startWorker, 60_000);

  it("a check-in's findings equal the synchronous path's; heartbeats during the wait are not asked again", async () => {
    const token = async (f: FleetServer) => f.createToken();
    const syncHost = await sync.enroll(await token(sync), 'bbbb0000bbbb0000bbbb0000bbbb0001');
    const syncAnswer = await sync.checkin(syncHost, {
      hash: inventoryHash(vulnerable),
      inventory: vulnerable,
    });
    expect(syncAnswer.json['wantInventory']).toBe(false);

    // The queue's worker waits while the upload is checked: the job goes stopped-then-started below.
    await worker?.stop({ graceful: true });
    const host = await q.enroll(await token(q), 'bbbb0000bbbb0000bbbb0000bbbb0001');
    const answer = await q.checkin(host, { hash: inventoryHash(vulnerable), inventory: vulnerable });
    expect(answer).toEqual(syncAnswer);
    expect(await uploadRows()).toHaveLength(1);
    const beat = await q.checkin(host, { hash: inventoryHash(vulnerable) });
    expect(beat.json['wantInventory']).toBe(false);
    // Another hash is another inventory: that one is asked for.
    expect((await q.checkin(host, { hash: inventoryHash(fixed) })).json['wantInventory']).toBe(true);

    await startWorker();
    await until('the upload matched', async () => (await uploadRows()).length === 0);
    const queued = await findingsOf(q, host.resourceId);
    expect(queued.length).toBe(2);
    expect(essence(queued)).toEqual(essence(await findingsOf(sync, syncHost.resourceId)));
    expect(await coverageReason(host.resourceId)).toBe('SUCCESSFUL');
  }, 60_000);

  it('a poison upload whose job was lost: the feeder sends it, it is dead-lettered after its retries; the next upload is matched', async () => {
    const host = await q.enroll(await q.createToken(), 'cccc0000cccc0000cccc0000cccc0001');
    // Stored by an api that died before sending its job, with a body the handler cannot read.
    await queueDb.kysely
      .insertInto('queued_uploads')
      .values({
        id: 'poison',
        account_id: host.accountId,
        resource_id: host.resourceId,
        kind: 'checkin',
        seq: '0-poison',
        state: 'QUEUED',
        received_at: new Date(q.clock.now.getTime() - 60_000).toISOString(),
        claimed_at: null,
        inventory_hash: inventoryHash(fixed),
        body_json: '{not json',
      })
      .execute();
    await q.runJob('queue-feeder');
    const queue = q.app.vigil.ctx.queue;
    if (!queue) throw new Error('no queue');
    await until(
      'the poison job dead-lettered',
      async () => (await queue.deadLetters()).some((d) => d.type === 'inventory-match'),
      30_000,
    );
    const dead = (await queue.deadLetters()).find((d) => d.type === 'inventory-match');
    expect(dead).toMatchObject({ payload: { resourceId: host.resourceId }, attempts: 4 });
    expect(await uploadRows()).toEqual([]);
    expect(await coverageReason(host.resourceId)).toBe('INTERNAL_ERROR');
    // The host is asked for its inventory again, and the next one is matched.
    expect((await q.checkin(host, { hash: inventoryHash(fixed) })).json['wantInventory']).toBe(true);
    await q.checkin(host, { hash: inventoryHash(vulnerable), inventory: vulnerable });
    await until('the next upload matched', async () => (await findingsOf(q, host.resourceId)).length === 2);
    await until('its coverage', async () => (await coverageReason(host.resourceId)) === 'SUCCESSFUL');
  }, 60_000);

  it('POST …/inventory answers 202 QUEUED, and the findings appear once a worker matched it', async () => {
    const path = '/v1/accounts/acct-f/resources/i-submitted/inventory';
    const bad = await post(q.base, path, { ...vulnerable, packages: 'none' }, { key: q.keys.admin });
    expect(bad.status).toBe(400);
    const r = await post(q.base, path, vulnerable, { key: q.keys.admin });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ resourceId: 'i-submitted', status: 'QUEUED' });
    const scanId = String(r.json['scanId']);
    await until('the submission matched', async () => (await findingsOf(q, 'i-submitted')).length === 2);
    expect(await uploadRows()).toEqual([]);
    // The scan the 202 named is the one applied.
    const scan = await get(q.base, q.keys.member, `/v1/accounts/acct-f/scans/${scanId}`);
    expect(scan.json).toMatchObject({ status: 'SUCCEEDED' });
  }, 60_000);
});

// One sanity check that `sendInventoryMatch` keys jobs by host: a second send while one waits is dropped.
it('one inventory-match job per host at once', async () => {
  const queue = q.app.vigil.ctx.queue;
  if (!queue) throw new Error('no queue');
  await worker?.stop({ graceful: true });
  const ref = { accountId: 'acct-f', resourceId: 'i-nobody' };
  expect(await sendInventoryMatch(q.app.vigil.ctx, queue, ref)).toBeDefined();
  expect(await sendInventoryMatch(q.app.vigil.ctx, queue, ref)).toBeUndefined();
});
