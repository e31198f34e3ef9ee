import { sql } from 'kysely';
import type { StoreContext } from '../store/store-context.js';

export interface PurgedHistory {
  outbox: number;
  deliveries: number;
  scans: number;
}

/**
 * Purges the service's history older than the retention cutoff, so the outbox, the delivery log and
 * the scan log do not grow without end. An outbox event is kept while anything may still need it: an
 * enabled subscription whose fan-out has not passed it, or a PENDING delivery that sends it.
 */
export async function purgeHistory(ctx: StoreContext, cutoff: string): Promise<PurgedHistory> {
  const { db } = ctx;
  const deliveries = await db
    .deleteFrom('webhook_deliveries')
    .where('status', '<>', 'PENDING')
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  const fanout = await db
    .selectFrom('webhook_subscriptions')
    .select((eb) => eb.fn.min('cursor_seq').as('m'))
    .where('enabled', '=', 1)
    .executeTakeFirst();
  const pending = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.min('outbox_seq').as('m'))
    .where('status', '=', 'PENDING')
    .executeTakeFirst();
  // Deletable: seq <= every enabled subscription's cursor, and < the oldest PENDING delivery's event.
  // min() over no rows is NULL: nothing holds events back on that side.
  let limit = Number.POSITIVE_INFINITY;
  if (fanout?.m !== null && fanout?.m !== undefined) limit = Math.min(limit, Number(fanout.m));
  if (pending?.m !== null && pending?.m !== undefined) limit = Math.min(limit, Number(pending.m) - 1);
  let outboxQuery = db.deleteFrom('outbox').where('created_at', '<', cutoff);
  if (Number.isFinite(limit)) outboxQuery = outboxQuery.where('seq', '<=', limit);
  const outbox = await outboxQuery.executeTakeFirst();
  const scans = await db
    .deleteFrom('scans')
    .where('status', 'in', ['SUCCEEDED', 'FAILED'])
    .where('finished_at', '<', cutoff)
    .executeTakeFirst();
  if (ctx.dialect === 'sqlite') await sql`PRAGMA optimize`.execute(db);
  return {
    outbox: Number(outbox.numDeletedRows),
    deliveries: Number(deliveries.numDeletedRows),
    scans: Number(scans.numDeletedRows),
  };
}
