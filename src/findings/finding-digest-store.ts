import { sql, type Kysely, type Transaction } from 'kysely';
import type { FindingTable, ServiceDatabase } from '../store/service-db-schema.js';
import { findingPackageKey, scanDigest } from './finding-digest.js';
import { findingJson, findingOfRow } from './finding-rows.js';
import { FindingSetDigest } from './finding-set-digest.js';

/**
 * Package findings written before migration 0009 have no package key or digest: fills up to `limit`
 * of them from their JSON (one short transaction), and returns how many it filled (0: none left).
 * A re-match needs them: it selects findings by package key and compares digests.
 */
export async function backfillFindingDigests(db: Kysely<ServiceDatabase>, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('findings')
      .select(['id', 'last_observed_at', findingJson()])
      // Literal, not bound: SQLite uses the partial index findings_digest_missing (m0012) only when the
      // query names its condition's constant itself.
      .where(sql<boolean>`type = 'PACKAGE_VULNERABILITY'`)
      .where('package_key', 'is', null)
      .limit(limit)
      .execute();
    let filled = 0;
    for (const row of rows) {
      const f = findingOfRow(row);
      // A package finding without matches cannot be keyed: '' keeps it out of every scope and the backfill.
      await trx
        .updateTable('findings')
        .set({ package_key: findingPackageKey(f) ?? '', match_digest: scanDigest(f) })
        .where('id', '=', row.id)
        .execute();
      filled++;
    }
    return filled;
  });
}

/**
 * The open package findings of `resources` by resource (`account\0resource`), each as its identity
 * within the resource (`packageKey\0vulnerabilityId`) → its scan digest ('' if it has none); with
 * `packageKeys`, only findings of those keys. A CLOSED finding is left out: to a re-match that finds
 * it again it is one to write, as one never stored is. No JSON read: a covering index serves it (m0032).
 */
export async function openFindingDigests(
  db: Kysely<ServiceDatabase>,
  resources: ReadonlyArray<{ accountId: string; resourceId: string }>,
  packageKeys?: readonly string[],
): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  if (resources.length === 0 || packageKeys?.length === 0) return out;
  let q = db
    .selectFrom('findings')
    .select(['account_id', 'resource_id', 'package_key', 'vulnerability_id', 'match_digest'])
    .where(
      sql<boolean>`(account_id, resource_id) in (${sql.join(
        resources.map((r) => sql`(${r.accountId}, ${r.resourceId})`),
      )})`,
    )
    .where('status', '!=', 'CLOSED');
  q = packageKeys ? q.where('package_key', 'in', packageKeys) : q.where('package_key', 'is not', null);
  // Rows come in index order, a resource's together: its map is looked up once per run of rows.
  let at = '';
  let m = new Map<string, string>();
  for (const r of await q.execute()) {
    const k = `${r.account_id}\0${r.resource_id}`;
    if (k !== at) {
      at = k;
      const known = out.get(k);
      if (known) m = known;
      else out.set(k, (m = new Map<string, string>()));
    }
    m.set(`${r.package_key ?? ''}\0${r.vulnerability_id ?? ''}`, r.match_digest ?? '');
  }
  return out;
}

/**
 * Clears the full re-match's digest (findings_digests, m0033) of the resources whose findings `rows`
 * wrote: whatever wrote them (a scan, the closer, a re-match before it records its own), the digest no
 * longer vouches for them, and the next full re-match compares them finding by finding.
 */
export async function forgetFindingsDigests(
  trx: Transaction<ServiceDatabase> | Kysely<ServiceDatabase>,
  rows: ReadonlyArray<Pick<FindingTable, 'account_id' | 'resource_id'>>,
): Promise<void> {
  const refs = new Map(rows.map((r) => [`${r.account_id}\0${r.resource_id}`, r]));
  const all = [...refs.values()];
  for (let i = 0; i < all.length; i += 500) {
    await trx
      .deleteFrom('findings_digests')
      .where(
        sql<boolean>`(account_id, resource_id) in (${sql.join(
          all.slice(i, i + 500).map((r) => sql`(${r.account_id}, ${r.resource_id})`),
        )})`,
      )
      .execute();
  }
}

