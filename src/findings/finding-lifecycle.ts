import type { Kysely, Transaction } from 'kysely';
import { appendEvents } from '../events/event-outbox.js';
import type { OutboxEvent } from '../events/event-types.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { newFindingId } from './finding-ids.js';
import { findingJson, findingOfRow, findingRow, type StoredFindingRow } from './finding-rows.js';
import { insertFindingRows, rewriteFindingRows } from './finding-writes.js';
import { yieldToEventLoop } from '../core/event-loop-yield.js';

/** Findings decided (JSON, suppression rules) between two turns of the event loop. */
const DECISIONS_PER_TURN = 100;
import { shareAccountSuppression } from './suppression/account-lock.js';
import { loadSuppressor, type Suppressor } from './suppression/suppression-matcher.js';
import type { Finding, FindingType } from './finding-types.js';
import { SEVERITIES } from '../risk/severity-band.js';
import { inContext, loadExposure } from './score-context.js';
import { observeOutsideScope, type ObservedInPlace } from './finding-observe.js';

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
  /**
   * When set, a `vigil.scan.completed` event with the counts is written in the same transaction;
   * `initialScan` marks the first successful scan of the resource (Inspector's INITIAL_SCAN_COMPLETE).
   */
  scan?: { id: string; kind: string; initialScan?: boolean };
  /** Leave open findings the scan did not see open (a scan that saw nothing proves nothing fixed). */
  keepUnseen?: boolean;
  /**
   * The finding types this scan speaks for: it reads and closes only those (default: every type). A
   * package scan leaves NETWORK_REACHABILITY to the network analysis (scan/network-analysis.ts), and
   * that one leaves package findings alone.
   */
  findingTypes?: readonly FindingType[];
  /**
   * Narrower than a type: the stored findings this scan can judge (a Classic run of the CIS package
   * alone leaves the best-practice findings of the same host open). Default: all of `findingTypes`.
   */
  speaksFor?: (stored: Finding) => boolean;
  /**
   * The package keys this scan matched again (a delta check-in, scan/checkin-scan.ts): only their
   * findings are decided; the other open findings of `findingTypes` are observed in place.
   */
  scope?: readonly string[];
}

/**
 * What a scan of packages speaks for: package vulnerabilities only. NETWORK_REACHABILITY belongs to
 * the network analysis and CONFIGURATION to Classic assessment runs (scan/classic).
 */
export const PACKAGE_SCAN_TYPES: readonly FindingType[] = ['PACKAGE_VULNERABILITY'];

export interface LifecycleChanges {
  created: Finding[];
  /** Seen again with different facts (score, fix, EPSS…), or reopened after being CLOSED. */
  updated: Finding[];
  /** Seen again, nothing but lastObservedAt changed: no event. */
  observed: Finding[];
  closed: Finding[];
  /** Seen again outside a delta scan's scope, observed in place (their JSON not read): counted only. */
  observedInPlace?: ObservedInPlace[];
}

/**
 * Applies one scan of one resource to the stored findings, in ONE transaction with the outbox events
 * that announce the changes (so no change is ever committed without its event, nor the reverse):
 * new → ACTIVE; seen again → lastObservedAt; not seen → CLOSED; seen after CLOSED → reopened (same id).
 * Open findings are ACTIVE or SUPPRESSED as the account's live suppression rules say right now
 * (`suppressedBy` names the rule); a scan that no longer sees a suppressed finding closes it too.
 */
export async function applyScanOfResource(
  db: Kysely<ServiceDatabase>,
  scan: ScanOfResource,
): Promise<LifecycleChanges> {
  return db.transaction().execute((trx) => applyScanOfResourceIn(trx, scan));
}

/** The same, inside the caller's transaction (a route that also stores the inventory it scanned). */
export async function applyScanOfResourceIn(
  trx: Transaction<ServiceDatabase>,
  scan: ScanOfResource,
): Promise<LifecycleChanges> {
  const now = scan.now.toISOString();
  await shareAccountSuppression(trx, scan.accountId);
  let q = trx
    .selectFrom('findings')
    .select(['identity_key', 'last_observed_at', findingJson()])
    .where('account_id', '=', scan.accountId)
    .where('resource_id', '=', scan.resourceId);
  if (scan.findingTypes) q = q.where('type', 'in', scan.findingTypes);
  if (scan.scope) q = q.where('package_key', 'in', scan.scope.length > 0 ? scan.scope : ['']);
  const rows = await q.execute();
  const exposure = await loadExposure(trx, scan.accountId, scan.resourceId);
  const stored = new Map(rows.map((r) => [r.identity_key, findingOfRow(r)]));
  const suppressor = await loadSuppressor(trx, scan.accountId, scan.now, scan.resourceId);
  const changes: LifecycleChanges = { created: [], updated: [], observed: [], closed: [] };
  const seen = new Set<string>();
  // Written in batches after the decisions (a scan of thousands of findings is a few statements).
  const inserts: StoredFindingRow[] = [];
  const rewrites: StoredFindingRow[] = [];
  for (const found of scan.findings) {
    const fresh = inContext(found, exposure);
    if (seen.size % DECISIONS_PER_TURN === DECISIONS_PER_TURN - 1) await yieldToEventLoop();
    seen.add(fresh.id);
    const old = stored.get(fresh.id);
    if (!old) {
      const f = { ...fresh, id: newFindingId(scan.accountId, fresh.id), accountId: scan.accountId };
      Object.assign(f, { status: 'ACTIVE', firstObservedAt: now, lastObservedAt: now, updatedAt: now });
      delete f.closedAt;
      delete f.suppressedBy;
      delete f.suppression;
      applySuppression(f, suppressor);
      inserts.push(findingRow(f, fresh.id));
      changes.created.push(f);
      continue;
    }
    const next = observedAgain(old, fresh, now, suppressor);
    rewrites.push(findingRow(next.finding, fresh.id));
    (next.changed ? changes.updated : changes.observed).push(next.finding);
  }
  for (const [identity, old] of stored) {
    if (scan.keepUnseen || seen.has(identity) || old.status === 'CLOSED') continue;
    if (scan.speaksFor && !scan.speaksFor(old)) continue;
    const f: Finding = { ...old, status: 'CLOSED', closedAt: now, updatedAt: now };
    rewrites.push(findingRow(f, identity));
    changes.closed.push(f);
  }
  await insertFindingRows(trx, inserts);
  await rewriteFindingRows(trx, rewrites);
  if (scan.scope) {
    const types = scan.findingTypes ?? PACKAGE_SCAN_TYPES;
    const at = { accountId: scan.accountId, resourceId: scan.resourceId, types, scope: scan.scope, now };
    changes.observedInPlace = await observeOutsideScope(trx, at);
  }
  await appendEvents(trx, lifecycleEvents(scan, changes), now);
  return changes;
}

