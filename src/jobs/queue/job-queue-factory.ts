import { InProcessJobQueue } from './in-process-queue.js';
import type { JobQueue } from './job-queue.js';
import { PgBossJobQueue } from './pg-boss-queue.js';
import { JobQueueConfigError } from './job-queue-config-error.js';

/**
 * The queue of a service: pg-boss in the service DB on PostgreSQL (its own schema, `pgboss`), or the
 * in-process one. pg-boss needs the PostgreSQL URL; asking for it on SQLite is a configuration error.
 */
export function openJobQueue(
  kind: 'in-process' | 'pg-boss',
  db: { dialect: string; url?: string },
  concurrency: number,
  onError: (err: unknown) => void = () => undefined,
  /** pg-boss: how often expired jobs (a dead worker's) are handed back; default 120 s (pg-boss's). */
  maintenanceIntervalSeconds?: number,
): JobQueue {
  if (kind === 'in-process') return new InProcessJobQueue({ concurrency });
  if (db.dialect !== 'postgres' || db.url === undefined)
    throw new JobQueueConfigError('the pg-boss job queue needs a PostgreSQL service DB');
  return new PgBossJobQueue({
    connectionString: db.url,
    concurrency,
    onError,
    ...(maintenanceIntervalSeconds !== undefined ? { maintenanceIntervalSeconds } : {}),
  });
}
