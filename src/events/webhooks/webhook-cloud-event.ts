import type { Selectable } from 'kysely';
import type { OutboxTable } from '../../store/service-db-schema.js';

/** A CloudEvents 1.0 event in structured JSON mode (Content-Type: application/cloudevents+json). */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: unknown;
}

export const CLOUD_EVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** The event id is derived from the outbox seq alone, so every retry and every replica says the same. */
export function eventIdOf(outboxSeq: number): string {
  return `evt-${outboxSeq}`;
}

export function cloudEventOf(row: Selectable<OutboxTable>): CloudEvent {
  return {
    specversion: '1.0',
    id: eventIdOf(Number(row.seq)),
    source: `/vigil/accounts/${encodeURIComponent(row.account_id)}`,
    type: row.type,
    subject: row.subject,
    time: row.created_at,
    datacontenttype: 'application/json',
    data: JSON.parse(row.payload_json) as unknown,
  };
}
