import { enc, defined, type CollectionKind, type Desired, type LiveObject } from '../apply-kind.js';

interface RuleDecl {
  name: string;
  reason: string;
  filter: Record<string, unknown>;
  expiresAt?: string;
}
interface Rule extends RuleDecl {
  id: string;
}

const path = (a: string): string => `/v1/accounts/${enc(a)}/suppression-rules`;

/** Suppression rules, known by name (`/v1/accounts/{a}/suppression-rules`). */
export const suppressionRulesKind: CollectionKind = {
  shape: 'collection',
  key: 'suppressionRules',
  title: 'suppression rule',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'reason', 'filter'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      reason: { type: 'string', minLength: 1, maxLength: 2000 },
      filter: { $ref: '#/$defs/filterCriteria' },
      expiresAt: { type: 'string', format: 'date-time' },
    },
  },
  identityOf: (item) => (item as RuleDecl).name,
  desired(item): Promise<Desired> {
    const r = item as RuleDecl;
    const fields = defined({ reason: r.reason, filter: r.filter, expiresAt: instant(r.expiresAt) });
    return Promise.resolve({ identity: r.name, fields, body: { name: r.name, ...fields } });
  },
  async list(ctx): Promise<LiveObject[]> {
    const { rules } = await ctx.client.get<{ rules: Rule[] }>(path(ctx.accountId));
    return rules.map((r) => ({
      id: r.id,
      identity: r.name,
      fields: defined({ reason: r.reason, filter: r.filter, expiresAt: instant(r.expiresAt) }),
    }));
  },
  async create(ctx, d) {
    const { rule } = await ctx.client.post<{ rule: Rule }>(path(ctx.accountId), d.body);
    return { id: rule.id };
  },
  async update(ctx, live, d, changed) {
    const body = Object.fromEntries(changed.map((k) => [k, d.fields[k]]));
    await ctx.client.patch(`${path(ctx.accountId)}/${enc(live.id)}`, body);
  },
  async remove(ctx, live) {
    await ctx.client.delete(`${path(ctx.accountId)}/${enc(live.id)}`);
  },
};

/** One spelling of an instant, so `2027-01-01T00:00:00Z` in the file equals the server's `…00.000Z`. */
function instant(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString();
}
