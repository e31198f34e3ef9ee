import type { Kysely, Transaction } from 'kysely';
import { matchesCriteria, type FilterCriteria, type ResourceTags } from '../filter-criteria.js';
import type { Finding, FindingSuppression } from '../finding-types.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { vexSuppressor } from '../vex/vex-matcher.js';
import { loadVexDocuments } from '../vex/vex-load.js';

/** A suppression that says more than an id: `suppressedBy` and the finding's `suppression`. */
export interface SuppressionVerdict {
  by: string;
  suppression: FindingSuppression;
}

/** The id of the first live rule that suppresses the finding (or a VEX verdict), or undefined. */
export type Suppressor = (f: Finding) => string | SuppressionVerdict | undefined;

type Db = Transaction<ServiceDatabase> | Kysely<ServiceDatabase>;

const NO_TAGS: ResourceTags = Object.freeze({});

/**
 * The live (unexpired) suppression rules of an account as one function, evaluated with the in-memory
 * face of FilterCriteria — the same semantics the list API compiles to SQL. Rules are tried in
 * creation order so `suppressedBy` is stable when several match.
 *
 * Rules may filter on resource tags, which live in resource_tags (the SQL face reads them there too),
 * so the tags are loaded up front: only `resourceId`'s when given (a scan of one resource), else every
 * tag of the account (re-evaluating all its findings). None are read when no rule filters on tags.
 * A finding no rule suppresses may still be suppressed by the account's VEX statements (findings/vex).
 */
export async function loadSuppressor(
  db: Db,
  accountId: string,
  now: Date,
  resourceId?: string,
): Promise<Suppressor> {
  const rules = await liveRules(db, accountId, now);
  const tagged = rules.some((r) => (r.filter.resourceTags?.length ?? 0) > 0);
  const tags = tagged ? await loadTags(db, accountId, resourceId) : new Map<string, ResourceTags>();
  const vex = vexSuppressor(await loadVexDocuments(db, accountId));
  return (f) => {
    const t = tags.get(f.resources[0]?.id ?? '') ?? NO_TAGS;
    return rules.find((r) => matchesCriteria(f, r.filter, t))?.id ?? vex(f);
  };
}

export async function liveRules(
  db: Db,
  accountId: string,
  now: Date,
): Promise<Array<{ id: string; filter: FilterCriteria }>> {
  const rows = await db
    .selectFrom('suppression_rules')
    .select(['id', 'filter_json'])
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, filter: JSON.parse(r.filter_json) as FilterCriteria }));
}

/** resource id → its tags, for one resource or for the whole account. */
export async function loadTags(
  db: Db,
  accountId: string,
  resourceId?: string,
): Promise<Map<string, ResourceTags>> {
  let q = db
    .selectFrom('resource_tags')
    .select(['resource_id', 'key', 'value'])
    .where('account_id', '=', accountId);
  if (resourceId !== undefined) q = q.where('resource_id', '=', resourceId);
  const out = new Map<string, Record<string, string>>();
  for (const row of await q.execute()) {
    const t = out.get(row.resource_id) ?? {};
    t[row.key] = row.value;
    out.set(row.resource_id, t);
  }
  return out;
}
