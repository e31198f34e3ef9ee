import type { Selectable } from 'kysely';
import { publishMetric } from '../../core/metrics/metric-events.js';
import type { Egress } from '../../egress/egress-client.js';
import type { SecretBox } from '../../store/secret-box.js';
import { webhookSecretContext } from '../../store/secret-contexts.js';
import type { WebhookSubscriptionTable } from '../../store/service-db-schema.js';
import type { StoreContext } from '../../store/store-context.js';
import type { WebhookConfig } from './webhook-config.js';
import { retryDelayMs } from './webhook-backoff.js';
import { cloudEventOf } from './webhook-cloud-event.js';
import { sendEvent, type SendOutcome } from './webhook-sender.js';

/** The store, the delivery tunables, the egress deliveries go through and the key their secrets open with. */
export type WebhookContext = StoreContext & { config: WebhookConfig; egress: Egress; secrets: SecretBox };

export interface DeliverLimits {
  /** Wall-clock end of this run's delivery work (real time: the test clock may stand still). */
  deadline: number;
  stop: AbortSignal;
}

/**
 * Sends one subscription's deliveries strictly in outbox order: only the oldest PENDING one, and only
 * once its next_attempt_at has come; everything after it waits. So a receiver sees the events about
 * one finding in the order they happened, whatever failed in between. A delivery is marked DELIVERED
 * only after the 2xx: a crash in between sends it again (at least once, never lost).
 */
export async function deliverDue(
  ctx: WebhookContext,
  sub: Selectable<WebhookSubscriptionTable>,
  limits: DeliverLimits,
): Promise<number> {
  let sent = 0;
  while (Date.now() < limits.deadline && !limits.stop.aborted) {
    const head = await ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('subscription_id', '=', sub.id)
      .where('status', '=', 'PENDING')
      .orderBy('outbox_seq')
      .limit(1)
      .executeTakeFirst();
    if (!head || head.next_attempt_at > ctx.now().toISOString()) break;
    const event = await ctx.db
      .selectFrom('outbox')
      .selectAll()
      .where('seq', '=', head.outbox_seq)
      .executeTakeFirst();
    const outcome: SendOutcome = event
      ? await sendEvent({
          url: sub.url,
          secret: ctx.secrets.open(sub.secret_sealed, webhookSecretContext(sub.id)),
          deliveryId: String(head.seq),
          event: cloudEventOf(event),
          timeoutMs: ctx.config.webhookTimeoutMs,
          egress: ctx.egress,
          stop: limits.stop,
        })
      : { ok: false, statusCode: null, error: 'event no longer in the outbox' };
    // Stopping is not the receiver's fault: the attempt is not counted and is made again after restart.
    if (limits.stop.aborted) break;
    await record(ctx, head, outcome, event === undefined);
    sent++;
  }
  return sent;
}

async function record(
  ctx: WebhookContext,
  head: { seq: number | string; attempts: number },
  outcome: SendOutcome,
  gone: boolean,
): Promise<void> {
  const now = ctx.now();
  const attempts = head.attempts + 1;
  const failed = gone || attempts >= ctx.config.webhookMaxAttempts;
  const next = new Date(now.getTime() + retryDelayMs(ctx.config, attempts));
  await ctx.db
    .updateTable('webhook_deliveries')
    .set({
      attempts,
      status: outcome.ok ? 'DELIVERED' : failed ? 'FAILED' : 'PENDING',
      last_status_code: outcome.statusCode,
      last_error: outcome.error,
      next_attempt_at: outcome.ok || failed ? now.toISOString() : next.toISOString(),
      delivered_at: outcome.ok ? now.toISOString() : null,
    })
    .where('seq', '=', Number(head.seq))
    .where('status', '=', 'PENDING')
    .execute();
  if (!outcome.ok) publishMetric('webhookAttemptFailed', { final: failed });
}
