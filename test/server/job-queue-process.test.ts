import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../src/jobs/queue/job-queue.contract.js';
import { startPostgres, type PrivatePostgres } from '../fixtures/postgres.js';
import { createFirstKey, startServerProcess, type ServerProcess } from './e2e/server-process.js';

/**
 * `vigil server --job-queue pg-boss` on a PostgreSQL service DB, as a user runs it: pg-boss's schema
 * appears in the service DB, a report asked for over the API is built by a queue job in the same process, and
 * SIGTERM stops it cleanly (the queue stopped gracefully, exit 0).
 */
describe('vigil server --job-queue pg-boss runs its jobs on pg-boss', () => {
  let cluster: PrivatePostgres;
  let dir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    cluster = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'vigil-queue-proc-'));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--job-queue pg-boss: a report through the queue, a clean SIGTERM', async () => {
    const key = await createFirstKey(cluster.url, 'acct-1');
    server = await startServerProcess([
      '--database',
      cluster.url,
      '--db',
      join(dir, 'vulndb.sqlite'),
      '--poll-interval-ms',
      '100',
      '--job-queue',
      'pg-boss',
    ]);
    const api = async (
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; json: unknown }> => {
      const res = await fetch(`${server?.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: await res.json() };
    };
    expect(await api('GET', '/v1/jobs/dead-letter')).toEqual({
      status: 200,
      json: { queue: 'pg-boss', jobs: [] },
    });
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      const schema = await client.query(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = 'pgboss'",
      );
      expect(schema.rowCount).toBe(1);
    } finally {
      await client.end();
    }
    const asked = await api('POST', '/v1/reports', { format: 'CSV' });
    expect(asked.status).toBe(202);
    const reportId = (asked.json as { reportId: string }).reportId;
    await until(
      'the report to be built by a queue job',
      async () =>
        ((await api('GET', `/v1/reports/${reportId}`)).json as { status: string }).status === 'SUCCEEDED',
      60_000,
    );
    const code = await server.stop();
    server = undefined;
    expect(code).toBe(0);
  }, 240_000);
});
