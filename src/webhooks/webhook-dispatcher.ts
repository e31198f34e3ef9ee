import type { FastifyInstance } from 'fastify';
import { pollingTask } from '../server/background/polling-task.js';
import type { BackgroundTask, ServerContext } from '../server/server-context.js';

/** Placeholder registered in server-modules.ts; filled in by its owner. */
export function createWebhookDispatcher(ctx: ServerContext, _app: FastifyInstance): BackgroundTask {
  return pollingTask('webhook-dispatcher', ctx.config.pollIntervalMs, () => Promise.resolve());
}
