import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { isServerAdmin } from '../../accounts/server-admin.js';
import type { ServiceContext, ServiceVulnDb } from '../../jobs/service-context.js';
import { importView, recentImports } from '../../scan/vulndb-import-view.js';
import { importUploadedFile } from '../../scan/vulndb-upload.js';
import { principalOf } from '../auth/auth-hook.js';
import { forbidden, HttpError, notFound } from '../http/http-error.js';
import { receiveUpload } from '../http/upload-body.js';
import { ErrorSchema, errorResponses } from './route-schemas.js';
import {
  ImportIdParams,
  ImportList,
  ImportQuery,
  ImportSchema,
  ListQuery,
  UPLOAD_MEDIA_TYPES,
  UploadBody,
} from './vulndb-import-schemas.js';

const IMPORTS = '/v1/vulnerability-db/imports';

/** Params and query checked as the server's Ajv would; the body is a stream the handler reads. */
const paramsAjv = new Ajv({
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: false,
  strict: false,
});
const streamedBody: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  httpPart === 'body' ? () => true : paramsAjv.compile(schema as object);

/** The vulnerability DB is the server's, shared by every account: only a server admin touches it. */
async function requireServerAdmin(req: FastifyRequest, ctx: ServiceContext): Promise<void> {
  if (!(await isServerAdmin(ctx.db, principalOf(req))))
    throw forbidden(
      'the vulnerability DB is shared by every account: an admin key of a delegated administrator or of an account in no organization is needed',
    );
}

function vulnDbOf(ctx: ServiceContext): ServiceVulnDb {
  if (!ctx.vulnDb) throw new HttpError(503, 'VULNDB_UNAVAILABLE', 'this server has no vulnerability DB');
  return ctx.vulnDb;
}

/**
 * The server's own vulnerability DB (`--db`), as resources: POST …/imports uploads a feed file and
 * imports it through `vigil db import`'s path in one transaction (src/scan/vulndb-upload.ts), then
 * starts the re-match of the stored inventories it touched at once (not at the job's next poll) and
 * answers 202 with the import's change counts and a Location to follow the re-match. GET lists the
 * import log (uploads, `db import` beside the server, scheduled updates) with each entry's re-match
 * status. Uploads run one at a time: a second one while another is received or imported is 409
 * IMPORT_IN_PROGRESS (retry later) — a queue would hold the bodies on disk for no gain, as the import
 * transaction serializes them anyway.
 */
export function registerVulnDbImportRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  let uploading = false;
  /** The newest import-log entry a re-match this server started covers, while it runs (0: none). */
  let rematchUpTo = 0;

  const startRematch = (seq: number): void => {
    const task = app.vigil.tasks.find((t) => t.name === 'rematch');
    if (!task) return;
    rematchUpTo = Math.max(rematchUpTo, seq);
    task
      .runOnce()
      .catch((err: unknown) => app.log.error({ err }, 're-match after an uploaded import failed'))
      .finally(() => {
        if (rematchUpTo === seq) rematchUpTo = 0;
      });
  };

  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, parsed) => parsed(null, payload));
    scope.setValidatorCompiler(streamedBody);
    scope.addHook('onRequest', (req) => requireServerAdmin(req, ctx));

    scope.post(
      IMPORTS,
      {
        schema: {
          description:
            "Uploads a feed file into the server's vulnerability DB (one transaction: a bad file writes nothing), then re-matches the stored inventories it touched right away. 202: the import committed; follow Location until rematch.status is COMPLETED. Server admins only; one upload at a time (409 IMPORT_IN_PROGRESS).",
          consumes: [...UPLOAD_MEDIA_TYPES],
          querystring: ImportQuery,
          body: UploadBody,
          response: {
            202: ImportSchema,
            ...errorResponses,
            409: ErrorSchema,
            413: ErrorSchema,
            415: ErrorSchema,
            503: ErrorSchema,
          },
        },
      },
      async (req, reply) => {
        const vulnDb = vulnDbOf(ctx);
        const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
        if (coding !== 'identity' && coding !== '')
          throw new HttpError(
            415,
            'UNSUPPORTED_CONTENT_ENCODING',
            'send the file as it is (a .gz file is fine)',
          );
        if (uploading)
          throw new HttpError(
            409,
            'IMPORT_IN_PROGRESS',
            'another upload is being imported; retry when it is done',
          );
        uploading = true;
        try {
          const seq = await receiveAndImport(ctx, vulnDb, req);
          // The answer says what the import changed and that its re-match is under way (started next).
          const view = await importView(ctx, vulnDb, seq, seq);
          startRematch(seq);
          return reply.status(202).header('location', `${IMPORTS}/${seq}`).send(view);
        } finally {
          uploading = false;
        }
      },
    );

    scope.get(
      IMPORTS,
      {
        schema: {
          description:
            'The newest entries of the vulnerability DB import log, whoever committed them, with their re-match status.',
          querystring: ListQuery,
          response: { 200: ImportList, ...errorResponses, 503: ErrorSchema },
        },
      },
      async (req) => {
        const { limit = 20 } = req.query as Static<typeof ListQuery>;
        return { imports: await recentImports(ctx, vulnDbOf(ctx), limit, rematchUpTo) };
      },
    );

    scope.get(
      `${IMPORTS}/:importId`,
      {
        schema: {
          description: 'One import-log entry: what it changed, and how far the re-match it caused got.',
          params: ImportIdParams,
          response: { 200: ImportSchema, ...errorResponses, 503: ErrorSchema },
        },
      },
      async (req) => {
        const { importId } = req.params as Static<typeof ImportIdParams>;
        const vulnDb = vulnDbOf(ctx);
        const view = /^[1-9][0-9]{0,15}$/.test(importId)
          ? await importView(ctx, vulnDb, Number(importId), rematchUpTo)
          : undefined;
        if (!view) throw notFound(`import ${importId}`);
        return view;
      },
    );
    done();
  });
}

/** The body to a private temp file, imported from there; the file is gone afterwards either way. */
async function receiveAndImport(
  ctx: ServiceContext,
  vulnDb: ServiceVulnDb,
  req: FastifyRequest,
): Promise<number> {
  const { filename, feed } = req.query as Static<typeof ImportQuery>;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-upload-'));
  try {
    const name = filename ?? 'upload';
    const path = join(dir, name);
    const body = req.body as NodeJS.ReadableStream | undefined;
    if (body) await receiveUpload(body, req.headers['content-length'], path, ctx.config.vulnDbUploadMaxBytes);
    const change = await importUploadedFile(vulnDb, {
      path,
      displayName: name,
      named: filename !== undefined,
      ...(feed !== undefined ? { feed } : {}),
    });
    if (change.seq === undefined) throw new Error('the import committed without an import-log entry');
    return change.seq;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
