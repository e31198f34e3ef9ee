import type { Kysely, Transaction } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { OutboxEvent } from './event-types.js';
import { yieldToEventLoop } from '../core/event-loop-yield.js';
import { insertRows } from '../store/row-insert.js';

const EVENTS_PER_STATEMENT = 100;

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
  // Chunked: SQLite caps bound parameters per statement, and a big scan closes thousands at once;
  // between chunks the event loop serves what waits (each event carries a whole finding).
  for (let i = 0; i < events.length; i += EVENTS_PER_STATEMENT) {
    if (i > 0) await yieldToEventLoop();
    await insertRows(
      trx,
      'outbox',
      ['type', 'account_id', 'subject', 'payload_json', 'created_at', 'delivered_at'],
      events
        .slice(i, i + EVENTS_PER_STATEMENT)
        .map((e) => [e.type, e.accountId, e.subject, e.dataJson ?? JSON.stringify(e.data), now, null]),
    );
  }
  await appendFindingHistory(trx, events, now);
}

const FINDING_EVENT = 'vigil.finding.';

/**
 * Every finding event also leaves its status in the finding's history, here and only here: all that
 * changes a finding (scans, the closer, suppression, expiry, re-match) announces it through this outbox,
 * so the history cannot miss a change, and it is written in the same transaction as the change.
 */
async function appendFindingHistory(
  trx: Transaction<ServiceDatabase> | Kysely<ServiceDatabase>,
  events: readonly OutboxEvent[],
  at: string,
): Promise<void> {
  const rows = events
    .filter((e) => e.type.startsWith(FINDING_EVENT))
    .map((e) => [
      e.accountId,
      e.subject,
      e.type.slice(FINDING_EVENT.length),
      (e.data as { status?: string }).status ?? 'UNKNOWN',
      at,
    ]);
  for (let i = 0; i < rows.length; i += 500)
    await insertRows(
      trx,
      'finding_status_history',
      ['account_id', 'finding_id', 'event', 'status', 'at'],
      rows.slice(i, i + 500),
    );
}
