import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_RULES, getImageScanConfig, MAX_RULES } from '../../accounts/image-scan-config.js';
import {
  DEFAULT_RESCAN_DURATION,
  PULL_RESCAN_DURATIONS,
  PULL_RESCAN_MODES,
  RESCAN_DURATIONS,
} from '../../accounts/image-rescan-settings.js';
import { NotFoundError } from '../../core/errors/not-found-error.js';
import { ValidationError } from '../../core/errors/validation-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { updateImageScanning } from '../../scan/image-scanning-update.js';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { AccountParams, errorResponses, type AccountParamsT } from './route-schemas.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Rule = Type.Object(
  {
    repositoryFilter: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'repository name, `*` wildcards',
    }),
    filterType: Type.Literal('WILDCARD'),
    scanFrequency: literals(['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'] as const),
  },
  { additionalProperties: false },
);
const Body = Type.Object(
  {
    rules: Type.Optional(
      Type.Array(Rule, { maxItems: MAX_RULES, description: 'default: every repository, CONTINUOUS_SCAN' }),
    ),
    rescanDuration: Type.Optional(literals(RESCAN_DURATIONS)),
    pullDateRescanDuration: Type.Optional(literals(PULL_RESCAN_DURATIONS)),
    pullDateRescanMode: Type.Optional(literals(PULL_RESCAN_MODES)),
  },
  { additionalProperties: false },
);
const Configuration = Type.Object({
  rules: Type.Array(Rule),
  rescanDuration: Type.String(),
  pullDateRescanDuration: Type.Optional(Type.String()),
  pullDateRescanMode: Type.Optional(Type.String()),
  updatedAt: Type.Optional(Type.String()),
});

/**
 * An account's image scan configuration, like Inspector's ECR configuration: inclusion rules and the
 * rescan window (the same stored value Inspector2's UpdateConfiguration sets). Admin keys change it;
 * every change decides every known image again.
 */
export function registerImageScanningRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const path = '/v1/accounts/:accountId/image-scanning';
  app.get(
    path,
    { schema: { params: AccountParams, response: { 200: Configuration, ...errorResponses } } },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      const config = await getImageScanConfig(ctx.db, accountId);
      if (!config) throw new NotFoundError(`account ${accountId}`);
      return config;
    },
  );
  app.put(
    path,
    {
      schema: {
        params: AccountParams,
        body: Body,
        response: {
          200: Type.Object({
            configuration: Configuration,
            imagesReevaluated: Type.Integer(),
            scansQueued: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      const b = req.body as Static<typeof Body>;
      if (b.pullDateRescanMode && !b.pullDateRescanDuration)
        throw new ValidationError('pullDateRescanMode LAST_PULL_DATE needs a pullDateRescanDuration');
      return updateImageScanning(ctx, accountId, {
        rules: b.rules ?? DEFAULT_RULES,
        rescanDuration: b.rescanDuration ?? DEFAULT_RESCAN_DURATION,
        ...(b.pullDateRescanDuration ? { pullDateRescanDuration: b.pullDateRescanDuration } : {}),
        ...(b.pullDateRescanMode ? { pullDateRescanMode: b.pullDateRescanMode } : {}),
      });
    },
  );
}
