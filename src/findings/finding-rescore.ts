import type { Transaction } from 'kysely';
import { appendEvents } from '../events/event-outbox.js';
import type { OutboxEvent } from '../events/event-types.js';
import type { InternetExposure } from '../risk/contextual-score.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { applySuppression } from './finding-lifecycle.js';
import { findingJson, findingOfRow, findingRow } from './finding-rows.js';
import { updateFindingRow } from './finding-writes.js';
import type { Finding } from './finding-types.js';
import { inContext } from './score-context.js';
import { shareAccountSuppression } from './suppression/account-lock.js';
import { loadSuppressor } from './suppression/suppression-matcher.js';

/**
 * The resource's reachability changed: its open findings are scored again in the new context
 * (score-context.ts), in the caller's transaction, each one that changed with a
 * `vigil.finding.updated` event. Suppression is decided again too (a rule may name a score range).
 * Returns the findings that changed.
 */
export async function rescoreResourceIn(
  trx: Transaction<ServiceDatabase>,
  at: { accountId: string; resourceId: string; now: Date },
  exposure: InternetExposure,
): Promise<Finding[]> {
  const rows = await trx
    .selectFrom('findings')
    .select(['identity_key', 'last_observed_at', findingJson()])
    .where('account_id', '=', at.accountId)
    .where('resource_id', '=', at.resourceId)
    .where('status', '<>', 'CLOSED')
    .where('score', 'is not', null)
    .execute();
  if (rows.length === 0) return [];
  await shareAccountSuppression(trx, at.accountId);
  const suppressor = await loadSuppressor(trx, at.accountId, at.now, at.resourceId);
  const now = at.now.toISOString();
  const changed: Finding[] = [];
  for (const row of rows) {
    const old = findingOfRow(row);
    const next = inContext(old, exposure);
    if (next === old) continue;
    const suppressionMoved = applySuppression(next, suppressor);
    if (!suppressionMoved && JSON.stringify(next) === JSON.stringify(old)) continue;
    next.updatedAt = now;
    await updateFindingRow(trx, findingRow(next, row.identity_key));
    changed.push(next);
  }
  const events = changed.map((f): OutboxEvent => ({
    type: 'vigil.finding.updated',
    accountId: at.accountId,
    subject: f.id,
    data: f,
  }));
  await appendEvents(trx, events, now);
  return changed;
}
