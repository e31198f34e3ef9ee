import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';

/**
 * What Inspector keeps on a filter beyond its criteria: a description and tags. One table for both
 * kinds of filter (saved filters and suppression rules), keyed by the filter's id, so neither kind's
 * own table grows columns only the Inspector2-compatible API reads.
 */
export interface FilterAnnotation {
  description?: string;
  tags: Record<string, string>;
}

type Db = Kysely<ServiceDatabase>;

/** The annotations of these filters, by filter id (a filter without any is absent from the map). */
export async function filterAnnotations(
  db: Db,
  accountIds: readonly string[],
  filterIds: readonly string[],
): Promise<Map<string, FilterAnnotation>> {
  if (accountIds.length === 0 || filterIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('filter_annotations')
    .selectAll()
    .where('account_id', 'in', accountIds)
    .where('filter_id', 'in', filterIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.filter_id,
      {
        ...(r.description !== null ? { description: r.description } : {}),
        tags: JSON.parse(r.tags_json) as Record<string, string>,
      },
    ]),
  );
}

/**
 * Sets a filter's description and/or tags: absent fields keep their value. Written as delete + insert
 * in one transaction (portable across SQLite and PostgreSQL without an upsert dialect).
 */
export async function annotateFilter(
  db: Db,
  opts: { accountId: string; filterId: string; description?: string; tags?: Record<string, string> },
): Promise<FilterAnnotation> {
  return db.transaction().execute(async (trx) => {
    const old = (await filterAnnotations(trx, [opts.accountId], [opts.filterId])).get(opts.filterId);
    const next: FilterAnnotation = {
      ...((opts.description ?? old?.description) !== undefined
        ? { description: (opts.description ?? old?.description) as string }
        : {}),
      tags: opts.tags ?? old?.tags ?? {},
    };
    await trx
      .deleteFrom('filter_annotations')
      .where('account_id', '=', opts.accountId)
      .where('filter_id', '=', opts.filterId)
      .execute();
    await trx
      .insertInto('filter_annotations')
      .values({
        filter_id: opts.filterId,
        account_id: opts.accountId,
        description: next.description ?? null,
        tags_json: JSON.stringify(next.tags),
      })
      .execute();
    return next;
  });
}

export async function dropFilterAnnotation(db: Db, accountId: string, filterId: string): Promise<void> {
  await db
    .deleteFrom('filter_annotations')
    .where('account_id', '=', accountId)
    .where('filter_id', '=', filterId)
    .execute();
}
