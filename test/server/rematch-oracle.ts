import type { Inventory } from '../../src/core/inventory.js';
import { scanDigest } from '../../src/findings/finding-digest.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';
import type { FindingResource } from '../../src/findings/finding-types.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';

/** A host's open findings as a scan decides them: identity → scanDigest. */
export async function openDecisions(
  db: ServiceDb,
  accountId: string,
  resourceId: string,
): Promise<Map<string, string>> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select(['id', 'identity_key', 'last_observed_at', findingJson()])
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resourceId)
    .where('status', '<>', 'CLOSED')
    .execute();
  return new Map(rows.map((r) => [r.identity_key, scanDigest(findingOfRow(r))]));
}

/** The re-match tests' oracle: a fresh scan of the stored inventory against `vulndb`, as the scan path builds it. */
export async function scannedDecisions(
  db: ServiceDb,
  vulndb: VulnDb,
  at: { accountId: string; resourceId: string; now: Date },
): Promise<Map<string, string>> {
  const inv = await db.kysely
    .selectFrom('inventories')
    .select('inventory_json')
    .where('account_id', '=', at.accountId)
    .where('resource_id', '=', at.resourceId)
    .executeTakeFirstOrThrow();
  const resource: FindingResource = { id: at.resourceId, type: 'HOST', details: {} };
  const r = await scanTarget(
    { kind: 'inventory', inventory: JSON.parse(inv.inventory_json) as Inventory },
    { store: vulndb.store, accountId: at.accountId, now: at.now, resource: () => resource },
  );
  return new Map(r.findings.map((f) => [f.id, scanDigest(f)]));
}