/** The facts a re-scan may change; anything else differing is not news. */
const MATERIAL_FIELDS = [
  'severity',
  'score',
  'scoreDetails',
  'fixAvailable',
  'exploitAvailable',
  'epss',
  'packageVulnerabilityDetails',
  'remediation',
] as const;

function material(f: Finding): string {
  return JSON.stringify(MATERIAL_FIELDS.map((k) => f[k]));
}

const suppressionMark = (f: Finding): string =>
  `${f.status}\0${f.suppressedBy ?? ''}\0${f.suppression ? JSON.stringify(f.suppression) : ''}`;

/**
 * Sets status ACTIVE or SUPPRESSED (with `suppressedBy`, and `suppression` when the suppressor gives
 * a reason and source, as VEX does) on an open finding; true if that changed it.
 */
export function applySuppression(f: Finding, suppressor: Suppressor): boolean {
  const before = suppressionMark(f);
  const verdict = suppressor({ ...f, status: 'ACTIVE' });
  delete f.suppression;
  if (verdict === undefined) {
    f.status = 'ACTIVE';
    delete f.suppressedBy;
  } else if (typeof verdict === 'string') {
    f.status = 'SUPPRESSED';
    f.suppressedBy = verdict;
  } else {
    f.status = 'SUPPRESSED';
    f.suppressedBy = verdict.by;
    f.suppression = verdict.suppression;
  }
  return before !== suppressionMark(f);
}

export function observedAgain(
  old: Finding,
  fresh: Finding,
  now: string,
  suppressor: Suppressor,
  /** When the resource was observed (a re-match of a stored inventory observes nothing: the old time). */
  observedAt: string = now,
): { finding: Finding; changed: boolean } {
  const f: Finding = {
    ...fresh,
    id: old.id,
    accountId: old.accountId,
    status: old.status,
    firstObservedAt: old.firstObservedAt,
    lastObservedAt: observedAt,
    updatedAt: old.updatedAt,
  };
  delete f.closedAt;
  if (old.suppressedBy !== undefined) f.suppressedBy = old.suppressedBy;
  else delete f.suppressedBy;
  if (old.suppression !== undefined) f.suppression = old.suppression;
  else delete f.suppression;
  const reopened = old.status === 'CLOSED';
  if (reopened) f.status = 'ACTIVE';
  const statusChanged = applySuppression(f, suppressor);
  const changed = reopened || statusChanged || material(old) !== material(fresh);
  if (changed) f.updatedAt = now;
  return { finding: f, changed };
}

export function lifecycleEvents(scan: ScanOfResource, c: LifecycleChanges): OutboxEvent[] {
  const ev = (type: OutboxEvent['type'], f: Finding): OutboxEvent => ({
    type,
    accountId: scan.accountId,
    subject: f.id,
    data: f,
  });
  const events = [
    ...c.created.map((f) => ev('vigil.finding.created', f)),
    ...c.updated.map((f) => ev('vigil.finding.updated', f)),
    ...c.closed.map((f) => ev('vigil.finding.closed', f)),
  ];
  if (scan.scan) {
    events.push({
      type: 'vigil.scan.completed',
      accountId: scan.accountId,
      subject: scan.resourceId,
      data: {
        scanId: scan.scan.id,
        kind: scan.scan.kind,
        resourceId: scan.resourceId,
        created: c.created.length,
        updated: c.updated.length,
        observed: c.observed.length + (c.observedInPlace?.length ?? 0),
        closed: c.closed.length,
        initialScan: scan.scan.initialScan ?? false,
        severityCounts: severityCounts([
          ...c.created,
          ...c.updated,
          ...c.observed,
          ...(c.observedInPlace ?? []),
        ]),
      },
    });
  }
  return events;
}

/** ACTIVE findings the scan saw, by severity (suppressed ones left out, as Inspector counts them). */
function severityCounts(seen: ReadonlyArray<{ status: string; severity: string }>): Record<string, number> {
  const counts: Record<string, number> = { total: 0 };
  for (const s of SEVERITIES) counts[s.toLowerCase()] = 0;
  for (const f of seen) {
    if (f.status !== 'ACTIVE') continue;
    counts[f.severity.toLowerCase()] = (counts[f.severity.toLowerCase()] ?? 0) + 1;
    counts['total'] = (counts['total'] ?? 0) + 1;
  }
  return counts;
}
