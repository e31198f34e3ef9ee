import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes for FilterCriteria ranges on inspectorScore and lastObservedAt (README "Service benchmark").
 * A range alone cannot choose a plan: a narrow band (a day, scores 0–1) holds a few hundred of a
 * million findings, a wide one (scores 5–8) a third of them. src/findings/range-plan.ts probes these
 * indexes for at most a few thousand ids and then either reads exactly those (narrow) or walks the
 * page's sort order and keeps the range as a plain filter (wide). Each range index is `(col, account_id,
 * id)`, as migration 0007's are, so the probe and the visibility check read the index alone.
 * `findings_walk` is that walk for the default id order, covering the visibility and both ranges: walking
 * the primary key instead reads each row (~2 KB of JSON) to test its range, 100 ms for the ~10,000 rows
 * a page of a 1% range passes over; the covering walk reads 50-byte entries, 2–10 ms.
 * 0001's (account_id, last_observed_at) goes: an organization's admin asks over every account, and
 * the new index serves a member's one-account range as well.
 */
export function m0020FindingsRangeIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('findings_score_range')
        .on('findings')
        .expression(sql`score, account_id, id`)
        .execute();
      await db.schema
        .createIndex('findings_last_observed_range')
        .on('findings')
        .expression(sql`last_observed_at, account_id, id`)
        .execute();
      await db.schema
        .createIndex('findings_walk')
        .on('findings')
        .expression(sql`id, account_id, score, last_observed_at`)
        .execute();
      await db.schema.dropIndex('findings_last_observed').execute();
    },
  };
}