/** Records what a full re-match left on each resource, or what a scan stored (see forgetFindingsDigests). */
export async function recordFindingsDigests(
  trx: Transaction<ServiceDatabase>,
  digests: ReadonlyArray<{ accountId: string; resourceId: string; digest: string }>,
): Promise<void> {
  // One row per resource (the last given wins): an upsert may not touch a row twice in one statement.
  const latest = [...new Map(digests.map((d) => [`${d.accountId}\0${d.resourceId}`, d])).values()];
  for (let i = 0; i < latest.length; i += 200) {
    const rows = latest
      .slice(i, i + 200)
      .map((d) => ({ account_id: d.accountId, resource_id: d.resourceId, digest: d.digest }));
    await trx
      .insertInto('findings_digests')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'resource_id'])
          .doUpdateSet((eb) => ({ digest: eb.ref('excluded.digest') })),
      )
      .execute();
  }
}

/** Package keys a delta's scope may name for the digest to be carried over (one short read). */
const MAX_SCOPE = 500;

/** A delta check-in's recorded digest without its scope's findings, and that scope. */
export interface CarriedDigest {
  outside: FindingSetDigest;
  scope: readonly string[];
}

/**
 * Before a delta check-in's writes, in its transaction: the recorded digest without the findings of
 * the delta's scope (the only ones it may change: the rest are observed in place). Undefined when no
 * digest of this form is recorded or the scope is large: the digest is then read back whole after.
 */
export async function digestOutsideScope(
  trx: Transaction<ServiceDatabase>,
  at: { accountId: string; resourceId: string },
  scope: readonly string[],
): Promise<CarriedDigest | undefined> {
  if (scope.length > MAX_SCOPE) return undefined;
  const row = await trx
    .selectFrom('findings_digests')
    .select('digest')
    .where('account_id', '=', at.accountId)
    .where('resource_id', '=', at.resourceId)
    .executeTakeFirst();
  const recorded = row ? FindingSetDigest.parse(row.digest) : undefined;
  if (!recorded) return undefined;
  return { outside: recorded.subtractSet(await openFindingsSum(trx, at, scope)), scope };
}

/**
 * After a scan's writes, in its transaction: records the digest of the resource's open package
 * findings as they are stored now. With `carried` (digestOutsideScope's, taken before the writes), the
 * scope's findings are read back and added to it; else every open package finding of the resource is.
 * A full re-match whose result for the host has this digest would write nothing, so it skips the host
 * unread, as after a re-match of its own. A later write of the host's findings removes it again
 * (forgetFindingsDigests).
 */
export async function recordStoredFindingsDigest(
  trx: Transaction<ServiceDatabase>,
  at: { accountId: string; resourceId: string },
  carried: CarriedDigest | undefined,
): Promise<void> {
  const digest = carried
    ? carried.outside.addSet(await openFindingsSum(trx, at, carried.scope))
    : await openFindingsSum(trx, at, undefined);
  await recordFindingsDigests(trx, [{ ...at, digest: digest.toString() }]);
}

/** The sum of the resource's open package findings (of `packageKeys` only, when given). */
async function openFindingsSum(
  trx: Transaction<ServiceDatabase>,
  at: { accountId: string; resourceId: string },
  packageKeys: readonly string[] | undefined,
): Promise<FindingSetDigest> {
  const sum = new FindingSetDigest();
  const open = (await openFindingDigests(trx, [at], packageKeys)).get(`${at.accountId}\0${at.resourceId}`);
  for (const [identity, digest] of open ?? []) sum.addIdentity(identity, digest);
  return sum;
}
