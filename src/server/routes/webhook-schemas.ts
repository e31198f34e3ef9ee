import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES } from '../../events/event-types.js';
import { AccountIdString, IdString } from './route-schemas.js';

const EventType = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));
const Url = Type.String({ minLength: 1, maxLength: 2000 });
const EventTypes = Type.Array(EventType, { maxItems: EVENT_TYPES.length, uniqueItems: true });

export const WebhookParams = Type.Object({
  accountId: AccountIdString,
  subscriptionId: IdString(100),
});
export type WebhookParamsT = Static<typeof WebhookParams>;

export const CreateWebhookBody = Type.Object(
  {
    url: Url,
    /** Empty or absent: every event type. */
    eventTypes: Type.Optional(EventTypes),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateWebhookBodyT = Static<typeof CreateWebhookBody>;

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    enabled: Type.Optional(Type.Boolean()),
    /** A new secret, returned once in this response; the old one stops signing at once. */
    rotateSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateWebhookBodyT = Static<typeof UpdateWebhookBody>;

export const Webhook = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
/** Only the create and rotate answers carry the secret. */
export const WebhookWithSecret = Type.Composite([Webhook, Type.Object({ secret: Type.String() })]);
export const WebhookMaybeSecret = Type.Composite([
  Webhook,
  Type.Object({ secret: Type.Optional(Type.String()) }),
]);
export type WebhookT = Static<typeof Webhook>;

export const DeliveriesQuery = Type.Object({
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  nextToken: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
});
export type DeliveriesQueryT = Static<typeof DeliveriesQuery>;

export const Delivery = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('PENDING'), Type.Literal('DELIVERED'), Type.Literal('FAILED')]),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.String(),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});
export type DeliveryT = Static<typeof Delivery>;
export const DeliveryPage = Type.Object({
  deliveries: Type.Array(Delivery),
  nextToken: Type.Optional(Type.String()),
});
