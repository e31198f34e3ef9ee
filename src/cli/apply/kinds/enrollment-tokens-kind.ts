import { enc, defined, type CollectionKind, type Desired, type LiveObject } from '../apply-kind.js';

interface TokenDecl {
  name: string;
  tags?: Record<string, string>;
  maxUses?: number;
  expiresIn?: string | number;
}
interface Token {
  id: string;
  name: string | null;
  tags: Record<string, string>;
  maxUses: number | null;
  revokedAt: string | null;
  token?: string;
}

const path = (a: string): string => `/v1/accounts/${enc(a)}/enrollment-tokens`;

/**
 * Enrollment tokens, known by name (`/v1/accounts/{a}/enrollment-tokens`). A token cannot change in
 * place, so a change replaces it (the old one is revoked). `expiresIn` counts from creation and is
 * not compared: the server keeps the instant, not the duration. Revoked tokens are not listed.
 */
export const enrollmentTokensKind: CollectionKind = {
  shape: 'collection',
  key: 'enrollmentTokens',
  title: 'enrollment token',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      tags: { type: 'object', maxProperties: 50, additionalProperties: { type: 'string' } },
      maxUses: { type: 'integer', minimum: 1 },
      expiresIn: {
        description: 'Lifetime from creation (default 24h, at most 365d): "30m", "24h", "7d" or seconds.',
        anyOf: [
          { type: 'string', maxLength: 20, pattern: '^[0-9]+[smhd]?$' },
          { type: 'integer', minimum: 1 },
        ],
      },
    },
  },
  identityOf: (item) => (item as TokenDecl).name,
  desired(item): Promise<Desired> {
    const t = item as TokenDecl;
    const fields = { tags: t.tags ?? {}, maxUses: t.maxUses ?? null };
    const body = defined({ name: t.name, tags: t.tags, maxUses: t.maxUses, expiresIn: t.expiresIn });
    return Promise.resolve({ identity: t.name, fields, body });
  },
  async list(ctx): Promise<LiveObject[]> {
    const { tokens } = await ctx.client.get<{ tokens: Token[] }>(path(ctx.accountId));
    return tokens
      .filter((t) => t.revokedAt === null && t.name !== null)
      .map((t) => ({ id: t.id, identity: t.name ?? '', fields: { tags: t.tags, maxUses: t.maxUses } }));
  },
  async create(ctx, d) {
    const t = await ctx.client.post<Token>(path(ctx.accountId), d.body);
    return { id: t.id, shownOnce: t.token === undefined ? {} : { token: t.token } };
  },
  async remove(ctx, live) {
    await ctx.client.delete(`${path(ctx.accountId)}/${enc(live.id)}`);
  },
};
