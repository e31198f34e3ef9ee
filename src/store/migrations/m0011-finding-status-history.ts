import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

/**
 * A finding's status history: one row per finding event (created, updated, closed) with the status it
 * left. Kept apart from the outbox because the outbox is purged once its events are delivered and past
 * retention, while a finding's history should live as long as the finding. Existing outbox events seed
 * it, so a DB upgraded from before keeps the history its outbox still holds.
 */
export function m0011FindingStatusHistory(dialect: 'sqlite' | 'postgres'): Migration {
  const seq = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('finding_status_history')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', seq)
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('finding_id', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('finding_status_history_finding')
        .on('finding_status_history')
        .columns(['finding_id', 'seq'])
        .execute();
      await seedFromOutbox(db as Kysely<SeedDb>);
    },
  };
}

interface SeedDb {
  outbox: {
    seq: number;
    type: string;
    account_id: string;
    subject: string;
    payload_json: string;
    created_at: string;
  };
  finding_status_history: {
    account_id: string;
    finding_id: string;
    event: string;
    status: string;
    at: string;
  };
}

async function seedFromOutbox(db: Kysely<SeedDb>): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('outbox')
      .select(['seq', 'type', 'account_id', 'subject', 'payload_json', 'created_at'])
      .where('type', 'like', 'vigil.finding.%')
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(500)
      .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.seq;
    const values = rows.map((r) => ({
      account_id: r.account_id,
      finding_id: r.subject,
      event: r.type.slice('vigil.finding.'.length),
      status: statusOf(r.payload_json),
      at: r.created_at,
    }));
    await db.insertInto('finding_status_history').values(values).execute();
  }
}

function statusOf(payload: string): string {
  try {
    const s = (JSON.parse(payload) as { status?: unknown }).status;
    return typeof s === 'string' ? s : 'UNKNOWN';
  } catch {
    return 'UNKNOWN';
  }
}
