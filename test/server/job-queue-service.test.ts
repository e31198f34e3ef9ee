import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importView } from '../../src/scan/vulndb-import-view.js';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { createQueueFeeder } from '../../src/jobs/queue-feeder-job.js';
import { rematchBatchExpirySeconds } from '../../src/jobs/queue-job-expiry.js';
import { QUEUE_JOBS } from '../../src/jobs/queue-jobs.js';
import type { Job, JobPayload } from '../../src/jobs/queue/job-queue.js';
import { until } from '../../src/jobs/queue/job-queue.contract.js';
import { PgBossJobQueue } from '../../src/jobs/queue/pg-boss-queue.js';
import { rematchFromImportLog } from '../../src/scan/rematch-from-log.js';
import { rematchStoredInventories } from '../../src/scan/rematch-run.js';
import { queueScan } from '../../src/scan/scan-store.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { insertAccount } from './api-server.js';
import { hostInventory } from './rematch-data.js';
import { postgresBackend } from './service-db-backends.js';
import { submitInline } from './submit-inline.js';

/**
 * Issue 17's queue on a private PostgreSQL cluster: the scheduler's feeder cuts a re-match after a data
 * update into batch jobs, two pg-boss consumers share them (each holds its first batch until the other
 * has one), the findings equal a whole re-match's, and a batch run twice changes nothing. A poison job
 * is dead-lettered after its retries while later jobs complete, and the dead letters are visible in
 * the API only to the keys that may see them.
 */
const ADMIN = 'acct-admin';
const MEMBER = 'acct-m';
const NOW = new Date('2026-06-01T00:00:00.000Z');
const HOSTS = ['h-1', 'h-2', 'h-3', 'h-4', 'h-5', 'h-6'];

interface Consumer {
  name: string;
  queue: PgBossJobQueue;
  batches: JobPayload[];
}

