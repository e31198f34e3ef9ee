import type { Transaction } from 'kysely';
import { appendEvents } from '../events/event-outbox.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { scanDigest } from './finding-digest.js';
import {
  applySuppression,
  lifecycleEvents,
  observedAgain,
  storedFindingId,
  type LifecycleChanges,
} from './finding-lifecycle.js';
import { findingOfRow, findingRow } from './finding-rows.js';
import { loadSuppressor, type Suppressor } from './suppression/suppression-matcher.js';
import { shareAccountSuppression } from './suppression/account-lock.js';
import type { Finding } from './finding-types.js';
import { inContext, loadExposure } from './score-context.js';

export interface RematchOfResource {
  accountId: string;
  resourceId: string;
  /** Every finding the re-match produced within the scope (ids: identities, as a scan's). */
  findings: readonly Finding[];
  /** Package keys re-matched (`deb:openssl`); undefined: every package finding of the resource. */
  scope?: readonly string[];
  now: Date;
}

/**
 * A re-match of a stored inventory applied to its findings, by the scan lifecycle's own rules: new →
 * ACTIVE (suppression applied), seen after CLOSED → reopened with the same id, changed facts → updated,
 * no longer produced → CLOSED, each with its event in this transaction. What differs from a scan: only
 * the re-matched package keys are in play (a finding of another package is neither seen nor closed),
 * and a finding the data did not change is left alone (its digest says so, its JSON is not read, its
 * lastObservedAt stays: nothing observed the host again).
 */
export async function applyRematchOfResourceIn(
  trx: Transaction<ServiceDatabase>,
  r: RematchOfResource,
): Promise<LifecycleChanges> {
  const changes: LifecycleChanges = { created: [], updated: [], observed: [], closed: [] };
  let q = trx
    .selectFrom('findings')
    .select(['id', 'identity_key', 'status', 'match_digest'])
    .where('account_id', '=', r.accountId)
    .where('resource_id', '=', r.resourceId);
  q = r.scope
    ? q.where('package_key', 'in', r.scope.length > 0 ? r.scope : [''])
    : q.where('package_key', 'is not', null);
  const stored = new Map((await q.execute()).map((row) => [row.identity_key, row]));
  const now = r.now.toISOString();
  const creates: Finding[] = [];
  const rewrites: Array<{ fresh: Finding; storedId: string }> = [];
  const seen = new Set<string>();
  for (const fresh of r.findings) {
    seen.add(fresh.id);
    const old = stored.get(fresh.id);
    if (!old) creates.push(fresh);
    else if (old.status === 'CLOSED' || old.match_digest !== scanDigest(fresh))
      rewrites.push({ fresh, storedId: old.id });
  }
  const closing = [...stored.entries()].filter(([id, row]) => !seen.has(id) && row.status !== 'CLOSED');
  if (creates.length + rewrites.length + closing.length === 0) return changes;

  await shareAccountSuppression(trx, r.accountId);
  const suppressor = await loadSuppressor(trx, r.accountId, r.now, r.resourceId);
  // The score in the host's context, as a scan writes it (the digests above leave the context out).
  const exposure = await loadExposure(trx, r.accountId, r.resourceId);
  const olds = await storedFindings(trx, [
    ...rewrites.map((w) => w.storedId),
    ...closing.map(([, row]) => row.id),
  ]);
  for (const fresh of creates)
    await insertNew(trx, r.accountId, inContext(fresh, exposure), now, suppressor, changes);
  for (const { fresh, storedId } of rewrites) {
    const old = olds.get(storedId);
    if (!old) continue;
    const next = observedAgain(old, inContext(fresh, exposure), now, suppressor, old.lastObservedAt);
    await trx
      .updateTable('findings')
      .set(findingRow(next.finding, fresh.id))
      .where('id', '=', storedId)
      .execute();
    (next.changed ? changes.updated : changes.observed).push(next.finding);
  }
  for (const [identity, row] of closing) {
    const old = olds.get(row.id);
    if (!old) continue;
    const f: Finding = { ...old, status: 'CLOSED', closedAt: now, updatedAt: now };
    await trx.updateTable('findings').set(findingRow(f, identity)).where('id', '=', row.id).execute();
    changes.closed.push(f);
  }
  await appendEvents(trx, lifecycleEvents({ ...r, findings: r.findings }, changes), now);
  return changes;
}

async function insertNew(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  fresh: Finding,
  now: string,
  suppressor: Suppressor,
  changes: LifecycleChanges,
): Promise<void> {
  const f: Finding = { ...fresh, id: storedFindingId(accountId, fresh.id), accountId };
  Object.assign(f, { status: 'ACTIVE', firstObservedAt: now, lastObservedAt: now, updatedAt: now });
  delete f.closedAt;
  delete f.suppressedBy;
  delete f.suppression;
  applySuppression(f, suppressor);
  await trx.insertInto('findings').values(findingRow(f, fresh.id)).execute();
  changes.created.push(f);
}

async function storedFindings(
  trx: Transaction<ServiceDatabase>,
  ids: readonly string[],
): Promise<Map<string, Finding>> {
  const out = new Map<string, Finding>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('findings')
      .select(['id', 'finding_json'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.id, findingOfRow(row));
  }
  return out;
}
