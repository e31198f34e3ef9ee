import type { Kysely, Transaction } from 'kysely';
import { appendEvents } from '../events/event-outbox.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { forgetFindingsDigests } from './finding-digest-store.js';
import { findingJson, findingOfRow, findingRow, type StoredFindingRow } from './finding-rows.js';
import { updateFindingRow } from './finding-writes.js';
import { criteriaWhere } from './filter-criteria-sql.js';
import type { FilterCriteria } from './filter-criteria.js';
import type { Finding } from './finding-types.js';

/**
 * Closes every open finding of an account that matches `criteria` — for what no scan will ever see
 * again: a deleted resource, a scan type switched off. Same outcome as a scan that no longer sees
 * them (CLOSED, closedAt, a `vigil.finding.closed` event each), written in the caller's transaction.
 */
export async function closeFindings(
  trx: Transaction<ServiceDatabase> | Kysely<ServiceDatabase>,
  opts: { accountId: string; criteria: FilterCriteria; now: Date },
): Promise<Finding[]> {
  const now = opts.now.toISOString();
  const rows = await trx
    .selectFrom('findings')
    .select(['identity_key', 'last_observed_at', findingJson()])
    .where('account_id', '=', opts.accountId)
    .where('status', '<>', 'CLOSED')
    .where(criteriaWhere(opts.criteria))
    .execute();
  const closed: Finding[] = [];
  const written: StoredFindingRow[] = [];
  for (const row of rows) {
    const f: Finding = { ...findingOfRow(row), status: 'CLOSED', closedAt: now, updatedAt: now };
    const next = findingRow(f, row.identity_key);
    await updateFindingRow(trx, next);
    closed.push(f);
    written.push(next);
  }
  await forgetFindingsDigests(trx, written);
  await appendEvents(
    trx,
    closed.map((f) => ({ type: 'vigil.finding.closed', accountId: opts.accountId, subject: f.id, data: f })),
    now,
  );
  return closed;
}
