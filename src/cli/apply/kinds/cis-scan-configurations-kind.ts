import {
  enc,
  defined,
  type CollectionKind,
  type Desired,
  type Fields,
  type LiveObject,
} from '../apply-kind.js';

interface Targets {
  accountIds?: string[];
  targetResourceTags?: Record<string, string[]>;
}
interface ConfigDecl {
  scanName: string;
  securityLevel: string;
  schedule: Record<string, unknown>;
  targets?: Targets;
}
interface Config extends ConfigDecl {
  scanConfigurationId: string;
  targets: Required<Targets>;
}

const DAY = { enum: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] };
const TIME = {
  type: 'object',
  additionalProperties: false,
  required: ['timeOfDay', 'timezone'],
  properties: {
    timeOfDay: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
    timezone: { type: 'string', minLength: 1, description: 'an IANA zone, e.g. Europe/Paris' },
  },
};
const only = (key: string, body: Record<string, unknown>): Record<string, unknown> => ({
  type: 'object',
  additionalProperties: false,
  required: [key],
  properties: { [key]: body },
});

const path = (a: string): string => `/v1/accounts/${enc(a)}/cis-scan-configurations`;

/**
 * CIS scan configurations, known by scanName (`/v1/accounts/{a}/cis-scan-configurations`, Inspector
 * v2's shape). The server replaces a configuration whole (PUT), so an update sends the live targets
 * when the file leaves them out.
 */
export const cisScanConfigurationsKind: CollectionKind = {
  shape: 'collection',
  key: 'cisScanConfigurations',
  title: 'CIS scan configuration',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['scanName', 'securityLevel', 'schedule'],
    properties: {
      scanName: { type: 'string', minLength: 1, maxLength: 128 },
      securityLevel: { enum: ['LEVEL_1', 'LEVEL_2'] },
      schedule: {
        oneOf: [
          only('oneTime', { type: 'object', additionalProperties: false }),
          only('daily', {
            type: 'object',
            additionalProperties: false,
            required: ['startTime'],
            properties: { startTime: TIME },
          }),
          only('weekly', {
            type: 'object',
            additionalProperties: false,
            required: ['startTime', 'days'],
            properties: {
              startTime: TIME,
              days: { type: 'array', minItems: 1, uniqueItems: true, items: DAY },
            },
          }),
          only('monthly', {
            type: 'object',
            additionalProperties: false,
            required: ['startTime', 'day'],
            properties: { startTime: TIME, day: DAY },
          }),
        ],
      },
      targets: {
        type: 'object',
        additionalProperties: false,
        description: 'Left out: the hosts of this account.',
        properties: {
          accountIds: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string' } },
          targetResourceTags: {
            type: 'object',
            additionalProperties: { type: 'array', minItems: 1, items: { type: 'string', maxLength: 256 } },
          },
        },
      },
    },
  },
  identityOf: (item) => (item as ConfigDecl).scanName,
  desired(item): Promise<Desired> {
    const c = item as ConfigDecl;
    const fields = defined({
      securityLevel: c.securityLevel,
      schedule: c.schedule,
      targets: c.targets === undefined ? undefined : targetsOf(c.targets),
    });
    return Promise.resolve({ identity: c.scanName, fields, body: { scanName: c.scanName, ...fields } });
  },
  async list(ctx): Promise<LiveObject[]> {
    const { scanConfigurations } = await ctx.client.get<{ scanConfigurations: Config[] }>(
      path(ctx.accountId),
    );
    return scanConfigurations.map((c) => ({
      id: c.scanConfigurationId,
      identity: c.scanName,
      fields: { securityLevel: c.securityLevel, schedule: c.schedule, targets: targetsOf(c.targets) },
    }));
  },
  async create(ctx, d) {
    const c = await ctx.client.post<Config>(path(ctx.accountId), d.body);
    return { id: c.scanConfigurationId };
  },
  async update(ctx, live, d) {
    const body: Fields = { ...(d.body as Fields), targets: d.fields['targets'] ?? live.fields['targets'] };
    await ctx.client.put(`${path(ctx.accountId)}/${enc(live.id)}`, body);
  },
  async remove(ctx, live) {
    await ctx.client.delete(`${path(ctx.accountId)}/${enc(live.id)}`);
  },
};

/** Targets as the server keeps them: account ids sorted and unique, each tag's values unique. */
function targetsOf(t: Targets): Targets {
  const tags = t.targetResourceTags;
  return defined({
    accountIds: t.accountIds ? [...new Set(t.accountIds)].sort() : undefined,
    targetResourceTags: tags
      ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, [...new Set(v)]]))
      : undefined,
  });
}
