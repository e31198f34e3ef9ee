import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Inventory } from '../../core/inventory.js';
import { requireAccount } from '../auth/auth-hook.js';
import { HttpError, notFound } from '../http/http-error.js';
import { resourceRow } from '../scans/resource-store.js';
import type { ServerContext } from '../server-context.js';
import { errorResponses } from './route-schemas.js';

const Params = Type.Object({
  accountId: Type.String({ minLength: 1, maxLength: 200 }),
  resourceId: Type.String({ minLength: 1, maxLength: 500 }),
});
const Query = Type.Object({
  search: Type.Optional(
    Type.String({ maxLength: 200, description: 'case-insensitive substring of name, version or purl' }),
  ),
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  nextToken: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
});
const Pkg = Type.Object({
  name: Type.String(),
  version: Type.String(),
  ecosystem: Type.String(),
  purl: Type.String(),
  filePath: Type.Optional(Type.String()),
  layerDigest: Type.Optional(Type.String()),
  sourceName: Type.Optional(Type.String()),
  sourceVersion: Type.Optional(Type.String()),
  foundBy: Type.Optional(Type.String()),
});
const Page = Type.Object({
  packages: Type.Array(Pkg),
  total: Type.Integer(),
  nextToken: Type.Optional(Type.String()),
});

/**
 * GET …/resources/{r}/packages: the stored inventory of a resource (its last scan), searchable and
 * paged, sorted by name and version. A resource with no stored inventory has no packages.
 */
export function registerResourcePackagesRoutes(app: FastifyInstance, { db }: ServerContext): void {
  app.get(
    '/v1/accounts/:accountId/resources/:resourceId/packages',
    { schema: { params: Params, querystring: Query, response: { 200: Page, ...errorResponses } } },
    async (req) => {
      const { accountId, resourceId } = req.params as Static<typeof Params>;
      requireAccount(req, accountId);
      const resource = await resourceRow(db, accountId, resourceId);
      if (!resource || resource.deleted_at) throw notFound(`resource ${resourceId}`);
      const q = req.query as Static<typeof Query>;
      const row = await db
        .selectFrom('inventories')
        .select('inventory_json')
        .where('account_id', '=', accountId)
        .where('resource_id', '=', resourceId)
        .executeTakeFirst();
      const all = row ? (JSON.parse(row.inventory_json) as Inventory).packages : [];
      const needle = q.search?.toLowerCase();
      const hits = (
        needle ? all.filter((p) => `${p.name} ${p.version} ${p.purl}`.toLowerCase().includes(needle)) : all
      )
        .map((p) => ({
          name: p.name,
          version: p.version,
          ecosystem: p.ecosystem,
          purl: p.purl,
          ...(p.filePath ? { filePath: p.filePath } : {}),
          ...(p.layerDigest ? { layerDigest: p.layerDigest } : {}),
          ...(p.sourceName ? { sourceName: p.sourceName } : {}),
          ...(p.sourceVersion ? { sourceVersion: p.sourceVersion } : {}),
          ...(p.foundBy ? { foundBy: p.foundBy } : {}),
        }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
      const offset = Number(q.nextToken ?? 0);
      if (offset > hits.length) throw new HttpError(400, 'VALIDATION', 'nextToken is past the end');
      const limit = q.maxResults ?? 100;
      const next = offset + limit;
      return {
        packages: hits.slice(offset, next),
        total: hits.length,
        ...(next < hits.length ? { nextToken: String(next) } : {}),
      };
    },
  );
}
