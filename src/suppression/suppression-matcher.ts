import type { Kysely, Transaction } from 'kysely';
import { matchesCriteria, type FilterCriteria } from '../findings/filter-criteria.js';
import type { Finding } from '../findings/finding-types.js';
import type { ServiceDatabase } from '../server/storage/service-db-schema.js';

/** The id of the first live rule that suppresses the finding, or undefined. */
export type Suppressor = (f: Finding) => string | undefined;

/**
 * The live (unexpired) suppression rules of an account as one function, evaluated with the in-memory
 * face of FilterCriteria — the same semantics the list API compiles to SQL. Rules are tried in
 * creation order so `suppressedBy` is stable when several match.
 */
export async function loadSuppressor(
  db: Transaction<ServiceDatabase> | Kysely<ServiceDatabase>,
  accountId: string,
  now: Date,
): Promise<Suppressor> {
  const iso = now.toISOString();
  const rows = await db
    .selectFrom('suppression_rules')
    .select(['id', 'filter_json'])
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', iso)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const rules = rows.map((r) => ({ id: r.id, filter: JSON.parse(r.filter_json) as FilterCriteria }));
  return (f) => rules.find((r) => matchesCriteria(f, r.filter))?.id;
}
