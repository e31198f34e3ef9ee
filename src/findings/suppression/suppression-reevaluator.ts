import type { Kysely, Transaction } from 'kysely';
import { appendEvents } from '../../events/event-outbox.js';
import { applySuppression } from '../finding-lifecycle.js';
import type { Finding } from '../finding-types.js';
import { findingJson, findingOfRow, findingRow } from '../finding-rows.js';
import { updateFindingRow } from '../finding-writes.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { loadSuppressor } from './suppression-matcher.js';

/** Open findings are read in pages of this many, so a big account never sits in memory at once. */
const PAGE = 1000;

/**
 * Puts every open (ACTIVE/SUPPRESSED) finding of an account in the state the account's live rules
 * give it right now, in the caller's transaction: a finding no live rule matches becomes ACTIVE, one
 * a rule matches becomes SUPPRESSED by the first such rule (creation order, as for new findings).
 * Only findings whose status or `suppressedBy` changed are written and announced
 * (`vigil.finding.updated`), so running it twice changes nothing the second time. CLOSED findings
 * are history and never touched. With `resourceId`, only that resource's findings (its tags changed).
 */
export async function reevaluateSuppression(
  trx: Transaction<ServiceDatabase> | Kysely<ServiceDatabase>,
  accountId: string,
  now: Date,
  resourceId?: string,
): Promise<Finding[]> {
  const iso = now.toISOString();
  const suppressor = await loadSuppressor(trx, accountId, now, resourceId);
  const changed: Finding[] = [];
  let after = '';
  for (;;) {
    let q = trx
      .selectFrom('findings')
      .select(['id', 'identity_key', 'last_observed_at', findingJson()])
      .where('account_id', '=', accountId)
      .where('status', 'in', ['ACTIVE', 'SUPPRESSED'])
      .where('id', '>', after);
    if (resourceId !== undefined) q = q.where('resource_id', '=', resourceId);
    const rows = await q.orderBy('id').limit(PAGE).execute();
    for (const row of rows) {
      const f = findingOfRow(row);
      if (!applySuppression(f, suppressor)) continue;
      f.updatedAt = iso;
      await updateFindingRow(trx, findingRow(f, row.identity_key));
      changed.push(f);
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < PAGE) break;
    after = last.id;
  }
  await appendEvents(
    trx,
    changed.map((f) => ({ type: 'vigil.finding.updated', accountId, subject: f.id, data: f })),
    iso,
  );
  return changed;
}
