import { Type, type Static } from '@sinclair/typebox';
import canonicalize from 'canonicalize';
import type { FastifyInstance } from 'fastify';
import {
  createVexDocument,
  deleteVexDocument,
  getVexDocument,
  listVexDocuments,
} from '../../findings/vex/vex-documents.js';
import { parseVexDocument } from '../../findings/vex/vex-parse.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import {
  AccountIdString,
  AccountParams,
  errorResponses,
  IdString,
  type AccountParamsT,
} from './route-schemas.js';

/** A VEX document is a few statements about a product; 4 MiB holds tens of thousands of them. */
export const VEX_BODY_LIMIT = 4 * 1024 * 1024;

const Doc = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  format: Type.Union([Type.Literal('openvex'), Type.Literal('cyclonedx')]),
  specVersion: Type.String(),
  vexId: Type.Optional(Type.String({ description: 'OpenVEX @id or CycloneDX serialNumber' })),
  author: Type.Optional(Type.String()),
  timestamp: Type.Optional(Type.String()),
  statementCount: Type.Integer(),
  sha256: Type.String({ description: 'SHA-256 of the document as canonical JSON (RFC 8785)' }),
  createdBy: Type.Optional(Type.String()),
  createdAt: Type.String(),
});
const DocWithStatements = Type.Intersect([
  Doc,
  Type.Object({ statements: Type.Array(Type.Unknown(), { description: 'normalized statements' }) }),
]);
const Changed = Type.Object({
  document: Doc,
  findingsChanged: Type.Integer({ description: 'Open findings whose status or suppression changed.' }),
});
const DocParams = Type.Object({ accountId: AccountIdString, vexId: IdString(200) });
type DocParamsT = Static<typeof DocParams>;

/**
 * VEX documents of an account (issue 16): OpenVEX or CycloneDX JSON, uploaded as the request body.
 * Admin keys upload and delete, every key of the account reads — as for suppression rules, whose
 * machinery applies the statements: an upload or delete re-evaluates the account's open findings in
 * the same transaction. A document that does not parse is a 400 (VEX_INVALID, VEX_UNSUPPORTED_VERSION)
 * and nothing is written.
 */
export function registerVexRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  const base = '/v1/accounts/:accountId/vex';
  app.post(
    base,
    {
      bodyLimit: VEX_BODY_LIMIT,
      schema: {
        params: AccountParams,
        body: Type.Unknown({ description: 'an OpenVEX or CycloneDX (1.4–1.6) VEX JSON document' }),
        response: { 201: Changed, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      const p = requireAdmin(req, accountId);
      const content = await parseVexDocument(req.body);
      const bytes = Buffer.from(canonicalize(req.body) ?? '', 'utf8');
      const change = await createVexDocument(db, {
        accountId,
        content,
        bytes,
        keyId: p.keyId,
        now: ctx.now(),
      });
      return reply.status(201).send(change);
    },
  );

  app.get(
    base,
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ documents: Type.Array(Doc) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return { documents: await listVexDocuments(db, accountId) };
    },
  );

  app.get(
    `${base}/:vexId`,
    { schema: { params: DocParams, response: { 200: DocWithStatements, ...errorResponses } } },
    async (req) => {
      const { accountId, vexId } = req.params as DocParamsT;
      requireAccount(req, accountId);
      const doc = await getVexDocument(db, accountId, vexId);
      if (!doc) throw notFound(`VEX document ${vexId}`);
      return doc;
    },
  );

  app.delete(
    `${base}/:vexId`,
    { schema: { params: DocParams, response: { 200: Changed, ...errorResponses } } },
    async (req) => {
      const { accountId, vexId } = req.params as DocParamsT;
      requireAdmin(req, accountId);
      const change = await deleteVexDocument(db, { accountId, id: vexId, now: ctx.now() });
      if (!change) throw notFound(`VEX document ${vexId}`);
      return change;
    },
  );
}
