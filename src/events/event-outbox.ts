import type { Kysely, Transaction } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { OutboxEvent } from './event-types.js';

/**
 * Appends events to the durable outbox. Call it with the SAME transaction that makes the change the
 * events announce: then a change is never committed without its events, nor an event without its
 * change, and a crash loses neither (the dispatcher delivers from the outbox at least once).
 */
export async function appendEvents(
  trx: Transaction<ServiceDatabase> | Kysely<ServiceDatabase>,
  events: readonly OutboxEvent[],
  now: string,
): Promise<void> {
  if (events.length === 0) return;
  // Chunked: SQLite caps bound parameters per statement, and a big scan closes thousands at once.
  for (let i = 0; i < events.length; i += 500) {
    await trx
      .insertInto('outbox')
      .values(
        events.slice(i, i + 500).map((e) => ({
          type: e.type,
          account_id: e.accountId,
          subject: e.subject,
          payload_json: JSON.stringify(e.data),
          created_at: now,
          delivered_at: null,
        })),
      )
      .execute();
  }
}
