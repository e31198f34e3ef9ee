import { deliverDue, type DeliverLimits, type WebhookContext } from './webhook-delivery.js';
import { fanOut } from './webhook-fanout.js';

/**
 * One round of the durable event dispatcher: outbox → per-subscription deliveries (fan-out) → signed
 * CloudEvents over HTTP, at least once, in outbox order per subscription. All state is in the DB
 * (cursors and delivery rows), so a killed server resumes where it was on restart; subscriptions are
 * served side by side, so one slow receiver delays only its own events.
 */
export async function dispatchWebhooksOnce(ctx: WebhookContext, limits: DeliverLimits): Promise<void> {
  await fanOut(ctx.db, ctx.dialect, ctx.now().toISOString());
  const subs = await ctx.db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('enabled', '=', 1)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('webhook_deliveries')
          .select('seq')
          .whereRef('webhook_deliveries.subscription_id', '=', 'webhook_subscriptions.id')
          .where('webhook_deliveries.status', '=', 'PENDING'),
      ),
    )
    .execute();
  await Promise.all(subs.map((sub) => deliverDue(ctx, sub, limits)));
}
