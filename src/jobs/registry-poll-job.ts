import { registriesDueForPoll } from '../resources/registries/registry-store.js';
import { pollRegistry } from '../scan/registry-poll.js';
import { pollingTask } from './polling-task.js';
import { REGISTRY_POLL_EXPIRE_SECONDS } from './queue-job-expiry.js';
import { JOB_PRIORITY, QUEUE_JOB } from './queue-jobs.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** Registries poll at their own interval (a minute at least); checking which are due is one query. */
const INTERVAL_MS = 15_000;

/**
 * Polls each registry with discovery POLLING or BOTH once its interval has passed, one at a time; in
 * queue mode it sends each due registry's poll as a job instead (singleton key: the registry id).
 */
export function createRegistryPollTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  return pollingTask(
    'registry-poll',
    Math.max(ctx.config.pollIntervalMs, Math.min(INTERVAL_MS, ctx.config.pollIntervalMs * 20)),
    async () => {
      for (const registry of await registriesDueForPoll(ctx.db, ctx.now())) {
        // Queue mode: the workers poll; one job per registry at a time (a due one waiting is not sent again).
        if (ctx.queue) {
          await ctx.queue.send(
            QUEUE_JOB.registryPoll,
            { registryId: registry.id },
            {
              priority: JOB_PRIORITY['registry-poll'],
              singletonKey: registry.id,
              accountId: registry.account_id,
              expireInSeconds: REGISTRY_POLL_EXPIRE_SECONDS,
            },
          );
          continue;
        }
        const out = await pollRegistry(ctx, registry);
        if (out.error) log.error({ registryId: registry.id, error: out.error }, 'registry poll failed');
      }
    },
    (err) => log.error({ err }, 'registry polling failed'),
  );
}
