import type { FastifyInstance } from 'fastify';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, ServerContext } from '../server-context.js';

/** Placeholder registered in server-modules.ts; filled in by its owner. */
export function createRetentionTask(ctx: ServerContext, _app: FastifyInstance): BackgroundTask {
  return pollingTask('retention', ctx.config.pollIntervalMs, () => Promise.resolve());
}
