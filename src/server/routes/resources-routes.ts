import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResourceType } from '../../findings/finding-types.js';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { HttpError, notFound } from '../http/http-error.js';
import {
  deleteResource,
  insertResource,
  replaceTags,
  resourceRow,
  resourceView,
  type ResourceTable,
} from '../scans/resource-store.js';
import { isUniqueViolation } from '../scans/unique-violation.js';
import type { ServerContext } from '../server-context.js';
import { AccountParams, ErrorSchema, errorResponses, type AccountParamsT } from './route-schemas.js';

/** Ids are free text (host names, instance ids, repositories with slashes) but never control characters. */
const ResourceId = Type.String({ minLength: 1, maxLength: 500, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
const Tags = Type.Record(Type.String(), Type.String(), { maxProperties: 50 });
const Details = Type.Record(Type.String(), Type.Unknown());
const Resource = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  type: Type.String(),
  tags: Tags,
  details: Details,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const ResourceParams = Type.Object({
  accountId: Type.String({ minLength: 1, maxLength: 200 }),
  resourceId: Type.String({ minLength: 1, maxLength: 500 }),
});
type ResourceParamsT = Static<typeof ResourceParams>;
const CreateBody = Type.Object(
  {
    id: ResourceId,
    // CONTAINER_IMAGE resources are made by image scans (their id is the manifest digest).
    type: Type.Union([Type.Literal('HOST'), Type.Literal('CONTAINER_REPOSITORY')]),
    tags: Type.Optional(Tags),
    details: Type.Optional(Details),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object({ tags: Tags }, { additionalProperties: false });
const ListQuery = Type.Object({
  type: Type.Optional(
    Type.Union([Type.Literal('HOST'), Type.Literal('CONTAINER_IMAGE'), Type.Literal('CONTAINER_REPOSITORY')]),
  ),
});
const errors = { ...errorResponses, 409: ErrorSchema };

/** AWS's tag limits, so tags copied from (or to) a cloud account always fit. */
function checkTags(tags: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128 || v.length > 256)
      throw new HttpError(400, 'INVALID_TAGS', 'tag keys are 1–128 characters, values at most 256', {
        key: k,
      });
  }
  return tags;
}

function checkDetails(details: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(details).length > 16_384)
    throw new HttpError(400, 'DETAILS_TOO_LARGE', 'resource details are at most 16 KiB of JSON');
  return details;
}

/** Resources of an account: hosts and repositories registered here, images brought in by scans. */
export function registerResourcesRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db } = ctx;
  const live = async (req: FastifyRequest): Promise<ResourceTable> => {
    const { accountId, resourceId } = req.params as ResourceParamsT;
    const row = await resourceRow(db, accountId, resourceId);
    if (!row || row.deleted_at) throw notFound(`resource ${resourceId}`);
    return row;
  };

  app.post(
    '/v1/accounts/:accountId/resources',
    { schema: { params: AccountParams, body: CreateBody, response: { 201: Resource, ...errors } } },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      const body = req.body as Static<typeof CreateBody>;
      const tags = checkTags(body.tags ?? {});
      const details = checkDetails(body.details ?? {});
      const now = ctx.now().toISOString();
      const exists = new HttpError(409, 'RESOURCE_EXISTS', `resource ${body.id} already exists`, {
        id: body.id,
      });
      try {
        await db.transaction().execute(async (trx) => {
          const old = await resourceRow(trx, accountId, body.id);
          if (old && !old.deleted_at) throw exists;
          const type: ResourceType = body.type;
          await insertResource(trx, {
            accountId,
            id: body.id,
            type,
            tags,
            details,
            now,
            reason: 'PENDING_INITIAL_SCAN',
          });
        });
      } catch (err) {
        // Two registrations racing past the check: the primary key decides, the loser hears 409.
        throw isUniqueViolation(err) ? exists : err;
      }
      const row = await resourceRow(db, accountId, body.id);
      return reply.status(201).send(resourceView(row as ResourceTable));
    },
  );

  app.get(
    '/v1/accounts/:accountId/resources',
    {
      schema: {
        params: AccountParams,
        querystring: ListQuery,
        response: { 200: Type.Object({ resources: Type.Array(Resource) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      const { type } = req.query as Static<typeof ListQuery>;
      let q = db
        .selectFrom('resources')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null);
      if (type) q = q.where('type', '=', type);
      return { resources: (await q.orderBy('id').execute()).map(resourceView) };
    },
  );

  app.get(
    '/v1/accounts/:accountId/resources/:resourceId',
    { schema: { params: ResourceParams, response: { 200: Resource, ...errorResponses } } },
    async (req) => {
      requireAccount(req, (req.params as ResourceParamsT).accountId);
      return resourceView(await live(req));
    },
  );

  app.patch(
    '/v1/accounts/:accountId/resources/:resourceId',
    { schema: { params: ResourceParams, body: PatchBody, response: { 200: Resource, ...errorResponses } } },
    async (req) => {
      const { accountId, resourceId } = req.params as ResourceParamsT;
      requireAccount(req, accountId);
      const tags = checkTags((req.body as Static<typeof PatchBody>).tags);
      await live(req);
      const now = ctx.now().toISOString();
      await db.transaction().execute((trx) => replaceTags(trx, accountId, resourceId, tags, now));
      return resourceView(await live(req));
    },
  );

  app.delete(
    '/v1/accounts/:accountId/resources/:resourceId',
    {
      schema: {
        params: ResourceParams,
        response: { 200: Type.Object({ id: Type.String(), closedFindings: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const { accountId, resourceId } = req.params as ResourceParamsT;
      // Deleting closes findings: a member key could otherwise hide what a scan found.
      requireAdmin(req, accountId);
      const now = ctx.now();
      const closed = await db.transaction().execute(async (trx) => {
        const row = await resourceRow(trx, accountId, resourceId);
        if (!row || row.deleted_at) throw notFound(`resource ${resourceId}`);
        return deleteResource(trx, { accountId, id: resourceId, type: row.type, now });
      });
      return { id: resourceId, closedFindings: closed };
    },
  );
}
