import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';

/** Placeholder registered in server-modules.ts; its owner fills it in. */
export function registerAuditRoutes(_app: FastifyInstance, _ctx: ServerContext): void {}
