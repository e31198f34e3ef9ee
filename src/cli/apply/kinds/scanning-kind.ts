import { enc, defined, type Fields, type SingletonKind } from '../apply-kind.js';

interface Scanning {
  host?: boolean;
  image?: boolean;
  network?: boolean;
}

/** Which kinds of scanning an account has on (`PUT /v1/accounts/{a}/scanning`). */
export const scanningKind: SingletonKind = {
  shape: 'setting',
  key: 'scanning',
  title: 'scanning',
  schema: {
    type: 'object',
    additionalProperties: false,
    description: 'Which scans run for the account; switching a kind off closes its findings.',
    properties: { host: { type: 'boolean' }, image: { type: 'boolean' }, network: { type: 'boolean' } },
  },
  desired(decl: unknown): Promise<Fields> {
    const d = decl as Scanning;
    return Promise.resolve(defined({ host: d.host, image: d.image, network: d.network }));
  },
  async read(ctx): Promise<Fields> {
    const a = await ctx.client.get<{ scanning: Scanning }>(`/v1/accounts/${enc(ctx.accountId)}`);
    return { ...a.scanning };
  },
  async write(ctx, fields): Promise<void> {
    await ctx.client.put(`/v1/accounts/${enc(ctx.accountId)}/scanning`, fields);
  },
};
