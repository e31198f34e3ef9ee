import { sql, type Kysely, type Transaction } from 'kysely';
import { yieldToEventLoop } from '../core/event-loop-yield.js';
import { appendEvents } from '../events/event-outbox.js';
import type { OutboxEvent } from '../events/event-types.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { scanDigest } from './finding-digest.js';
import {
  applySuppression,
  lifecycleEvents,
  observedAgain,
  type LifecycleChanges,
} from './finding-lifecycle.js';
import { newFindingId } from './finding-ids.js';
import { findingJson, findingOfRow, findingRow, type StoredFindingRow } from './finding-rows.js';
import { insertFindingRows, rewriteFindingRows } from './finding-writes.js';
import { loadSuppressor, type Suppressor } from './suppression/suppression-matcher.js';
import { shareAccountSuppression } from './suppression/account-lock.js';
import type { Finding } from './finding-types.js';
import { inContext, loadExposures, NOT_ANALYSED } from './score-context.js';

export interface RematchOfResource {
  accountId: string;
  resourceId: string;
  /** Every finding the re-match produced within the scope (ids: identities, as a scan's). */
  findings: readonly Finding[];
  /** Package keys re-matched (`deb:openssl`); undefined: every package finding of the resource. */
  scope?: readonly string[];
  /**
   * Within `scope`, only stored findings of these vulnerability ids are read, compared and closed
   * (`findings` holds only theirs); undefined: every one.
   */
  vulnerabilityIds?: readonly string[];
  /** scanDigest of each of `findings`, when the caller has them (a memo's templates): not computed again. */
  digests?: readonly string[];
  now: Date;
}

/** Findings decided (suppression, JSON) between two turns of the event loop. */
const DECISIONS_PER_TURN = 100;

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
  const [changes] = await applyRematchesIn(trx, [r]);
  return changes ?? { created: [], updated: [], observed: [], closed: [] };
}

/**
 * The same for many resources in ONE transaction (the caller's): their rows written a few statements
 * at a time and their events appended together, so a re-match of thousands of hosts is a few
 * transactions, not thousands. Changes in the order of `rs`.
 */
export async function applyRematchesIn(
  trx: Transaction<ServiceDatabase>,
  rs: readonly RematchOfResource[],
): Promise<LifecycleChanges[]> {
  const plans = await plansOf(trx, rs);
  const olds = await storedFindings(
    trx,
    plans.flatMap((p) => [...p.rewrites.map((w) => w.storedId), ...p.closing.map(([, row]) => row.id)]),
  );
  const inserts: StoredFindingRow[] = [];
  const rewrites: StoredFindingRow[] = [];
  const events: OutboxEvent[] = [];
  const suppressors = new Map<string, Suppressor>();
  const jsons = new Map<Finding, string>();
  const json = (f: Finding, row: StoredFindingRow): StoredFindingRow => {
    jsons.set(f, row.finding_json);
    return row;
  };
  let decided = 0;
  const out: LifecycleChanges[] = [];
  // The score in each host's context, as a scan writes it (the digests above leave the context out).
  const exposures = await loadExposures(
    trx,
    plans.filter((p) => p.creates.length + p.rewrites.length > 0).map((p) => p.r),
  );
  for (const p of plans) {
    const changes: LifecycleChanges = { created: [], updated: [], observed: [], closed: [] };
    out.push(changes);
    if (p.creates.length + p.rewrites.length + p.closing.length === 0) continue;
    const { r } = p;
    let suppressor = suppressors.get(r.accountId);
    if (!suppressor) {
      await shareAccountSuppression(trx, r.accountId);
      // Once per account and transaction: its rules, and its resources' tags when a rule reads tags.
      suppressor = await loadSuppressor(trx, r.accountId, r.now);
      suppressors.set(r.accountId, suppressor);
    }
    const now = r.now.toISOString();
    const exposure = exposures.get(`${r.accountId}\0${r.resourceId}`) ?? NOT_ANALYSED;
    for (const { fresh, digest } of p.creates) {
      if (++decided % DECISIONS_PER_TURN === 0) await yieldToEventLoop();
      const f = created(r.accountId, inContext(fresh, exposure), now, suppressor);
      inserts.push(json(f, findingRow(f, fresh.id, digest)));
      changes.created.push(f);
    }
    for (const { fresh, storedId } of p.rewrites) {
      const old = olds.get(storedId);
      if (!old) continue;
      const next = observedAgain(old, inContext(fresh, exposure), now, suppressor, old.lastObservedAt);
      rewrites.push(json(next.finding, findingRow(next.finding, fresh.id)));
      (next.changed ? changes.updated : changes.observed).push(next.finding);
    }
    for (const [identity, row] of p.closing) {
      const old = olds.get(row.id);
      if (!old) continue;
      const f: Finding = { ...old, status: 'CLOSED', closedAt: now, updatedAt: now };
      rewrites.push(json(f, findingRow(f, identity)));
      changes.closed.push(f);
    }
    for (const e of lifecycleEvents({ ...r, findings: r.findings }, changes)) {
      // A finding event carries the finding as its document was just written: serialized once.
      const dataJson = jsons.get(e.data as Finding);
      events.push(dataJson === undefined ? e : { ...e, dataJson });
    }
  }
  await insertFindingRows(trx, inserts);
  await rewriteFindingRows(trx, rewrites);
  const at = rs[0]?.now.toISOString();
  if (at !== undefined) await appendEvents(trx, events, at);
  return out;
}

