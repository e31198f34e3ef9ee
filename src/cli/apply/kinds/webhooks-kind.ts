import { EVENT_TYPES } from '../../../events/event-types.js';
import { enc, defined, type CollectionKind, type Desired, type LiveObject } from '../apply-kind.js';

interface WebhookDecl {
  url: string;
  eventTypes?: string[];
  enabled?: boolean;
}
interface Webhook {
  id: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  secret?: string;
}

const path = (a: string): string => `/v1/accounts/${enc(a)}/webhooks`;
const sorted = (l: string[] | undefined): string[] | undefined => (l ? [...l].sort() : undefined);

/**
 * Webhook subscriptions, known by their URL (`/v1/accounts/{a}/webhooks`). The signing secret is made
 * by the server and shown once, when apply creates the subscription.
 */
export const webhooksKind: CollectionKind = {
  shape: 'collection',
  key: 'webhooks',
  title: 'webhook',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', minLength: 1, maxLength: 2000, pattern: '^https?://' },
      eventTypes: {
        type: 'array',
        uniqueItems: true,
        maxItems: 10,
        // The server's own list: an event type added there is declarable here too.
        items: { enum: [...EVENT_TYPES] },
        description: 'Left out: every event type.',
      },
      enabled: { type: 'boolean' },
    },
  },
  identityOf: (item) => urlOf((item as WebhookDecl).url),
  desired(item): Promise<Desired> {
    const w = item as WebhookDecl;
    const fields = defined({ eventTypes: sorted(w.eventTypes), enabled: w.enabled });
    return Promise.resolve({ identity: urlOf(w.url), fields, body: { url: w.url, ...fields } });
  },
  async list(ctx): Promise<LiveObject[]> {
    const { webhooks } = await ctx.client.get<{ webhooks: Webhook[] }>(path(ctx.accountId));
    return webhooks.map((w) => ({
      id: w.id,
      identity: w.url,
      fields: { eventTypes: sorted(w.eventTypes), enabled: w.enabled },
    }));
  },
  async create(ctx, d) {
    const w = await ctx.client.post<Webhook>(path(ctx.accountId), d.body);
    return { id: w.id, shownOnce: w.secret === undefined ? {} : { secret: w.secret } };
  },
  async update(ctx, live, d, changed) {
    const body = Object.fromEntries(changed.map((k) => [k, d.fields[k]]));
    await ctx.client.patch(`${path(ctx.accountId)}/${enc(live.id)}`, body);
  },
  async remove(ctx, live) {
    await ctx.client.delete(`${path(ctx.accountId)}/${enc(live.id)}`);
  },
};

/** The URL as the server stores it (WHATWG serialization: `https://Hooks.example` → `https://hooks.example/`). */
function urlOf(text: string): string {
  try {
    return new URL(text).toString();
  } catch {
    return text;
  }
}
