import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { QUEUE_JOBS } from '../../src/jobs/queue-jobs.js';
import { until } from '../../src/jobs/queue/job-queue.contract.js';
import { buildServer } from '../../src/server/server-app.js';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { insertAccount, LOOPBACK_EGRESS } from './api-server.js';
import { randomFinding, rng } from './random-findings.js';
import { startReceiver } from './webhooks-receiver.js';

/**
 * Queue mode on the embedded SQLite with the in-process queue: the polling workers give way to the
 * feeder and the queue's consumers, and a report asked for over the API is built by a queue job;
 * the same job delivered again finds the report claimed and builds nothing; webhook events reach a
 * real receiver through delivery jobs, each once.
 */
describe('queue mode with the in-process queue (sqlite)', () => {
  let dir: string;
  let db: ServiceDb;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-queue-sqlite-'));
    db = await openServiceDb({ url: `sqlite:${join(dir, 'svc.sqlite')}` });
    await insertAccount(db, 'acct-1');
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a report export runs as a queue job, once', async () => {
    const key = (await createApiKey(db.kysely, { accountId: 'acct-1', role: 'admin' })).key;
    const app = await buildServer({
      db,
      config: { jobQueue: 'in-process', pollIntervalMs: 20, workerThreads: 0 },
    });
    try {
      const names = app.vigil.tasks.map((t) => t.name);
      expect(names).toContain('queue-feeder');
      expect(names).not.toContain('report-worker');
      expect(names).not.toContain('scan-worker');
      const auth = { authorization: `Bearer ${key}` };
      const asked = await app.inject({
        method: 'POST',
        url: '/v1/reports',
        headers: auth,
        payload: { format: 'CSV' },
      });
      expect(asked.statusCode).toBe(202);
      const reportId = asked.json<{ reportId: string }>().reportId;
      const status = async (): Promise<string> =>
        (await app.inject({ method: 'GET', url: `/v1/reports/${reportId}`, headers: auth })).json<{
          status: string;
        }>().status;
      await until('the report to be built', async () => (await status()) === 'SUCCEEDED');
      const row = await db.kysely
        .selectFrom('reports')
        .selectAll()
        .where('id', '=', reportId)
        .executeTakeFirstOrThrow();

      // The same job once more, through the real handler: the report is not QUEUED, nothing is rebuilt.
      const def = QUEUE_JOBS.find((j) => j.type === 'report-export');
      await def?.handler({ ctx: app.vigil.ctx, stop: new AbortController().signal })({
        id: 'again',
        type: 'report-export',
        payload: { reportId },
        retryCount: 0,
        retryLimit: 3,
      });
      expect(
        await db.kysely
          .selectFrom('reports')
          .selectAll()
          .where('id', '=', reportId)
          .executeTakeFirstOrThrow(),
      ).toEqual(row);
      expect(
        (await app.inject({ method: 'GET', url: '/v1/jobs/dead-letter', headers: auth })).json(),
      ).toEqual({
        queue: 'in-process',
        jobs: [],
      });
    } finally {
      await app.close();
    }
  }, 60_000);

  it('webhook events go out through delivery jobs, each event once, signed', async () => {
    const key = (await createApiKey(db.kysely, { accountId: 'acct-1', role: 'admin' })).key;
    const app = await buildServer({
      db,
      config: { jobQueue: 'in-process', pollIntervalMs: 20, workerThreads: 0, ...LOOPBACK_EGRESS },
    });
    const receiver = await startReceiver();
    try {
      expect(app.vigil.tasks.map((t) => t.name)).not.toContain('webhook-dispatcher');
      const res = await app.inject({
        method: 'POST',
        url: '/v1/accounts/acct-1/webhooks',
        headers: { authorization: `Bearer ${key}` },
        payload: { url: receiver.url },
      });
      expect(res.statusCode).toBe(201);
      receiver.secret = res.json<{ secret: string }>().secret;
      const now = new Date();
      await db.kysely
        .insertInto('resources')
        .values({
          id: 'h-1',
          account_id: 'acct-1',
          type: 'HOST',
          tags_json: '{}',
          details_json: '{}',
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .execute();
      const findings: Finding[] = ['f-1', 'f-2', 'f-3'].map((id, i) => ({
        ...randomFinding(rng(i + 7), i),
        id,
        status: 'ACTIVE',
        resources: [{ id: 'h-1', type: 'HOST', details: {} }],
      }));
      await applyScanOfResource(db.kysely, { accountId: 'acct-1', resourceId: 'h-1', findings, now });
      const pending = async (): Promise<number> =>
        (
          await db.kysely
            .selectFrom('webhook_deliveries')
            .select('seq')
            .where('status', '!=', 'DELIVERED')
            .execute()
        ).length;
      await until('the deliveries', async () => receiver.arrivals.length >= 3 && (await pending()) === 0);
      // Several more feeder polls: nothing delivered is sent again.
      await new Promise((r) => setTimeout(r, 300));
      const ids = receiver.arrivals.map((a) => a.event.id);
      expect(ids.length).toBe(3);
      expect(new Set(ids).size).toBe(3);
      expect(receiver.arrivals.every((a) => a.signatureOk)).toBe(true);
    } finally {
      await app.close();
      await receiver.close();
    }
  }, 60_000);
});
