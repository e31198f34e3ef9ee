import { sql, type Kysely, type Selectable } from 'kysely';
import type { ServiceDialect } from '../../store/service-db.js';
import type { ServiceDatabase, WebhookSubscriptionTable } from '../../store/service-db-schema.js';
import { eventIdOf } from './webhook-cloud-event.js';
import { loadEventScopes } from './webhook-scope.js';

/** Outbox rows read per subscription per step; each step is one transaction. */
const BATCH = 500;
/** Steps per subscription per run, so one run stays short even after a burst of events. */
const MAX_STEPS = 20;

/**
 * The highest outbox seq below which no row can still appear. On SQLite writers are serialized, so
 * seq order is commit order. On PostgreSQL a transaction holding seq 9 may commit after one holding
 * 10: a cursor moved past 10 would skip 9 forever. A SHARE lock waits for every transaction that has
 * inserted into the outbox to finish (and holds off new ones for the instant of the max()), so after it
 * every seq up to the max is committed or rolled back. Undefined: the lock was not had in time.
 */
export async function outboxHorizon(
  db: Kysely<ServiceDatabase>,
  dialect: ServiceDialect,
): Promise<number | undefined> {
  const max = async (q: Kysely<ServiceDatabase>): Promise<number> => {
    const r = await q
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirst();
    return Number(r?.m ?? 0);
  };
  if (dialect !== 'postgres') return max(db);
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL lock_timeout = '5s'`.execute(trx);
      await sql`LOCK TABLE outbox IN SHARE MODE`.execute(trx);
      return max(trx);
    });
  } catch (err) {
    // 55P03 lock_not_available: a long scan transaction is still open; try again next run.
    if ((err as { code?: string }).code === '55P03') return undefined;
    throw err;
  }
}

/**
 * Fan-out: for every enabled subscription, turns the outbox rows after its cursor (up to the horizon)
 * into PENDING deliveries for the events it wants, and moves the cursor, in ONE transaction per step.
 * A crash between steps repeats nothing and loses nothing; the unique (subscription, outbox seq)
 * index makes a repeated step (two dispatchers) harmless.
 */
export async function fanOut(
  db: Kysely<ServiceDatabase>,
  dialect: ServiceDialect,
  now: string,
): Promise<number> {
  const horizon = await outboxHorizon(db, dialect);
  if (horizon === undefined) return 0;
  const subs = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('enabled', '=', 1)
    .where('cursor_seq', '<', horizon)
    .execute();
  if (subs.length === 0) return 0;
  const scopeOf = await loadEventScopes(db);
  let created = 0;
  for (const sub of subs) {
    const accounts = scopeOf(sub.account_id);
    let cursor = Number(sub.cursor_seq);
    for (let step = 0; step < MAX_STEPS && cursor < horizon; step++) {
      const next = await fanOutStep(db, sub, accounts, cursor, horizon, now);
      if (next === undefined) break;
      created += next.created;
      cursor = next.cursor;
    }
  }
  return created;
}

async function fanOutStep(
  db: Kysely<ServiceDatabase>,
  sub: Selectable<WebhookSubscriptionTable>,
  accounts: ReadonlySet<string>,
  cursor: number,
  horizon: number,
  now: string,
): Promise<{ cursor: number; created: number } | undefined> {
  const rows = await db
    .selectFrom('outbox')
    .select(['seq', 'type', 'account_id'])
    .where('seq', '>', cursor)
    .where('seq', '<=', horizon)
    .orderBy('seq')
    .limit(BATCH)
    .execute();
  const types = new Set(JSON.parse(sub.event_types_json) as string[]);
  const wanted = rows.filter((r) => accounts.has(r.account_id) && (types.size === 0 || types.has(r.type)));
  const last = rows.at(-1);
  const next = rows.length < BATCH || !last ? horizon : Number(last.seq);
  return db.transaction().execute(async (trx) => {
    // Only the dispatcher that still sees the cursor it read moves it; a concurrent one backs off.
    const moved = await trx
      .updateTable('webhook_subscriptions')
      .set({ cursor_seq: next })
      .where('id', '=', sub.id)
      .where('cursor_seq', '=', cursor)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return undefined;
    for (let i = 0; i < wanted.length; i += 200) {
      await trx
        .insertInto('webhook_deliveries')
        .values(
          wanted.slice(i, i + 200).map((r) => ({
            subscription_id: sub.id,
            outbox_seq: Number(r.seq),
            event_id: eventIdOf(Number(r.seq)),
            status: 'PENDING' as const,
            attempts: 0,
            next_attempt_at: now,
            last_status_code: null,
            last_error: null,
            created_at: now,
            delivered_at: null,
          })),
        )
        .onConflict((oc) => oc.columns(['subscription_id', 'outbox_seq']).doNothing())
        .execute();
    }
    return { cursor: next, created: wanted.length };
  });
}
