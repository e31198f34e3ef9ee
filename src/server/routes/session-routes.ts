import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../auth/auth-hook.js';
import { createSession, endSession, SESSION_COOKIE } from '../../accounts/console-sessions.js';
import { HttpError, notFound } from '../http/http-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { errorResponses } from './route-schemas.js';

const SignInBody = Type.Object(
  {
    key: Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'An API key (vk_…); never stored by the browser.',
    }),
  },
  { additionalProperties: false },
);
const PrincipalSchema = Type.Object({
  keyId: Type.String(),
  role: Type.String(),
  accountId: Type.String(),
  visibleAccountIds: Type.Array(Type.String()),
});
const SessionSchema = Type.Object({
  principal: PrincipalSchema,
  csrfToken: Type.Optional(
    Type.String({ description: 'Send back as X-CSRF-Token on every mutating request.' }),
  ),
  expiresAt: Type.Optional(Type.String()),
});

function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
    maxAge: maxAgeSeconds,
  });
}

/**
 * Console sessions (issue 14). POST /v1/sessions trades an API key for an HttpOnly, SameSite=Strict
 * cookie that expires; GET …/current tells the console who it is (and its CSRF token); DELETE
 * …/current ends the session on the server. The key goes over the wire once and is never stored.
 */
export function registerSessionRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const ttlMs = ctx.config.sessionTtlMinutes * 60_000;
  app.post(
    '/v1/sessions',
    {
      schema: {
        description: 'Exchanges an API key for a console session cookie (public: the key is the credential).',
        body: SignInBody,
        response: { 201: SessionSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { key } = req.body as Static<typeof SignInBody>;
      const session = await createSession(ctx.db, { key, now: ctx.now(), ttlMs });
      if (!session) throw new HttpError(401, 'UNAUTHENTICATED', 'the API key is unknown or revoked');
      req.principal = session.principal;
      setSessionCookie(req, reply, session.token, Math.floor(ttlMs / 1000));
      return reply.status(201).send({
        principal: session.principal,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
      });
    },
  );

  app.get(
    '/v1/sessions/current',
    { schema: { response: { 200: SessionSchema, ...errorResponses } } },
    (req) => {
      const principal = principalOf(req);
      const s = req.consoleSession;
      return { principal, ...(s ? { csrfToken: s.csrfToken, expiresAt: s.expiresAt } : {}) };
    },
  );

  app.delete(
    '/v1/sessions/current',
    { schema: { response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      const s = req.consoleSession;
      if (!s) throw notFound('console session (this request used a bearer key)');
      await endSession(ctx.db, s.token, ctx.now());
      reply.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
      });
      return reply.status(204).send();
    },
  );
}
