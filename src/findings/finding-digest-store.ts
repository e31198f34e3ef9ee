import { sql, type Kysely, type Transaction } from 'kysely';
import type { FindingTable, ServiceDatabase } from '../store/service-db-schema.js';
import { findingPackageKey, scanDigest } from './finding-digest.js';
import { findingJson, findingOfRow } from './finding-rows.js';

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

/** One stored package finding as a re-match compares it: no JSON read (a covering index serves it). */
export interface StoredDigest {
  packageKey: string;
  status: string;
  digest: string | null;
}

/**
 * The package findings of `resources` by resource (`account\0resource`) and then by
 * `packageKey\0vulnerabilityId` (a finding's identity within its resource); with `packageKeys`, only
 * findings of those keys.
 */
export async function storedDigests(
  db: Kysely<ServiceDatabase>,
  resources: ReadonlyArray<{ accountId: string; resourceId: string }>,
  packageKeys?: readonly string[],
): Promise<Map<string, Map<string, StoredDigest>>> {
  const out = new Map<string, Map<string, StoredDigest>>();
  if (resources.length === 0 || packageKeys?.length === 0) return out;
  let q = db
    .selectFrom('findings')
    .select(['account_id', 'resource_id', 'package_key', 'vulnerability_id', 'status', 'match_digest'])
    .where(
      sql<boolean>`(account_id, resource_id) in (${sql.join(
        resources.map((r) => sql`(${r.accountId}, ${r.resourceId})`),
      )})`,
    );
  q = packageKeys ? q.where('package_key', 'in', packageKeys) : q.where('package_key', 'is not', null);
  for (const r of await q.execute()) {
    const k = `${r.account_id}\0${r.resource_id}`;
    let m = out.get(k);
    if (!m) out.set(k, (m = new Map<string, StoredDigest>()));
    m.set(`${r.package_key ?? ''}\0${r.vulnerability_id ?? ''}`, {
      packageKey: r.package_key ?? '',
      status: r.status,
      digest: r.match_digest,
    });
  }
  return out;
}

/**
 * Clears the full re-match's digest (inventories.findings_digest) of the resources whose findings
 * `rows` wrote: whatever wrote them (a scan, the closer, a re-match before it records its own), the
 * digest no longer vouches for them, and the next full re-match compares them finding by finding.
 */
export async function forgetFindingsDigests(
  trx: Transaction<ServiceDatabase> | Kysely<ServiceDatabase>,
  rows: ReadonlyArray<Pick<FindingTable, 'account_id' | 'resource_id'>>,
): Promise<void> {
  const refs = new Map(rows.map((r) => [`${r.account_id}\0${r.resource_id}`, r]));
  const all = [...refs.values()];
  for (let i = 0; i < all.length; i += 500) {
    await trx
      .updateTable('inventories')
      .set({ findings_digest: null })
      .where(
        sql<boolean>`(account_id, resource_id) in (${sql.join(
          all.slice(i, i + 500).map((r) => sql`(${r.account_id}, ${r.resource_id})`),
        )})`,
      )
      .where('findings_digest', 'is not', null)
      .execute();
  }
}

/** Records what a full re-match left on each resource (see forgetFindingsDigests). */
export async function recordFindingsDigests(
  trx: Transaction<ServiceDatabase>,
  digests: ReadonlyArray<{ accountId: string; resourceId: string; digest: string }>,
): Promise<void> {
  for (const d of digests)
    await trx
      .updateTable('inventories')
      .set({ findings_digest: d.digest })
      .where('account_id', '=', d.accountId)
      .where('resource_id', '=', d.resourceId)
      .execute();
}
