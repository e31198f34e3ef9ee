import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { installAuth } from './auth/auth-hook.js';
import { installErrorMapping } from './http/error-mapping.js';
import { registerFindingsRoutes } from './routes/findings-routes.js';
import { registerInventoryRoutes } from './routes/inventory-routes.js';
import { registerResourcesRoutes } from './routes/resources-routes.js';
import type { ServiceDatabase } from './storage/service-db-schema.js';
import type { VulnStore } from '../vulndb/vuln-types.js';

export interface ServerOptions {
  db: Kysely<ServiceDatabase>;
  /** The vulnerability DB scans match against; without it, inventory submissions answer 503. */
  store?: VulnStore;
  /** Request body limit in bytes (an inventory of a big host is a few MB). */
  bodyLimit?: number;
}

/** Builds the API (not listening): auth on every route but /health, one error mapping, OpenAPI. */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  // No request logging by default: URLs and headers could carry keys.
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024 });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'vigil', version: '0.1.0' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  installErrorMapping(app);
  installAuth(app, opts.db);
  app.get('/health', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  registerFindingsRoutes(app, opts.db);
  registerResourcesRoutes(app, opts.db);
  registerInventoryRoutes(app, opts.db, opts.store);
  await app.ready();
  return app;
}
