import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';

export const COUNTED_SEVERITIES = [
  'critical',
  'high',
  'medium',
  'low',
  'informational',
  'untriaged',
] as const;
type Counted = (typeof COUNTED_SEVERITIES)[number];
export type DayCounts = Record<Counted, number>;

const zero = (): DayCounts => ({ critical: 0, high: 0, medium: 0, low: 0, informational: 0, untriaged: 0 });
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Open (ACTIVE) findings by severity of some accounts, counted now. */
export async function countOpenFindings(
  db: Kysely<ServiceDatabase>,
  accountIds: readonly string[],
): Promise<DayCounts> {
  const c = zero();
  if (!accountIds.length) return c;
  const rows = await db
    .selectFrom('findings')
    .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'ACTIVE')
    .where('account_id', 'in', accountIds)
    .groupBy('severity')
    .execute();
  for (const r of rows) {
    const sev = r.severity.toLowerCase() as Counted;
    if (sev in c) c[sev] = Number(r.n);
  }
  return c;
}

/**
 * Writes today's row (UTC) of every account: its ACTIVE findings by severity. Run again the same day,
 * it overwrites the row, so a day keeps its last count; past days are never touched.
 */
export async function recordDailyCounts(db: Kysely<ServiceDatabase>, now: Date): Promise<number> {
  const day = utcDay(now);
  const rows = await db
    .selectFrom('findings')
    .select(['account_id', 'severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'ACTIVE')
    .groupBy(['account_id', 'severity'])
    .execute();
  const accounts = await db.selectFrom('accounts').select('id').execute();
  const counts = new Map<string, DayCounts>(accounts.map((a) => [a.id, zero()]));
  for (const r of rows) {
    const c = counts.get(r.account_id);
    const sev = r.severity.toLowerCase() as Counted;
    if (c && sev in c) c[sev] = Number(r.n);
  }
  const countedAt = now.toISOString();
  await db.transaction().execute(async (trx) => {
    for (const [accountId, c] of counts) {
      const values = { account_id: accountId, day, ...c, counted_at: countedAt };
      await trx
        .insertInto('finding_daily_counts')
        .values(values)
        .onConflict((oc) => oc.columns(['account_id', 'day']).doUpdateSet({ ...c, counted_at: countedAt }))
        .execute();
    }
  });
  return counts.size;
}

/**
 * Summed counts of the given accounts per day, oldest first, from `sinceDay` (inclusive). Today is
 * counted live (the stored row of today may be up to one task interval old), so the trend's last
 * point equals what the dashboard's aggregations show.
 */
export async function readTrend(
  db: Kysely<ServiceDatabase>,
  accountIds: readonly string[],
  sinceDay: string,
  now: Date,
): Promise<Array<{ day: string; counts: DayCounts & { all: number } }>> {
  if (!accountIds.length) return [];
  const rows = await db
    .selectFrom('finding_daily_counts')
    .selectAll()
    .where('account_id', 'in', accountIds)
    .where('day', '>=', sinceDay)
    .orderBy('day')
    .execute();
  const byDay = new Map<string, DayCounts>();
  for (const r of rows) {
    const c = byDay.get(r.day) ?? zero();
    for (const s of COUNTED_SEVERITIES) c[s] += Number(r[s]);
    byDay.set(r.day, c);
  }
  byDay.set(utcDay(now), await countOpenFindings(db, accountIds));
  return [...byDay].map(([day, c]) => ({
    day,
    counts: { ...c, all: COUNTED_SEVERITIES.reduce((n, s) => n + c[s], 0) },
  }));
}
