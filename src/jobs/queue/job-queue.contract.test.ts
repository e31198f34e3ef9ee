import { afterAll, beforeAll } from 'vitest';
import pg from 'pg';
import { startPostgres, type PrivatePostgres } from '../../../test/fixtures/postgres.js';
import { InProcessJobQueue } from './in-process-queue.js';
import { jobQueueContract } from './job-queue.contract.js';
import { PgBossJobQueue } from './pg-boss-queue.js';

jobQueueContract('in-process', {
  make: ({ concurrency }) => Promise.resolve(new InProcessJobQueue({ concurrency })),
});

let cluster: PrivatePostgres | undefined;
let n = 0;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(() => cluster?.stop());

/** Each queue gets a database of its own in the file's private cluster. */
async function freshDatabase(): Promise<string> {
  if (!cluster) throw new Error('postgres not started');
  const name = `queue_${++n}`;
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return cluster.url.replace('/postgres?', `/${name}?`);
}

jobQueueContract('pg-boss', {
  make: async ({ concurrency }) =>
    new PgBossJobQueue({ connectionString: await freshDatabase(), concurrency, pollingIntervalSeconds: 0.5 }),
});
