import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import {
  getResource,
  listResources,
  registerResource,
  terminateResource,
  updateResourceTags,
} from '../../resources/resource-service.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import {
  AccountIdString,
  AccountParams,
  ErrorSchema,
  errorResponses,
  ResourceIdString,
  type AccountParamsT,
} from './route-schemas.js';

const Tags = Type.Record(Type.String(), Type.String(), { maxProperties: 50 });
const Details = Type.Record(Type.String(), Type.Unknown());
const Coverage = Type.Object(
  {
    scanType: Type.Literal('PACKAGE'),
    status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE')]),
    reason: Type.String({
      description:
        'PENDING_INITIAL_SCAN, SUCCESSFUL, NO_INVENTORY, UNSUPPORTED_OS, INTERNAL_ERROR, STALE_INVENTORY, ' +
        'AGENT_OFFLINE, EXCLUDED_BY_TAG, SCAN_TYPE_DISABLED, RESOURCE_TERMINATED, UNMANAGED_EC2_INSTANCE',
    }),
  },
  {
    description:
      'Package scanning of this resource, as GET /v1/coverage shows it (one store: the coverage table).',
  },
);
const Resource = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  type: Type.String(),
  tags: Tags,
  details: Details,
  coverage: Coverage,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const ResourceParams = Type.Object({
  accountId: AccountIdString,
  resourceId: ResourceIdString,
});
type ResourceParamsT = Static<typeof ResourceParams>;
const CreateBody = Type.Object(
  {
    id: ResourceIdString,
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

/** Resources of an account: hosts and repositories registered here, images brought in by scans. */
export function registerResourcesRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post(
    '/v1/accounts/:accountId/resources',
    { schema: { params: AccountParams, body: CreateBody, response: { 201: Resource, ...errors } } },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      const body = req.body as Static<typeof CreateBody>;
      const resource = await registerResource(ctx, {
        accountId,
        id: body.id,
        type: body.type,
        ...(body.tags ? { tags: body.tags } : {}),
        ...(body.details ? { details: body.details } : {}),
      });
      return reply.status(201).send(resource);
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
      return { resources: await listResources(ctx, accountId, type) };
    },
  );

  app.get(
    '/v1/accounts/:accountId/resources/:resourceId',
    { schema: { params: ResourceParams, response: { 200: Resource, ...errorResponses } } },
    async (req) => {
      const { accountId, resourceId } = req.params as ResourceParamsT;
      requireAccount(req, accountId);
      return getResource(ctx, accountId, resourceId);
    },
  );

  app.patch(
    '/v1/accounts/:accountId/resources/:resourceId',
    { schema: { params: ResourceParams, body: PatchBody, response: { 200: Resource, ...errorResponses } } },
    async (req) => {
      const { accountId, resourceId } = req.params as ResourceParamsT;
      requireAccount(req, accountId);
      return updateResourceTags(ctx, accountId, resourceId, (req.body as Static<typeof PatchBody>).tags);
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
      const closed = await terminateResource(ctx, accountId, resourceId);
      return { id: resourceId, closedFindings: closed };
    },
  );
}
