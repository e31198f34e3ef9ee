import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccount } from '../auth/auth-hook.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { resourcePackages } from '../../resources/resource-packages.js';
import { AccountIdString, errorResponses, ResourceIdString } from './route-schemas.js';

const Params = Type.Object({
  accountId: AccountIdString,
  resourceId: ResourceIdString,
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
export function registerResourcePackagesRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/v1/accounts/:accountId/resources/:resourceId/packages',
    { schema: { params: Params, querystring: Query, response: { 200: Page, ...errorResponses } } },
    async (req) => {
      const { accountId, resourceId } = req.params as Static<typeof Params>;
      requireAccount(req, accountId);
      const q = req.query as Static<typeof Query>;
      return resourcePackages(ctx, {
        accountId,
        resourceId,
        limit: q.maxResults ?? 100,
        offset: Number(q.nextToken ?? 0),
        ...(q.search ? { search: q.search } : {}),
      });
    },
  );
}
