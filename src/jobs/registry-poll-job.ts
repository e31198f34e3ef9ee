import { registriesDueForPoll } from '../resources/registries/registry-store.js';
import { pollRegistry } from '../scan/registry-poll.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** Registries poll at their own interval (a minute at least); checking which are due is one query. */
const INTERVAL_MS = 15_000;

/** Polls each registry with discovery POLLING or BOTH once its interval has passed, one at a time. */
export function createRegistryPollTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  return pollingTask(
    'registry-poll',
    Math.max(ctx.config.pollIntervalMs, Math.min(INTERVAL_MS, ctx.config.pollIntervalMs * 20)),
    async () => {
      for (const registry of await registriesDueForPoll(ctx.db, ctx.now())) {
        const out = await pollRegistry(ctx, registry);
        if (out.error) log.error({ registryId: registry.id, error: out.error }, 'registry poll failed');
      }
    },
    (err) => log.error({ err }, 'registry polling failed'),
  );
}