interface StoredRow {
  id: string;
  identity_key: string;
  status: string;
  match_digest: string | null;
}

interface Plan {
  r: RematchOfResource;
  /** With the scan digest the caller had (a memo's template's), not computed again. */
  creates: Array<{ fresh: Finding; digest?: string }>;
  rewrites: Array<{ fresh: Finding; storedId: string }>;
  closing: Array<[string, StoredRow]>;
}

/** Resources whose stored digests one query reads. */
const RESOURCES_PER_QUERY = 200;

/** What each resource's re-match changes, from the stored digests alone (no finding JSON read). */
async function plansOf(trx: Transaction<ServiceDatabase>, rs: readonly RematchOfResource[]): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (let i = 0; i < rs.length; i += RESOURCES_PER_QUERY) {
    const chunk = rs.slice(i, i + RESOURCES_PER_QUERY);
    const stored = await storedRows(trx, chunk);
    for (const r of chunk) plans.push(planOf(r, stored.get(`${r.accountId}\0${r.resourceId}`)));
  }
  return plans;
}

/** The stored package findings of `rs` by resource, within each one's scope. */
async function storedRows(
  trx: Transaction<ServiceDatabase>,
  rs: readonly RematchOfResource[],
): Promise<Map<string, Map<string, StoredRow>>> {
  const inScope = new Map(rs.map((r) => [`${r.accountId}\0${r.resourceId}`, scopeOf(r)]));
  const out = new Map<string, Map<string, StoredRow>>();
  for (const row of await storedRowsQuery(trx, rs).execute()) {
    const k = `${row.account_id}\0${row.resource_id}`;
    const scope = inScope.get(k);
    if (scope?.packages && !scope.packages.has(row.package_key ?? '')) continue;
    if (scope?.ids && !scope.ids.has(row.vulnerability_id ?? '')) continue;
    let m = out.get(k);
    if (!m) out.set(k, (m = new Map<string, StoredRow>()));
    m.set(row.identity_key, row);
  }
  return out;
}

/** The query storedRows runs (exported for its plan's test, rematch-new-records.test.ts). */
export function storedRowsQuery(db: Kysely<ServiceDatabase>, rs: readonly RematchOfResource[]) {
  const scopes = rs.every((r) => r.scope) ? [...new Set(rs.flatMap((r) => r.scope ?? []))] : undefined;
  const ids = rs.every((r) => r.vulnerabilityIds)
    ? [...new Set(rs.flatMap((r) => r.vulnerabilityIds ?? []))]
    : undefined;
  let q = db
    .selectFrom('findings')
    .select([
      'account_id',
      'resource_id',
      'package_key',
      'vulnerability_id',
      'id',
      'identity_key',
      'status',
      'match_digest',
    ])
    .where(
      sql<boolean>`(account_id, resource_id) in (${sql.join(rs.map((r) => sql`(${r.accountId}, ${r.resourceId})`))})`,
    );
  q = scopes
    ? q.where('package_key', 'in', scopes.length > 0 ? scopes : [''])
    : q.where('package_key', 'is not', null);
  // Narrowed: the ids are filtered inside the (account, resource, package_key, vulnerability_id, …)
  // index's entries (m0032), not sought. On the bare column SQLite planned the vulnerability id index
  // on the 10,000-host fleet; reading by id instead (4b6b6bd) read again, in every transaction, what the
  // run's earlier ones had created: a 100-advisory import took 143.6 s instead of 69.6 s.
  if (ids) q = q.where(sql<string>`coalesce(vulnerability_id, '')`, 'in', ids.length > 0 ? ids : ['']);
  return q;
}

function scopeOf(r: RematchOfResource): { packages?: Set<string>; ids?: Set<string> } {
  return {
    ...(r.scope ? { packages: new Set(r.scope) } : {}),
    ...(r.vulnerabilityIds ? { ids: new Set(r.vulnerabilityIds) } : {}),
  };
}

function planOf(r: RematchOfResource, stored = new Map<string, StoredRow>()): Plan {
  const plan: Plan = { r, creates: [], rewrites: [], closing: [] };
  const seen = new Set<string>();
  for (const [i, fresh] of r.findings.entries()) {
    seen.add(fresh.id);
    const old = stored.get(fresh.id);
    const digest = r.digests?.[i];
    if (!old) plan.creates.push(digest === undefined ? { fresh } : { fresh, digest });
    else if (old.status === 'CLOSED' || old.match_digest !== (digest ?? scanDigest(fresh)))
      plan.rewrites.push({ fresh, storedId: old.id });
  }
  for (const entry of stored.entries())
    if (!seen.has(entry[0]) && entry[1].status !== 'CLOSED') plan.closing.push(entry);
  return plan;
}

function created(accountId: string, fresh: Finding, now: string, suppressor: Suppressor): Finding {
  const f: Finding = { ...fresh, id: newFindingId(accountId, fresh.id), accountId };
  Object.assign(f, { status: 'ACTIVE', firstObservedAt: now, lastObservedAt: now, updatedAt: now });
  delete f.closedAt;
  delete f.suppressedBy;
  delete f.suppression;
  applySuppression(f, suppressor);
  return f;
}

async function storedFindings(
  trx: Transaction<ServiceDatabase>,
  ids: readonly string[],
): Promise<Map<string, Finding>> {
  const out = new Map<string, Finding>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('findings')
      .select(['id', 'last_observed_at', findingJson()])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.id, findingOfRow(row));
  }
  return out;
}
