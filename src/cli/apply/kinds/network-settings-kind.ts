import { enc, type Fields, type SingletonKind } from '../apply-kind.js';

/** The CIDRs an account names as trusted, not "the internet" (`/v1/accounts/{a}/network-settings`). */
export const networkSettingsKind: SingletonKind = {
  shape: 'setting',
  key: 'networkSettings',
  title: 'network settings',
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Trusted CIDRs (a VPN, an office): a port open only to them is not internet-reachable.',
    properties: {
      trustedCidrs: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 64 } },
    },
  },
  desired(decl: unknown): Promise<Fields> {
    const d = decl as { trustedCidrs?: string[] };
    return Promise.resolve(d.trustedCidrs === undefined ? {} : { trustedCidrs: [...d.trustedCidrs] });
  },
  async read(ctx): Promise<Fields> {
    const s = await ctx.client.get<{ trustedCidrs: string[] }>(
      `/v1/accounts/${enc(ctx.accountId)}/network-settings`,
    );
    return { trustedCidrs: s.trustedCidrs };
  },
  async write(ctx, fields): Promise<void> {
    await ctx.client.put(`/v1/accounts/${enc(ctx.accountId)}/network-settings`, {
      trustedCidrs: fields['trustedCidrs'] ?? [],
    });
  },
};
