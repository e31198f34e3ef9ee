import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { findReportContent } from '../../reports/exports/report-store.js';
import { HttpError } from '../http/http-error.js';
import { authenticateInspector2, receivedRequest } from './inspector2-auth.js';
import { accessDenied, sendAwsError, unsupportedOperation } from './inspector2-errors.js';
import { operationInput } from './inspector2-input.js';
import { inspector2Model, type OperationModel } from './inspector2-model.js';
import { OPERATIONS } from './inspector2-operations.js';
import { queryOf } from '../auth/sigv4-verify.js';
import { reportContentPath, visibleReport } from './report-operations.js';

export const INSPECTOR2_PREFIX = '/aws/inspector2';
/** Inspector's requests are filters and ids: a megabyte is far beyond any real one. */
export const INSPECTOR2_BODY_LIMIT = 1024 * 1024;

const ROUTE = {
  config: { ownAuthentication: true },
  schema: { hide: true },
  bodyLimit: INSPECTOR2_BODY_LIMIT,
};

function baseUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost'}${INSPECTOR2_PREFIX}`;
}

/** One model operation: authenticate, refuse what vigil does not serve, check the input, run. */
async function handle(
  ctx: ServiceContext,
  op: OperationModel,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const caller = await authenticateInspector2(req, ctx);
  req.principal = caller.principal;
  await req.server.keyRateLimit(req, reply);
  const impl = OPERATIONS[op.name];
  if (!impl) throw unsupportedOperation(op.name);
  if (impl.mutates && caller.principal.role === 'read-only')
    throw accessDenied(`a read-only key cannot call ${op.name}`);
  const received = receivedRequest(req);
  const input = operationInput(inspector2Model(), op, {
    body: received.body,
    params: req.params as Record<string, string>,
    query: queryOf(received.rawQuery),
  });
  const output = await impl.run({
    ctx,
    principal: caller.principal,
    region: caller.region,
    input,
    baseUrl: baseUrlOf(req),
  });
  return reply.header('x-amzn-requestid', req.id).type('application/json').send(output);
}

/**
 * `/aws/inspector2`: Inspector's REST-JSON protocol, so the AWS CLI and SDKs work against vigil with
 * `--endpoint-url`. Every operation of the botocore model is routed as the model binds it; the ones in
 * OPERATIONS run, the others answer a ValidationException naming them, and any other path an
 * UnknownOperationException. Bodies are kept as bytes (the signature covers them) and parsed by the
 * model; errors take Inspector's JSON shape. Authentication is this module's own (SigV4 or a bearer
 * key), so the /v1 auth hook leaves these routes alone (config.ownAuthentication).
 */
export function registerInspector2Routes(app: FastifyInstance, ctx: ServiceContext): void {
  void app.register(
    (scope, _opts, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: INSPECTOR2_BODY_LIMIT },
        (_req, body, next) => next(null, body),
      );
      scope.setErrorHandler((err, req, reply) => sendAwsError(req, reply, err));
      for (const op of Object.values(inspector2Model().operations)) {
        scope.route({
          ...ROUTE,
          method: op.http.method,
          url: op.http.requestUri.replace(/\{(\w+)\+?\}/g, ':$1'),
          handler: (req, reply) => handle(ctx, op, req, reply),
        });
      }
      scope.route({
        ...ROUTE,
        method: 'GET',
        url: `${reportContentPath(':reportId')}`,
        handler: async (req, reply) => {
          const { principal } = await authenticateInspector2(req, ctx);
          req.principal = principal;
          await req.server.keyRateLimit(req, reply);
          const report = await visibleReport(ctx, principal, (req.params as { reportId: string }).reportId);
          if (report.status !== 'SUCCEEDED')
            throw new HttpError(409, 'REPORT_NOT_READY', `the report is ${report.status}`);
          const content = (await findReportContent(ctx.db, report.id)) ?? '';
          return reply.type(report.content_type ?? 'application/octet-stream').send(content);
        },
      });
      scope.all('/*', { ...ROUTE }, async (req) => {
        await authenticateInspector2(req, ctx);
        throw new HttpError(
          404,
          'UNKNOWN_OPERATION',
          `no inspector2 operation at ${req.method} ${receivedRequest(req).rawPath}`,
        );
      });
      done();
    },
    { prefix: INSPECTOR2_PREFIX },
  );
}
