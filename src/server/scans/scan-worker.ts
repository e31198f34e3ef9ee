import type { FastifyInstance } from 'fastify';
import { pollingTask } from '../background/polling-task.js';
import type { BackgroundTask, ServerContext } from '../server-context.js';

/** Placeholder registered in server-modules.ts; filled in by its owner. */
export function createScanWorker(ctx: ServerContext, _app: FastifyInstance): BackgroundTask {
  return pollingTask('scan-worker', ctx.config.pollIntervalMs, () => Promise.resolve());
}
