import { enc, defined, type Fields, type SingletonKind } from '../apply-kind.js';

const DAYS = ['DAYS_14', 'DAYS_30', 'DAYS_60', 'DAYS_90', 'DAYS_180'];
const KEYS = ['rules', 'rescanDuration', 'pullDateRescanDuration', 'pullDateRescanMode'] as const;

/**
 * An account's image scanning: repository inclusion rules (wildcards, scan on push or continuously)
 * and the rescan window (`/v1/accounts/{a}/image-scanning`, src/accounts/image-scan-config.ts).
 */
export const imageScanningKind: SingletonKind = {
  shape: 'setting',
  key: 'imageScanning',
  title: 'image scanning',
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Repository inclusion rules and how long images are rescanned after push or pull.',
    properties: {
      rules: {
        type: 'array',
        maxItems: 100,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['repositoryFilter', 'scanFrequency'],
          properties: {
            repositoryFilter: { type: 'string', minLength: 1, maxLength: 255 },
            filterType: { enum: ['WILDCARD'], default: 'WILDCARD' },
            scanFrequency: { enum: ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'] },
          },
        },
      },
      rescanDuration: { enum: ['LIFETIME', ...DAYS] },
      pullDateRescanDuration: { enum: DAYS },
      pullDateRescanMode: { enum: ['LAST_PULL_DATE'] },
    },
  },
  desired(decl: unknown): Promise<Fields> {
    const d = decl as Record<string, unknown> & { rules?: Array<Record<string, unknown>> };
    const rules = d.rules?.map((r) => ({ filterType: 'WILDCARD', ...r }));
    return Promise.resolve(defined({ ...pick(d), rules }));
  },
  async read(ctx): Promise<Fields> {
    return pick(await ctx.client.get<Fields>(`/v1/accounts/${enc(ctx.accountId)}/image-scanning`));
  },
  async write(ctx, fields): Promise<void> {
    await ctx.client.put(`/v1/accounts/${enc(ctx.accountId)}/image-scanning`, pick(fields));
  },
};

function pick(o: Fields): Fields {
  return defined(Object.fromEntries(KEYS.map((k) => [k, o[k]])));
}
