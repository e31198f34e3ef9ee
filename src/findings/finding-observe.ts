import type { Kysely, Transaction } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { findingJson, findingOfRow } from './finding-rows.js';
import type { FindingResource, FindingType } from './finding-types.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/** An open finding observed in place: what a scan's severity counts need of it. */
export interface ObservedInPlace {
  status: string;
  severity: string;
}

/** The resource block as findings carry it, without the time of the inventory (which every check-in moves). */
function blockWithoutTime(r: unknown): string {
  const block = r as { details?: Record<string, unknown> } | undefined;
  if (!block?.details) return JSON.stringify(block ?? null);
  const { lastInventoryAt: _time, ...details } = block.details;
  return JSON.stringify({ ...block, details });
}

/**
 * True when the resource's open findings can be observed in place (observeOutsideScope): one of them
 * carries the same resource block as a scan would write now (details and tags; only the inventory time
 * differs). A host whose details or tags changed is written whole.
 */
export async function observableInPlace(
  db: Db,
  s: { accountId: string; resource: FindingResource; types: readonly FindingType[] },
): Promise<boolean> {
  const { accountId, resource } = s;
  const row = await db
    .selectFrom('findings')
    .select(['last_observed_at', findingJson()])
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resource.id)
    .where('type', 'in', s.types)
    .where('status', '<>', 'CLOSED')
    .limit(1)
    .executeTakeFirst();
  if (!row) return true;
  const res = await db
    .selectFrom('resources')
    .select('tags_json')
    .where('account_id', '=', accountId)
    .where('id', '=', resource.id)
    .executeTakeFirst();
  if (!res) return false;
  const f = findingOfRow(row);
  if (f.resources.length !== 1) return false;
  const tags = JSON.parse(res.tags_json) as Record<string, string>;
  return blockWithoutTime({ ...resource, tags }) === blockWithoutTime(f.resources[0]);
}

/**
 * The resource's open findings outside `scope` (package keys a delta check-in matched again), seen again
 * at `now`, in ONE statement over their narrow rows: only last_observed_at moves, and readers overlay
 * it on the finding's document as lastObservedAt and its block's lastInventoryAt (finding-rows.ts),
 * exactly what the scan lifecycle would write when nothing else changed (their components' packages
 * did not change: observableInPlace says their block did not either). Their documents are not written:
 * on SQLite that rewrote ~2.7 KB per finding (m0031).
 */
export async function observeOutsideScope(
  trx: Transaction<ServiceDatabase>,
  s: ObserveInPlace,
): Promise<ObservedInPlace[]> {
  let q = trx
    .updateTable('findings')
    .set({ last_observed_at: s.now })
    .where('account_id', '=', s.accountId)
    .where('resource_id', '=', s.resourceId)
    .where('type', 'in', s.types)
    .where('status', '<>', 'CLOSED');
  if (s.scope.length > 0)
    q = q.where((eb) => eb.or([eb('package_key', 'is', null), eb('package_key', 'not in', s.scope)]));
  return q.returning(['status', 'severity']).execute();
}

interface ObserveInPlace {
  accountId: string;
  resourceId: string;
  types: readonly FindingType[];
  scope: readonly string[];
  now: string;
}
