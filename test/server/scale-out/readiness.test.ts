import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/server/server-app.js';
import { call } from '../api-server.js';
import { BACKENDS } from '../service-db-backends.js';

for (const make of BACKENDS) {
  const backend = make();
  describe(`/health and /ready on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('answer without a key; /ready turns 503 naming the database once it cannot be reached', async () => {
      const { db } = await backend.fresh();
      const app = await buildServer({ db, background: false });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        expect(await call(base, undefined, 'GET', '/ready')).toEqual({
          status: 200,
          json: { status: 'ready', checks: { database: 'up' } },
        });
        // The probes are not part of the API's document.
        const doc = (await call(base, undefined, 'GET', '/openapi.json')).json as { paths: object };
        expect(Object.keys(doc.paths)).not.toContain('/ready');
        expect((await call(base, undefined, 'GET', '/v1/findings')).status).toBe(401);

        await db.close();
        expect(await call(base, undefined, 'GET', '/ready')).toEqual({
          status: 503,
          json: { status: 'unavailable', checks: { database: 'down' } },
        });
        expect(await call(base, undefined, 'GET', '/health')).toEqual({
          status: 200,
          json: { status: 'ok' },
        });
      } finally {
        await app.close();
      }
    });

    it('a worker serves the probes and no API; its tasks are the worker tasks', async () => {
      const { db } = await backend.fresh();
      const app = await buildServer({ db, background: false, role: 'worker' });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        expect((await call(base, undefined, 'GET', '/ready')).status).toBe(200);
        expect((await call(base, undefined, 'GET', '/openapi.json')).status).toBe(404);
        expect((await call(base, undefined, 'GET', '/v1/findings')).status).toBe(404);
        expect(app.vigil.tasks.map((t) => t.name).sort()).toEqual([
          'report-worker',
          'scan-worker',
          'webhook-dispatcher',
        ]);
      } finally {
        await app.close();
        await db.close();
      }
    });

    it('queue mode: the /ready of a worker names the queue (pg-boss on postgres; refused on sqlite)', async () => {
      const { db } = await backend.fresh();
      const config = { jobQueue: 'pg-boss' } as const;
      try {
        if (backend.name === 'sqlite') {
          await expect(buildServer({ db, background: false, role: 'worker', config })).rejects.toMatchObject({
            code: 'JOB_QUEUE_CONFIG',
          });
          return;
        }
        const app = await buildServer({ db, background: false, role: 'worker', config });
        const base = await app.listen({ port: 0, host: '127.0.0.1' });
        try {
          expect(await call(base, undefined, 'GET', '/ready')).toEqual({
            status: 200,
            json: { status: 'ready', checks: { database: 'up', queue: 'up' } },
          });
          // Its work comes as queue jobs: no polling worker runs beside them.
          expect(app.vigil.tasks).toEqual([]);
        } finally {
          await app.close();
        }
      } finally {
        await db.close();
      }
    });
  });
}
