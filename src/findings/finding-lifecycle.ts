import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { ServiceDatabase } from '../server/storage/service-db-schema.js';
import { findingOfRow, findingRow } from '../server/storage/finding-rows.js';
import type { Finding } from './finding-types.js';

export type FindingEventType = 'vigil.finding.created' | 'vigil.finding.updated' | 'vigil.finding.closed';

export interface ScanOfResource {
  accountId: string;
  resourceId: string;
  /**
   * What the scan service produced for this resource. Each one's `id` is its identity within the
   * resource (finding-builder hashes resource + vulnerability id + package identity); the stored id
   * is derived from it and the account, so the same identity always maps to the same stored finding.
   */
  findings: readonly Finding[];
  now: Date;
}

export interface LifecycleChanges {
  created: Finding[];
  /** Seen again with different facts (score, fix, EPSS…), or reopened after being CLOSED. */
  updated: Finding[];
  /** Seen again, nothing but lastObservedAt changed: no event. */
  observed: Finding[];
  closed: Finding[];
}

export function storedFindingId(accountId: string, identityKey: string): string {
  return createHash('sha256').update(`${accountId}\0${identityKey}`).digest('hex').slice(0, 32);
}

/**
 * Applies one scan of one resource to the stored findings, in ONE transaction with the outbox events
 * that announce the changes (so no change is ever committed without its event, nor the reverse):
 * new → ACTIVE; seen again → lastObservedAt; not seen → CLOSED; seen after CLOSED → reopened (same id).
 * SUPPRESSED findings stay SUPPRESSED while seen (suppression rules decide that, not scans).
 */
export async function applyScanOfResource(
  db: Kysely<ServiceDatabase>,
  scan: ScanOfResource,
): Promise<LifecycleChanges> {
  return db.transaction().execute((trx) => applyIn(trx, scan));
}

async function applyIn(trx: Transaction<ServiceDatabase>, scan: ScanOfResource): Promise<LifecycleChanges> {
  const now = scan.now.toISOString();
  const rows = await trx
    .selectFrom('findings')
    .select(['identity_key', 'finding_json'])
    .where('account_id', '=', scan.accountId)
    .where('resource_id', '=', scan.resourceId)
    .execute();
  const stored = new Map(rows.map((r) => [r.identity_key, findingOfRow(r)]));
  const changes: LifecycleChanges = { created: [], updated: [], observed: [], closed: [] };
  const seen = new Set<string>();
  for (const fresh of scan.findings) {
    seen.add(fresh.id);
    const old = stored.get(fresh.id);
    if (!old) {
      const f = { ...fresh, id: storedFindingId(scan.accountId, fresh.id), accountId: scan.accountId };
      Object.assign(f, { status: 'ACTIVE', firstObservedAt: now, lastObservedAt: now, updatedAt: now });
      delete f.closedAt;
      await trx.insertInto('findings').values(findingRow(f, fresh.id)).execute();
      changes.created.push(f);
      continue;
    }
    const next = observedAgain(old, fresh, now);
    await trx
      .updateTable('findings')
      .set(findingRow(next.finding, fresh.id))
      .where('id', '=', old.id)
      .execute();
    (next.changed ? changes.updated : changes.observed).push(next.finding);
  }
  for (const [identity, old] of stored) {
    if (seen.has(identity) || old.status === 'CLOSED') continue;
    const f: Finding = { ...old, status: 'CLOSED', closedAt: now, updatedAt: now };
    await trx.updateTable('findings').set(findingRow(f, identity)).where('id', '=', old.id).execute();
    changes.closed.push(f);
  }
  await writeEvents(trx, scan.accountId, changes, now);
  return changes;
}

/** The facts a re-scan may change; anything else differing is not news. */
function material(f: Finding): string {
  const {
    severity,
    score,
    scoreDetails,
    fixAvailable,
    exploitAvailable,
    epss,
    packageVulnerabilityDetails,
    remediation,
  } = f;
  return JSON.stringify([
    severity,
    score,
    scoreDetails,
    fixAvailable,
    exploitAvailable,
    epss,
    packageVulnerabilityDetails,
    remediation,
  ]);
}

function observedAgain(old: Finding, fresh: Finding, now: string): { finding: Finding; changed: boolean } {
  const reopened = old.status === 'CLOSED';
  const changed = reopened || material(old) !== material(fresh);
  const f: Finding = {
    ...fresh,
    id: old.id,
    accountId: old.accountId,
    status: reopened ? 'ACTIVE' : old.status,
    firstObservedAt: old.firstObservedAt,
    lastObservedAt: now,
    updatedAt: changed ? now : old.updatedAt,
  };
  delete f.closedAt;
  if (!reopened && old.suppressedBy !== undefined) f.suppressedBy = old.suppressedBy;
  else delete f.suppressedBy;
  return { finding: f, changed };
}

async function writeEvents(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  c: LifecycleChanges,
  now: string,
): Promise<void> {
  const events: Array<[FindingEventType, Finding]> = [
    ...c.created.map((f) => ['vigil.finding.created', f] as [FindingEventType, Finding]),
    ...c.updated.map((f) => ['vigil.finding.updated', f] as [FindingEventType, Finding]),
    ...c.closed.map((f) => ['vigil.finding.closed', f] as [FindingEventType, Finding]),
  ];
  if (events.length === 0) return;
  await trx
    .insertInto('outbox')
    .values(
      events.map(([type, f]) => ({
        type,
        account_id: accountId,
        subject: f.id,
        payload_json: JSON.stringify(f),
        created_at: now,
        delivered_at: null,
      })),
    )
    .execute();
}
