import type { Selectable } from 'kysely';
import type { WebhookSubscriptionTable } from '../../store/service-db-schema.js';
import { deliverDue, type DeliverLimits, type WebhookContext } from './webhook-delivery.js';
import { fanOut } from './webhook-fanout.js';

type Subscription = Selectable<WebhookSubscriptionTable>;

/** Fans the outbox out to deliveries, then lists the enabled subscriptions with deliveries pending. */
export async function dueSubscriptions(ctx: WebhookContext): Promise<Subscription[]> {
  await fanOut(ctx.db, ctx.dialect, ctx.now().toISOString());
  return ctx.db
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
    .orderBy('id')
    .execute();
}

/**
 * The durable event dispatcher: outbox → per-subscription deliveries (fan-out) → signed CloudEvents over
 * HTTP, at least once, in outbox order per subscription. All state is in the DB (cursors and delivery
 * rows), so a killed server resumes where it was on restart.
 *
 * Each subscription is served by its own lane: at most one delivery in flight per subscription (its
 * events arrive in order), lanes independent of each other, at most `maxLanes` at once. `dispatch` fans
 * out and starts lanes for the subscriptions that have none, and never waits for a lane: a receiver
 * that takes its whole timeout to answer holds its own lane only, and the next dispatch (one poll
 * later) already serves every other subscription's new events.
 */
export class DeliveryLanes {
  private readonly lanes = new Map<string, Promise<void>>();
  /** Where the last dispatch stopped starting lanes, so a full house serves every subscription in turn. */
  private cursor = '';

  constructor(
    private readonly ctx: WebhookContext,
    private readonly maxLanes: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  get active(): number {
    return this.lanes.size;
  }

  /** Starts lanes; `limits` is asked once per lane (its wall-clock deadline starts with the lane). */
  async dispatch(limits: () => DeliverLimits): Promise<void> {
    const subs = await dueSubscriptions(this.ctx);
    const turn = [...subs.filter((s) => s.id > this.cursor), ...subs.filter((s) => s.id <= this.cursor)];
    for (const sub of turn) {
      if (this.lanes.size >= this.maxLanes) break;
      if (this.lanes.has(sub.id)) continue;
      this.cursor = sub.id;
      const lane = deliverDue(this.ctx, sub, limits())
        .then(() => undefined, this.onError)
        .finally(() => this.lanes.delete(sub.id));
      this.lanes.set(sub.id, lane);
    }
  }

  /** Resolves once every lane started so far has ended. */
  async settle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all([...this.lanes.values()]);
  }
}
