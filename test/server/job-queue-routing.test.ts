import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { QUEUE_JOBS } from '../../src/jobs/queue-jobs.js';
import { until } from '../../src/jobs/queue/job-queue.contract.js';
import { buildServer } from '../../src/server/server-app.js';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { insertAccount } from './api-server.js';

/**
 * Queue mode on the embedded SQLite with the in-process queue: the polling workers give way to the
 * feeder and the queue's consumers, and a report asked for over the API is built by a queue job;
 * the same job delivered again finds the report claimed and builds nothing.
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
});
