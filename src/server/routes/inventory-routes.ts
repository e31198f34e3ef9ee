import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Inventory } from '../../core/inventory.js';
import { applyScanOfResource } from '../../findings/finding-lifecycle.js';
import { scanTarget } from '../../scan/scan-service.js';
import { requireAccount } from '../auth/auth-hook.js';
import { HttpError } from '../http/http-error.js';
import type { ServiceDatabase } from '../storage/service-db-schema.js';
import type { ServerContext } from '../server-context.js';
import { errorResponses } from './route-schemas.js';

const Params = Type.Object({
  accountId: Type.String({ minLength: 1, maxLength: 200 }),
  resourceId: Type.String({ minLength: 1, maxLength: 500 }),
});
/** The vigil inventory JSON (src/core/inventory.ts); packages are checked for the fields matching reads. */
const InventoryBody = Type.Object({
  schemaVersion: Type.Literal(1),
  source: Type.Object({ type: Type.String(), target: Type.String() }),
  os: Type.Optional(Type.Object({})),
  packages: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      version: Type.String(),
      ecosystem: Type.String(),
      purl: Type.String(),
    }),
    { maxItems: 100_000 },
  ),
  unknowns: Type.Array(Type.Unknown()),
  catalogers: Type.Record(Type.String(), Type.Number()),
  createdAt: Type.String(),
});
const Summary = Type.Object({
  resourceId: Type.String(),
  created: Type.Integer(),
  updated: Type.Integer(),
  observed: Type.Integer(),
  closed: Type.Integer(),
});

/** POST …/inventory: a host's inventory → the one scan service → the findings lifecycle. */
export function registerInventoryRoutes(
  app: FastifyInstance,
  { db, store, now: clock }: ServerContext,
): void {
  app.post(
    '/v1/accounts/:accountId/resources/:resourceId/inventory',
    { schema: { params: Params, body: InventoryBody, response: { 200: Summary, ...errorResponses } } },
    async (req) => {
      const { accountId, resourceId } = req.params as { accountId: string; resourceId: string };
      requireAccount(req, accountId);
      if (!store) throw new HttpError(503, 'SCANNING_UNAVAILABLE', 'this server has no vulnerability DB');
      const inventory = req.body as Inventory;
      const now = clock();
      const result = await scanTarget({ kind: 'inventory', inventory }, { store, accountId, now });
      await upsertHost(db, accountId, resourceId, inventory, now.toISOString());
      const resource = {
        id: resourceId,
        type: 'HOST' as const,
        details: { target: inventory.source.target },
      };
      const findings = result.findings.map((f) => ({ ...f, resources: [resource] }));
      const c = await applyScanOfResource(db, { accountId, resourceId, findings, now });
      return {
        resourceId,
        created: c.created.length,
        updated: c.updated.length,
        observed: c.observed.length,
        closed: c.closed.length,
      };
    },
  );
}

async function upsertHost(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  id: string,
  inv: Inventory,
  now: string,
): Promise<void> {
  const details = JSON.stringify({ hostname: inv.source.target, os: inv.os ?? null, lastInventoryAt: now });
  await db
    .insertInto('resources')
    .values({
      id,
      account_id: accountId,
      type: 'HOST',
      tags_json: '{}',
      details_json: details,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['account_id', 'id']).doUpdateSet({ details_json: details, updated_at: now }),
    )
    .execute();
}
