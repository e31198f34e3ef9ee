import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server/server-context.js';

/** Placeholder registered in server-modules.ts; filled in by its owner. */
export function installAuditLog(_app: FastifyInstance, _ctx: ServerContext): Promise<void> {
  return Promise.resolve();
}
