import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseImageReference } from '../../source/image/reference/image-reference.js';
import { requireAccount } from '../auth/auth-hook.js';
import { authorizeImageScan } from '../../scan/image-scan-policy.js';
import { HttpError, notFound } from '../http/http-error.js';
import { requireScanningEnabled } from '../../accounts/scanning-settings.js';
import { getScan, listScans, queueScan } from '../../scan/scan-store.js';
import { ScanSchema } from './scan-schemas.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import {
  AccountIdString,
  AccountParams,
  ErrorSchema,
  errorResponses,
  IdString,
  type AccountParamsT,
} from './route-schemas.js';

const ImageScanBody = Type.Object(
  {
    /** `REGISTRY/NAME[:TAG|@DIGEST]`; archives and layouts on the server's disk are not scan targets. */
    reference: Type.String({ minLength: 1, maxLength: 1000 }),
    /** Allow plain HTTP to this registry: admin keys only. */
    insecure: Type.Optional(Type.Boolean()),
    /** `os/arch[/variant]`; default linux/amd64-ish host platform. */
    platform: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$' })),
  },
  { additionalProperties: false },
);
const ScanParams = Type.Object({
  accountId: AccountIdString,
  scanId: IdString(100),
});
const ListQuery = Type.Object({
  status: Type.Optional(
    Type.Union([
      Type.Literal('QUEUED'),
      Type.Literal('RUNNING'),
      Type.Literal('SUCCEEDED'),
      Type.Literal('FAILED'),
    ]),
  ),
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

/** Only registry references: a tenant must not make the server read archives from its own disk. */
function registryReference(reference: string): string {
  let kind: string;
  try {
    kind = parseImageReference(reference).kind;
  } catch (err) {
    throw new HttpError(400, 'INVALID_IMAGE_REFERENCE', (err as Error).message, { reference });
  }
  if (kind !== 'registry')
    throw new HttpError(400, 'INVALID_IMAGE_REFERENCE', `${kind}: references are not scanned by the server`, {
      reference,
    });
  return reference.trim();
}

/** POST …/image-scans queues a scan the scan worker runs; GET …/scans lists every scan (images, inventories). */
export function registerImageScanRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  app.post(
    '/v1/accounts/:accountId/image-scans',
    {
      schema: {
        params: AccountParams,
        body: ImageScanBody,
        response: {
          202: Type.Object({ scanId: Type.String(), status: Type.String() }),
          ...errorResponses,
          409: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      const caller = requireAccount(req, accountId);
      const body = req.body as Static<typeof ImageScanBody>;
      const request = {
        reference: registryReference(body.reference),
        ...(body.insecure ? { insecure: true } : {}),
        ...(body.platform ? { platform: body.platform } : {}),
      };
      if (!ctx.store) throw new HttpError(503, 'SCANNING_UNAVAILABLE', 'this server has no vulnerability DB');
      await authorizeImageScan(caller, request, ctx.egress);
      await requireScanningEnabled(db, accountId, 'image');
      const id = await queueScan(ctx, { accountId, kind: 'image', request });
      return reply.status(202).send({ scanId: id, status: 'QUEUED' });
    },
  );

  app.get(
    '/v1/accounts/:accountId/scans/:scanId',
    { schema: { params: ScanParams, response: { 200: ScanSchema, ...errorResponses } } },
    async (req) => {
      const { accountId, scanId } = req.params as Static<typeof ScanParams>;
      requireAccount(req, accountId);
      const scan = await getScan(db, accountId, scanId);
      if (!scan) throw notFound(`scan ${scanId}`);
      return scan;
    },
  );

  app.get(
    '/v1/accounts/:accountId/scans',
    {
      schema: {
        params: AccountParams,
        querystring: ListQuery,
        response: { 200: Type.Object({ scans: Type.Array(ScanSchema) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      const q = req.query as Static<typeof ListQuery>;
      return {
        scans: await listScans(db, accountId, {
          ...(q.status ? { status: q.status } : {}),
          limit: q.maxResults ?? 100,
        }),
      };
    },
  );
}
