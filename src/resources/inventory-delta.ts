import type { Kysely, Transaction } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { yieldToEventLoop } from '../core/event-loop-yield.js';
import {
  INVENTORY_INDEX_VERSION,
  type PreparedIndex,
  type PreparedIndexRow,
  type ResourceRef,
} from './inventory-index.js';
import { componentKey } from './component-key.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/** Rows per INSERT, as writeInventoryIndex writes them. */
const CHUNK = 200;

/** One stored index row, without its packages' JSON (its digest tells them apart). */
export interface KnownIndexRow {
  component: string;
  packageKey: string;
  ecosystem: string;
  name: string;
  version: string;
  digest: string;
  positionsJson: string;
}

/** What the server holds of a host's last inventory: its OS and its index, as stored. */
export interface KnownInventory {
  /** When it was stored (a delta applies only onto this one). */
  updatedAt: string;
  osJson: string | null;
  rows: KnownIndexRow[];
}

/**
 * What changed between the stored inventory and a new one, by lookup component (lookup-keys.ts): a
 * component's findings depend on its packages alone, so only the changed ones need matching again.
 * `components`: labels present before or now whose rows differ; `scope`: their package keys (before
 * and now), the keys whose findings the new match speaks for.
 */
export interface InventoryDelta {
  components: string[];
  scope: string[];
}

/**
 * The stored index of a host's inventory, or undefined when there is none or it was indexed by an
 * older version (its rows may not say what a fresh index says).
 */
export async function knownInventoryOf(db: Db, ref: ResourceRef): Promise<KnownInventory | undefined> {
  const inv = await db
    .selectFrom('inventories')
    .select(['os_json', 'index_version', 'updated_at'])
    .where('account_id', '=', ref.accountId)
    .where('resource_id', '=', ref.resourceId)
    .executeTakeFirst();
  if (!inv || inv.index_version !== INVENTORY_INDEX_VERSION) return undefined;
  const rows = await db
    .selectFrom('inventory_packages')
    .select(['component', 'package_key', 'ecosystem_key', 'package_name', 'version', 'packages_digest'])
    .select('positions_json')
    .where('account_id', '=', ref.accountId)
    .where('resource_id', '=', ref.resourceId)
    .execute();
  return {
    updatedAt: inv.updated_at,
    osJson: inv.os_json,
    rows: rows.map((r) => ({
      component: r.component,
      packageKey: r.package_key,
      ecosystem: r.ecosystem_key,
      name: r.package_name,
      version: r.version,
      digest: r.packages_digest ?? '',
      positionsJson: r.positions_json,
    })),
  };
}

/**
 * The components that differ between `known` and the new `index`; undefined when the OS differs (every
 * match may change) or a stored row has no digest (indexed before digests: cannot be compared).
 */
export function inventoryDelta(known: KnownInventory, index: PreparedIndex): InventoryDelta | undefined {
  const os = index.os ? JSON.stringify(index.os) : null;
  if (os !== known.osJson || known.rows.some((r) => r.digest === '')) return undefined;
  const before = fingerprints(known.rows);
  const now = fingerprints(
    index.rows.map((r) => ({
      component: r.component,
      packageKey: r.package_key,
      ecosystem: r.ecosystem_key,
      name: r.package_name,
      version: r.version,
      digest: r.packages_digest ?? '',
      positionsJson: r.positions_json,
    })),
  );
  const components = new Set<string>();
  for (const [label, print] of now) if (before.get(label)?.print !== print.print) components.add(label);
  for (const label of before.keys()) if (!now.has(label)) components.add(label);
  const scope = new Set<string>();
  for (const m of [before, now])
    for (const label of components) for (const k of m.get(label)?.keys ?? []) scope.add(k);
  return { components: [...components].sort(), scope: [...scope].sort() };
}

/**
 * Per component: its key (component-key.ts: its rows, their packages' digests and their order relative
 * to each other, which is what the component's findings depend on, as the re-match memo keys it)
 * and the package keys it holds.
 */
function fingerprints(rows: readonly KnownIndexRow[]): Map<string, { print: string; keys: string[] }> {
  const byComponent = new Map<string, KnownIndexRow[]>();
  for (const r of rows) {
    const list = byComponent.get(r.component);
    if (list) list.push(r);
    else byComponent.set(r.component, [r]);
  }
  const out = new Map<string, { print: string; keys: string[] }>();
  for (const [label, list] of byComponent) {
    const print = componentKey(
      list.map((r) => ({
        ecosystem: r.ecosystem,
        name: r.name,
        version: r.version,
        positions: JSON.parse(r.positionsJson) as number[],
        identity: r.digest,
      })),
    );
    out.set(label, { print, keys: [...new Set(list.map((r) => r.packageKey))] });
  }
  return out;
}

/**
 * Replaces the index rows of the changed components only (the rest of the stored index is what the
 * new inventory would write again), in the caller's transaction.
 */
export async function writeInventoryIndexDelta(
  trx: Transaction<ServiceDatabase>,
  ref: ResourceRef,
  index: PreparedIndex,
  components: readonly string[],
): Promise<void> {
  const changed = new Set(components);
  for (let i = 0; i < components.length; i += CHUNK) {
    await trx
      .deleteFrom('inventory_packages')
      .where('account_id', '=', ref.accountId)
      .where('resource_id', '=', ref.resourceId)
      .where('component', 'in', components.slice(i, i + CHUNK))
      .execute();
  }
  const at = { account_id: ref.accountId, resource_id: ref.resourceId };
  const rows: PreparedIndexRow[] = index.rows.filter((r) => changed.has(r.component));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('inventory_packages')
      .values(rows.slice(i, i + CHUNK).map((r) => ({ ...at, ...r })))
      .execute();
    await yieldToEventLoop();
  }
  // The whole inventory's component keys (m0028): a full re-match reads them instead of the rows.
  await trx
    .updateTable('inventories')
    .set({ component_keys_json: JSON.stringify(index.components) })
    .where('account_id', '=', ref.accountId)
    .where('resource_id', '=', ref.resourceId)
    .execute();
}
