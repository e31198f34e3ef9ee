import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  forgetAppliedObject,
  listAppliedObjects,
  recordAppliedObject,
} from '../../accounts/applied-objects.js';
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

const AppliedObject = Type.Object({
  kind: Type.String(),
  objectId: Type.String(),
  identity: Type.String(),
  recordedAt: Type.String(),
});
const ObjectParams = Type.Object({
  accountId: AccountIdString,
  // A label apply chooses (its kind's name); the one id schema of every path parameter.
  appliedKind: IdString(64),
  appliedObjectId: IdString(200),
});
type ObjectParamsT = Static<typeof ObjectParams>;
const RecordBody = Type.Object(
  { identity: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

/**
 * What `vigil apply` owns in an account: apply records each object it creates and forgets it when it
 * deletes it, so `--prune` never touches an object made another way. Admin keys write; readers read.
 */
export function registerAppliedObjectRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  app.get(
    '/v1/accounts/:accountId/applied-objects',
    {
      schema: {
        description: 'The objects of the account that `vigil apply` created and owns.',
        params: AccountParams,
        response: { 200: Type.Object({ objects: Type.Array(AppliedObject) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return { objects: await listAppliedObjects(db, accountId) };
    },
  );
  app.put(
    '/v1/accounts/:accountId/applied-objects/:appliedKind/:appliedObjectId',
    {
      schema: {
        description:
          'Records that `vigil apply` owns this object (its kind, its id, the key apply knows it by).',
        params: ObjectParams,
        body: RecordBody,
        response: { 200: AppliedObject, ...errorResponses },
      },
    },
    async (req) => {
      const p = req.params as ObjectParamsT;
      requireAdmin(req, p.accountId);
      const { identity } = req.body as Static<typeof RecordBody>;
      return recordAppliedObject(db, {
        accountId: p.accountId,
        kind: p.appliedKind,
        objectId: p.appliedObjectId,
        identity,
        now: ctx.now(),
      });
    },
  );
  app.delete(
    '/v1/accounts/:accountId/applied-objects/:appliedKind/:appliedObjectId',
    {
      schema: {
        description: 'Forgets that `vigil apply` owns this object (after apply deleted it).',
        params: ObjectParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const p = req.params as ObjectParamsT;
      requireAdmin(req, p.accountId);
      const kind = p.appliedKind;
      const found = await forgetAppliedObject(db, { ...p, kind, objectId: p.appliedObjectId });
      if (!found) throw notFound(`applied object ${kind}/${p.appliedObjectId}`);
      return reply.code(204).send();
    },
  );
}
