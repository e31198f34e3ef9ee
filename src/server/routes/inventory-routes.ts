import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { requireAccount } from '../auth/auth-hook.js';
import { HttpError } from '../http/http-error.js';
import { submitHostInventory } from '../../scan/inventory-submission.js';
import { readSubmittedBody } from '../../scan/submission-body.js';
import { queueSubmission } from '../../scan/queued-uploads.js';
import { uploadQueueOf } from '../../jobs/inventory-match-job.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { AccountIdString, ErrorSchema, errorResponses, ResourceIdString } from './route-schemas.js';

const Params = Type.Object({
  accountId: AccountIdString,
  resourceId: ResourceIdString,
});
/**
 * Fields a host's details copy from its inventory, and so every one of its findings carries: bounded
 * (a 15 MB `source.target` inside a 16 MB body rode along with each finding). A host name or a path.
 */
const DetailText = Type.String({ maxLength: 4096 });
const OsText = Type.Optional(Type.String({ maxLength: 256 }));
/** The vigil inventory JSON (src/core/inventory.ts); packages are checked for the fields matching reads. */
export const InventoryBody = Type.Object({
  schemaVersion: Type.Literal(1),
  source: Type.Object({ type: Type.String({ maxLength: 64 }), target: DetailText }),
  os: Type.Optional(Type.Object({ id: OsText, versionId: OsText, release: OsText, codename: OsText })),
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
/** A CycloneDX JSON SBOM (1.2–1.6); its shape is checked by submitted-inventory, with precise details. */
const CycloneDxBody = Type.Object(
  { bomFormat: Type.Literal('CycloneDX'), specVersion: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
const Summary = Type.Object({
  resourceId: Type.String(),
  scanId: Type.String(),
  packages: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  observed: Type.Integer(),
  closed: Type.Integer(),
});

/** Queue mode: the inventory is stored and a worker matches it; its findings appear once it has. */
const Queued = Type.Object({
  resourceId: Type.String(),
  scanId: Type.String(),
  status: Type.Literal('QUEUED'),
});

// CycloneDX first: a vigil inventory never carries bomFormat, so it falls through untouched.
const Body = Type.Union([CycloneDxBody, InventoryBody]);

/** Params and query checked as the server's Ajv would; the body is checked where it is parsed. */
const paramsAjv = new Ajv({
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: false,
  strict: false,
});
const bodyOnWorker: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  httpPart === 'body' ? () => true : paramsAjv.compile(schema as object);

/**
 * POST …/inventory: a host's inventory (vigil JSON or a CycloneDX SBOM) → the one scan service → the
 * resource, its stored inventory and the findings lifecycle, in one transaction. The route's resource
 * id names the findings' resource whatever the inventory calls its target. The body (up to the body
 * limit, 100,000 packages) arrives as bytes: it is parsed, checked against `Body` and matched on a
 * worker thread, so a big one never holds the event loop; only the result is applied here.
 * Queue mode: once read and checked, the inventory is stored for a worker's `inventory-match` job and
 * the answer is 202 `{resourceId, scanId, status: 'QUEUED'}` (the findings appear when it is matched).
 */
export function registerInventoryRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const uploads = uploadQueueOf(ctx);
  void app.register((scope, _opts, done) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, parsed) =>
      parsed(null, body),
    );
    scope.setValidatorCompiler(bodyOnWorker);
    scope.post(
      '/v1/accounts/:accountId/resources/:resourceId/inventory',
      {
        schema: {
          params: Params,
          body: Body,
          description:
            'Matches the inventory and answers 200 with the summary; with a job queue (`--job-queue`), stores it for a worker and answers 202 QUEUED.',
          response: { 200: Summary, 202: Queued, ...errorResponses, 409: ErrorSchema, 503: ErrorSchema },
        },
      },
      async (req, reply) => {
        const { accountId, resourceId } = req.params as { accountId: string; resourceId: string };
        requireAccount(req, accountId);
        const body = req.body as Buffer;
        if (!ctx.store) {
          // A bad body is still the client's error (400) before it is our missing DB (503).
          readSubmittedBody(body, Body);
          throw new HttpError(503, 'SCANNING_UNAVAILABLE', 'this server has no vulnerability DB');
        }
        const s = { accountId, resourceId, body, schema: Body };
        if (uploads) return reply.status(202).send(await queueSubmission(ctx, ctx.pool, uploads, s));
        return submitHostInventory(ctx, ctx.pool, s);
      },
    );
    done();
  });
}