describe('job queue in the service (pg-boss)', () => {
  const backend = postgresBackend();
  let dir: string;
  let db: ServiceDb;
  let url: string;
  let vulndb: VulnDb;
  let app: FastifyInstance;
  let keys: { admin: string; memberAdmin: string; member: string };
  const consumers: Consumer[] = [];
  const feederErrors: unknown[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-queue-'));
    await backend.setup();
    ({ db, url } = await backend.fresh());
    vulndb = await openVulnDb(join(dir, 'vulndb.sqlite'));
    await db.kysely
      .insertInto('organizations')
      .values({ id: 'o1', name: 'Org', delegated_admin_account_id: ADMIN, created_at: NOW.toISOString() })
      .execute();
    await insertAccount(db, ADMIN, 'o1');
    await insertAccount(db, MEMBER, 'o1');
    keys = {
      admin: (await createApiKey(db.kysely, { accountId: ADMIN, role: 'admin' })).key,
      memberAdmin: (await createApiKey(db.kysely, { accountId: MEMBER, role: 'admin' })).key,
      member: (await createApiKey(db.kysely, { accountId: MEMBER, role: 'member' })).key,
    };
    app = await buildServer({
      db,
      store: vulndb.store,
      vulnDb: vulndb,
      now: () => NOW,
      config: { jobQueue: 'pg-boss', rematchBatchSize: 2, workerThreads: 0 },
      background: false,
    });
    // The api/scheduler side: its queue sends (the feeder) but consumes nothing.
    await app.vigil.ctx.queue?.start();
  }, 120_000);

  afterAll(async () => {
    for (const c of consumers) await c.queue.stop({ graceful: false });
    await app?.close();
    await vulndb?.close();
    await db?.close();
    await backend.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A worker's consumer: its own pg-boss connection, the real handlers of QUEUE_JOBS, and a tap that
   * records the re-match batches it took. A consumer's first batch waits until every consumer has
   * started one, so the test proves the batches were shared, not taken by whoever polled first.
   */
  async function startConsumers(n: number): Promise<void> {
    const started = new Set<string>();
    for (let i = 0; i < n; i++) {
      const c: Consumer = {
        name: `w${i}`,
        queue: new PgBossJobQueue({ connectionString: url }),
        batches: [],
      };
      const stop = new AbortController().signal;
      for (const def of QUEUE_JOBS) {
        const handler = def.handler({ ctx: app.vigil.ctx, stop });
        const tap = async (job: Job): Promise<void> => {
          if (job.type === 'rematch-batch' && Array.isArray(job.payload['resources'])) {
            started.add(c.name);
            await until('every consumer to hold a batch', () => started.size === n);
          }
          await handler(job);
          if (job.type === 'rematch-batch') c.batches.push(job.payload);
        };
        await c.queue.work(def.type, tap);
      }
      await c.queue.start();
      consumers.push(c);
    }
  }

  const ctx = (): StoreContext => ({ db: db.kysely, dialect: db.dialect, now: () => NOW });
  const feeder = () => createQueueFeeder(app.vigil.ctx, { error: (obj) => feederErrors.push(obj) });
  const batchesDone = (): number => consumers.reduce((n, c) => n + c.batches.length, 0);

  async function findingsSnapshot(): Promise<{ rows: unknown[]; events: number }> {
    const rows = await db.kysely.selectFrom('findings').selectAll().orderBy('id').execute();
    const events = await db.kysely
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { rows, events: Number(events.n) };
  }

  it('two consumers share a re-match by batches; the result is a whole re-match; a batch run twice changes nothing', async () => {
    const versions = new Map([['alpha', '1.0-1']]);
    for (const id of HOSTS) {
      const body = hostInventory({ id, release: '12', sources: ['alpha'] }, versions);
      await submitInline(ctx(), vulndb.store, { accountId: MEMBER, resourceId: id, body });
    }
    // The service has seen the (empty) DB once, so the next import is re-matched by its keys.
    await rematchFromImportLog(ctx(), vulndb);
    const osv = join(dir, 'alpha.jsonl');
    const record = {
      schema_version: '1.6.0',
      id: 'CVE-2099-0001',
      modified: '2025-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'Debian:12', name: 'alpha' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0-1' }] }],
        },
      ],
    };
    writeFileSync(osv, JSON.stringify(record) + '\n');
    await vulndb.import([await osvFeed(osv, 'osv-test')]);

    await feeder().runOnce();
    expect(feederErrors).toEqual([]);
    // Each batch's hold reached pg-boss (pgboss.job.expire_in), from its size, not the 15-minute default.
    expect(await expiryOfWaiting('rematch-batch')).toEqual([120, 120, 120]);
    expect(rematchBatchExpirySeconds(2)).toBe(120);
    expect(rematchBatchExpirySeconds(200)).toBe(600);
    await startConsumers(2);
    const state = await db.kysely
      .selectFrom('rematch_state')
      .select('last_run_json')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(state.last_run_json ?? '{}')).toMatchObject({
      mode: 'keys',
      selected: 6,
      queuedBatches: 3,
    });

    // Sent is not done: the import says IN_PROGRESS until the last batch has run, then the batches' sums.
    const seq = await vulndb.latestImportSeq();
    const rematchOfImport = async () => (await importView(ctx(), vulndb, seq, 0))?.rematch;
    expect(await rematchOfImport()).toEqual({ status: 'IN_PROGRESS' });
    await until('three batches done', () => batchesDone() === 3);
    // The import only added a record: each batch narrows its hosts' comparison to it.
    for (const b of consumers.flatMap((c) => c.batches)) expect(b['newRecords']).toEqual(['CVE-2099-0001']);
    const figures = { resourcesRematched: 6, resourcesChanged: 6, findingsCreated: 6, findingsClosed: 0 };
    expect(await rematchOfImport()).toMatchObject({ status: 'COMPLETED', run: figures });
    for (const c of consumers) expect(c.batches.length, `batches of ${c.name}`).toBeGreaterThanOrEqual(1);
    const after = await findingsSnapshot();
    const active = after.rows.filter((r) => (r as { status: string }).status === 'ACTIVE');
    expect(active.map((r) => (r as { resource_id: string }).resource_id).sort()).toEqual(HOSTS);
    // The batches' result is what one whole re-match computes: running one now changes nothing.
    expect(await rematchStoredInventories(ctx(), vulndb.store, undefined)).toMatchObject({ changed: 0 });

    // The same batch delivered again: same findings, byte for byte, and no new event.
    const again = consumers[0]?.batches[0] ?? {};
    await app.vigil.ctx.queue?.send('rematch-batch', again);
    await until('the repeated batch', () => batchesDone() === 4);
    expect(await findingsSnapshot()).toEqual(after);
    // A batch done twice counts once.
    expect(await rematchOfImport()).toMatchObject({ status: 'COMPLETED', run: figures });
  }, 120_000);

  it('a poison job is dead-lettered after its retries while later jobs complete; the API shows it to who may see it', async () => {
    const queue = app.vigil.ctx.queue;
    if (!queue) throw new Error('no queue');
    await queue.send(
      'rematch-batch',
      { keys: 'garbage', resources: 5 },
      { retryLimit: 1, retryDelaySeconds: 1 },
    );
    await queue.send('rematch-batch', { keys: null }, { retryLimit: 0, accountId: MEMBER });
    const good = consumers[1]?.batches[0] ?? {};
    const before = batchesDone();
    await queue.send('rematch-batch', good);
    await until('the later job', () => batchesDone() === before + 1);
    await until('two dead letters', async () => (await queue.deadLetters()).length === 2);

    const list = async (key: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/jobs/dead-letter',
        headers: { authorization: `Bearer ${key}` },
      });
      return { status: res.statusCode, body: res.json() };
    };
    const asAdmin = await list(keys.admin);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body['queue']).toBe('pg-boss');
    const jobs = asAdmin.body['jobs'] as Array<Record<string, unknown>>;
    const poison = jobs.find((j) => j['accountId'] === null);
    expect(poison).toMatchObject({
      type: 'rematch-batch',
      payload: { keys: 'garbage', resources: 5 },
      attempts: 2,
    });
    expect(String(poison?.['error'])).toContain('keys must be null or a list');
    expect(jobs.find((j) => j['accountId'] === MEMBER)).toMatchObject({ attempts: 1 });

    // A member account's admin sees its own account's dead letters, never the fleet's.
    const asMember = await list(keys.memberAdmin);
    expect((asMember.body['jobs'] as Array<Record<string, unknown>>).map((j) => j['accountId'])).toEqual([
      MEMBER,
    ]);
    expect((await list(keys.member)).status).toBe(403);
    const retry = (key: string, id: string) =>
      app.inject({
        method: 'POST',
        url: `/v1/jobs/dead-letter/${id}/retry`,
        headers: { authorization: `Bearer ${key}` },
      });
    const denied = await retry(keys.memberAdmin, String(poison?.['id']));
    expect(denied.statusCode).toBe(404);
    expect(denied.json()).toMatchObject({ code: 'JOB_NOT_FOUND' });
    const accepted = await retry(keys.admin, String(poison?.['id']));
    expect(accepted.statusCode).toBe(202);
    // It is queued again (and, still poison, comes back to the dead letters after its retries).
    await until('the retried poison back in the dead letters', async () =>
      (await queue.deadLetters()).some((d) => d.accountId === null && d.id !== poison?.['id']),
    );
  }, 120_000);

  it('a queued scan is sent once and run once: a repeat of its job finds it claimed; a scan left RUNNING past its budget waits again', async () => {
    const queue = app.vigil.ctx.queue;
    if (!queue) throw new Error('no queue');
    // A kind no worker runs: the real path claims it and FAILS it with its reason, all the same.
    const scanId = await queueScan(ctx(), { accountId: MEMBER, kind: 'sbom-upload', request: {} });
    await feeder().runOnce();
    const row = () =>
      db.kysely.selectFrom('scans').selectAll().where('id', '=', scanId).executeTakeFirstOrThrow();
    await until('the scan to finish', async () => (await row()).status === 'FAILED');
    const done = await row();
    expect(JSON.parse(done.error_json ?? '{}')).toMatchObject({ code: 'UNSUPPORTED_SCAN' });
    await queue.send('image-scan', { scanId });
    await until('the repeated job to be consumed', queueIdle);
    expect(await row()).toEqual(done);

    // A worker killed mid-scan leaves its row RUNNING: past the budget, the feeder queues it again.
    await db.kysely
      .updateTable('scans')
      .set({ status: 'RUNNING', started_at: '2026-05-01T00:00:00.000Z', error_json: null, finished_at: null })
      .where('id', '=', scanId)
      .execute();
    await feeder().runOnce();
    await until('the stale scan to run again', async () => (await row()).status === 'FAILED');
    expect((await row()).started_at).toBe(NOW.toISOString());
    expect(feederErrors).toEqual([]);
  }, 120_000);

  /** The expire_in (seconds) of the waiting jobs of a type (pg-boss's own table). */
  async function expiryOfWaiting(type: string): Promise<number[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ s: number }>(
        "SELECT extract(epoch FROM expire_in)::int AS s FROM pgboss.job WHERE name = 'vigil-jobs' AND data->>'type' = $1 AND state = 'created'",
        [type],
      );
      return rows.map((r) => r.s);
    } finally {
      await client.end();
    }
  }

  /** No image-scan job of the service's queue waits or runs (pg-boss's own table). */
  async function queueIdle(): Promise<boolean> {
    const { rows } = await poolQuery(
      "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'vigil-jobs' AND data->>'type' = 'image-scan' AND state IN ('created', 'retry', 'active')",
    );
    return rows[0]?.n === 0;
  }

  async function poolQuery(text: string): Promise<{ rows: Array<{ n: number }> }> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query<{ n: number }>(text);
    } finally {
      await client.end();
    }
  }
});
