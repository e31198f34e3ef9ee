import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors/not-found-error.js';
import type { Egress } from '../../egress/egress-client.js';
import { webhookSecretContext } from '../../store/secret-contexts.js';
import type { SecretBox } from '../../store/secret-box.js';
import type { ServiceDatabase, WebhookSubscriptionTable } from '../../store/service-db-schema.js';
import type { DeliveryView, WebhookView } from './webhook-types.js';
import { newWebhookSecret } from './webhook-signature.js';
import { checkWebhookTarget } from './webhook-url.js';

type Db = Kysely<ServiceDatabase>;
type SubscriptionRow = Selectable<WebhookSubscriptionTable>;

/** What writing a subscription needs besides the DB: the egress policy (URLs) and the server key (secrets). */
export interface WebhookGuards {
  egress: Egress;
  secrets: SecretBox;
}

export interface SubscriptionInput {
  url?: string;
  eventTypes?: string[];
  enabled?: boolean;
}

/** The API shape; the secret is never part of it (create and rotate add it once, explicitly). */
export function webhookOfRow(r: SubscriptionRow): WebhookView {
  return {
    id: r.id,
    accountId: r.account_id,
    url: r.url,
    eventTypes: JSON.parse(r.event_types_json) as string[],
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function maxOutboxSeq(db: Db): Promise<number> {
  const r = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('seq').as('m'))
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** A new subscription starts at the newest event: it receives what happens from now on, no history. */
export async function createSubscription(
  db: Db,
  guards: WebhookGuards,
  accountId: string,
  input: SubscriptionInput & { url: string },
  now: string,
): Promise<{ webhook: WebhookView; secret: string }> {
  const url = await checkWebhookTarget(input.url, guards.egress);
  const secret = newWebhookSecret();
  const id = randomUUID();
  const row: SubscriptionRow = {
    id,
    account_id: accountId,
    url,
    secret_sealed: guards.secrets.seal(secret, webhookSecretContext(id)),
    event_types_json: JSON.stringify(input.eventTypes ?? []),
    enabled: input.enabled === false ? 0 : 1,
    cursor_seq: await maxOutboxSeq(db),
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('webhook_subscriptions').values(row).execute();
  return { webhook: webhookOfRow(row), secret };
}

export async function listSubscriptions(db: Db, accountId: string): Promise<WebhookView[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(webhookOfRow);
}

/** 404 for an id of another account too: ids are not probed across accounts. */
export async function getSubscription(db: Db, accountId: string, id: string): Promise<SubscriptionRow> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`webhook subscription ${id}`);
  return row;
}

/**
 * Changes url, event types, enabled, or the secret. Re-enabling starts again at the newest event, as
 * a new subscription does: a paused subscription does not collect what happened while paused
 * (deliveries already queued before the pause are still sent, in order).
 */
export async function updateSubscription(
  db: Db,
  guards: WebhookGuards,
  accountId: string,
  id: string,
  input: SubscriptionInput & { rotateSecret?: boolean },
  now: string,
): Promise<{ webhook: WebhookView; secret?: string }> {
  const old = await getSubscription(db, accountId, id);
  const secret = input.rotateSecret ? newWebhookSecret() : undefined;
  const enabling = input.enabled === true && old.enabled === 0;
  const row: SubscriptionRow = {
    ...old,
    url: input.url === undefined ? old.url : await checkWebhookTarget(input.url, guards.egress),
    event_types_json: input.eventTypes ? JSON.stringify(input.eventTypes) : old.event_types_json,
    enabled: input.enabled === undefined ? old.enabled : input.enabled ? 1 : 0,
    secret_sealed: secret ? guards.secrets.seal(secret, webhookSecretContext(id)) : old.secret_sealed,
    cursor_seq: enabling ? await maxOutboxSeq(db) : old.cursor_seq,
    updated_at: now,
  };
  await db
    .updateTable('webhook_subscriptions')
    .set({
      url: row.url,
      event_types_json: row.event_types_json,
      enabled: row.enabled,
      secret_sealed: row.secret_sealed,
      updated_at: now,
      ...(enabling ? { cursor_seq: row.cursor_seq } : {}),
    })
    .where('id', '=', id)
    .execute();
  return { webhook: webhookOfRow(row), ...(secret ? { secret } : {}) };
}

export async function deleteSubscription(db: Db, accountId: string, id: string): Promise<void> {
  await getSubscription(db, accountId, id);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).execute();
    await trx.deleteFrom('webhook_subscriptions').where('id', '=', id).execute();
  });
}

/** The delivery log, newest event first; the token is the last row's seq (keyset, stable under inserts). */
export async function listDeliveries(
  db: Db,
  subscriptionId: string,
  maxResults: number,
  nextToken: string | undefined,
): Promise<{ deliveries: DeliveryView[]; nextToken?: string }> {
  let q = db
    .selectFrom('webhook_deliveries as d')
    .leftJoin('outbox as o', 'o.seq', 'd.outbox_seq')
    .select([
      'd.seq',
      'd.event_id',
      'd.status',
      'd.attempts',
      'd.last_status_code',
      'd.last_error',
      'd.next_attempt_at',
      'd.created_at',
      'd.delivered_at',
      'o.type',
      'o.subject',
    ])
    .where('d.subscription_id', '=', subscriptionId);
  if (nextToken !== undefined) q = q.where('d.seq', '<', Number(nextToken));
  const rows = await q
    .orderBy('d.seq', 'desc')
    .limit(maxResults + 1)
    .execute();
  const page = rows.slice(0, maxResults);
  const deliveries = page.map((r) => ({
    id: String(r.seq),
    eventId: r.event_id,
    eventType: r.type ?? null,
    subject: r.subject ?? null,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  }));
  const last = page.at(-1);
  return rows.length > maxResults && last ? { deliveries, nextToken: String(last.seq) } : { deliveries };
}
