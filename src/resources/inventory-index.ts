import { createHash } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Inventory } from '../core/inventory.js';
import type { OsInfo } from '../core/os-info.js';
import { inventoryIndex } from '../match/lookup-keys.js';
import type { InventoryPackageTable, ServiceDatabase } from '../store/service-db-schema.js';
import { yieldToEventLoop } from '../core/event-loop-yield.js';
import { componentKey } from './component-key.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/**
 * Version of what writeInventoryIndex writes: an inventory indexed by an older version (or none) is
 * indexed again by the backfill job (a change to the matchers' lookup keys bumps it; 2: packages_digest).
 */
export const INVENTORY_INDEX_VERSION = 2;

/** Rows per INSERT: 10 columns, well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 200;

export interface ResourceRef {
  accountId: string;
  resourceId: string;
}

/** One index row before it knows its resource: what a worker thread prepares and the writer stores. */
export type PreparedIndexRow = Omit<InventoryPackageTable, 'account_id' | 'resource_id'>;

/** An inventory's index rows and its OS, computed wherever the inventory is (a worker thread). */
export interface PreparedIndex {
  rows: PreparedIndexRow[];
  os: OsInfo | undefined;
  /** Each lookup component and its key (component-key.ts), in the rows' order of first appearance. */
  components: Array<[component: string, key: string]>;
}

/**
 * The index of one inventory: one row per (ecosystem key, name, version) the matchers read the
 * vulnerability DB by, from the matchers' own key functions (match/lookup-keys.ts), with the packages
 * looked up by it. Pure, so a worker thread computes it beside the match and the event loop only writes.
 */
export function prepareInventoryIndex(inventory: Pick<Inventory, 'packages' | 'os'>): PreparedIndex {
  const keys = inventoryIndex(inventory.packages, inventory.os);
  const perComponent = new Map<string, number>();
  for (const k of keys) perComponent.set(k.component, (perComponent.get(k.component) ?? 0) + 1);
  const rows = keys.map((k) => {
    const packagesJson = JSON.stringify(k.packages.map(([, pkg]) => pkg));
    return {
      ecosystem_key: k.ecosystem,
      package_name: k.name,
      version: k.version,
      // Packages of one key share their ecosystem (one OSV ecosystem per package ecosystem).
      package_key: `${k.packages[0]?.[1].ecosystem ?? ''}:${k.name}`,
      component: k.component,
      component_rows: perComponent.get(k.component) ?? 1,
      packages_json: packagesJson,
      positions_json: JSON.stringify(k.packages.map(([at]) => at)),
      packages_digest: createHash('sha256').update(packagesJson).digest('base64url').slice(0, 24),
    };
  });
  return { rows, os: inventory.os, components: componentKeys(rows) };
}

/** The key of each component of prepared rows, as a full re-match computes it from the stored rows. */
function componentKeys(rows: readonly PreparedIndexRow[]): Array<[string, string]> {
  const byComponent = new Map<string, PreparedIndexRow[]>();
  for (const r of rows) {
    const list = byComponent.get(r.component);
    if (list) list.push(r);
    else byComponent.set(r.component, [r]);
  }
  return [...byComponent].map(([component, list]) => [
    component,
    componentKey(
      list.map((r) => ({
        ecosystem: r.ecosystem_key,
        name: r.package_name,
        version: r.version,
        positions: JSON.parse(r.positions_json) as number[],
        identity: `d${r.packages_digest ?? ''}`,
      })),
    ),
  ]);
}

/**
 * Replaces the index of one stored inventory, in the caller's transaction (the one that stores the
 * inventory).
 */
export async function writeInventoryIndex(
  trx: Transaction<ServiceDatabase>,
  ref: ResourceRef,
  index: PreparedIndex,
): Promise<void> {
  await deleteInventoryIndex(trx, ref);
  const at = { account_id: ref.accountId, resource_id: ref.resourceId };
  for (let i = 0; i < index.rows.length; i += CHUNK) {
    await trx
      .insertInto('inventory_packages')
      .values(index.rows.slice(i, i + CHUNK).map((r) => ({ ...at, ...r })))
      .execute();
    // A big host's index is thousands of rows: other requests are served between the statements.
    await yieldToEventLoop();
  }
  await trx
    .updateTable('inventories')
    .set({
      os_json: index.os ? JSON.stringify(index.os) : null,
      index_version: INVENTORY_INDEX_VERSION,
      component_keys_json: JSON.stringify(index.components),
    })
    .where('account_id', '=', ref.accountId)
    .where('resource_id', '=', ref.resourceId)
    .execute();
}

export async function deleteInventoryIndex(db: Db, ref: ResourceRef): Promise<void> {
  await db
    .deleteFrom('inventory_packages')
    .where('account_id', '=', ref.accountId)
    .where('resource_id', '=', ref.resourceId)
    .execute();
}

/**
 * The resources whose stored inventories hold any of `keys` (ecosystem, name): one indexed query per
 * few hundred keys. Sorted, unique.
 */
export async function resourcesHoldingKeys(
  db: Db,
  keys: ReadonlyArray<readonly [string, string]>,
): Promise<ResourceRef[]> {
  const out = new Map<string, ResourceRef>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await holdersQuery(db, keys.slice(i, i + CHUNK)).execute();
    for (const r of rows)
      out.set(`${r.account_id}\0${r.resource_id}`, { accountId: r.account_id, resourceId: r.resource_id });
  }
  return [...out.values()].sort(compareRefs);
}

/** The resources holding one of `keys`: read from inventory_packages_key alone (m0034). */
export function holdersQuery(db: Db, keys: ReadonlyArray<readonly [string, string]>) {
  return db
    .selectFrom('inventory_packages')
    .select(['account_id', 'resource_id'])
    .distinct()
    .where((eb) => holdsKey(eb, keys));
}

/** The rows of `resources` holding one of `keys`, without their packages: from inventory_packages_key alone. */
export function heldRowsQuery(
  db: Db,
  resources: readonly ResourceRef[],
  keys: ReadonlyArray<readonly [string, string]>,
) {
  return db
    .selectFrom('inventory_packages')
    .select(HELD_COLUMNS)
    .where(sql<boolean>`(account_id, resource_id) in ${refTuples(resources)}`)
    .where((eb) => holdsKey(eb, keys));
}

/** Rows of one of `keys` (ecosystem key, name): the leading columns of inventory_packages_key. */
function holdsKey(
  eb: ExpressionBuilder<ServiceDatabase, 'inventory_packages'>,
  keys: ReadonlyArray<readonly [string, string]>,
) {
  return eb.or(
    keys.map(([eco, name]) => eb.and([eb('ecosystem_key', '=', eco), eb('package_name', '=', name)])),
  );
}

function compareRefs(a: ResourceRef, b: ResourceRef): number {
  return a.accountId === b.accountId
    ? a.resourceId < b.resourceId
      ? -1
      : a.resourceId > b.resourceId
        ? 1
        : 0
    : a.accountId < b.accountId
      ? -1
      : 1;
}

/** One index row as the re-match reads it: a key of one resource, its component and its packages' JSON. */
export interface IndexRow extends ResourceRef {
  ecosystem: string;
  name: string;
  version: string;
  /** The package key its matches' findings are grouped by (`deb:openssl`). */
  packageKey: string;
  component: string;
  /**
   * JSON Package[] as stored (parsed only when the component is not memoized yet); undefined when the
   * rows were read without it (a full re-match: packagesDigest tells them apart, componentPackages
   * reads them).
   */
  packagesJson?: string;
  /** A digest of packagesJson (null: indexed before m0012). */
  packagesDigest: string | null;
  /** JSON number[]: the packages' places in the inventory. */
  positionsJson: string;
}

const ROW_COLUMNS = [
  'account_id',
  'resource_id',
  'ecosystem_key',
  'package_name',
  'version',
  'package_key',
  'component',
  'component_rows',
  'packages_json',
  'positions_json',
  'packages_digest',
] as const;

type Selected = Pick<InventoryPackageTable, (typeof ROW_COLUMNS)[number]>;

/** The columns without packages_json: what a full re-match reads of every row. */
const LEAN_COLUMNS = ROW_COLUMNS.filter((c) => c !== 'packages_json' && c !== 'component_rows');

/**
 * What a re-match by keys reads of the rows holding a key: all inventory_packages_key carries (m0034),
 * so no table row is read; a component's packages are read only if the memo has not built it.
 */
const HELD_COLUMNS = ROW_COLUMNS.filter((c) => c !== 'packages_json');
type Held = Omit<Selected, 'packages_json'>;

function indexRow(
  r: Omit<Selected, 'packages_json' | 'component_rows'> & { packages_json?: string },
): IndexRow {
  return {
    accountId: r.account_id,
    resourceId: r.resource_id,
    ecosystem: r.ecosystem_key,
    name: r.package_name,
    version: r.version,
    packageKey: r.package_key,
    component: r.component,
    ...(r.packages_json !== undefined ? { packagesJson: r.packages_json } : {}),
    positionsJson: r.positions_json,
    packagesDigest: r.packages_digest,
  };
}

function refTuples(resources: readonly ResourceRef[]): RawBuilder<unknown> {
  return sql`(${sql.join(resources.map((r) => sql`(${r.accountId}, ${r.resourceId})`))})`;
}

/**
 * Every index row of `resources` (a full re-match), without packages_json: the JSON is half of what
 * the rows weigh, and their digests tell them apart; componentPackages reads it for a component the
 * run has not matched yet.
 */
export async function indexRowsOf(db: Db, resources: readonly ResourceRef[]): Promise<IndexRow[]> {
  if (resources.length === 0) return [];
  const rows = await db
    .selectFrom('inventory_packages')
    .select(LEAN_COLUMNS)
    .where(sql<boolean>`(account_id, resource_id) in ${refTuples(resources)}`)
    .execute();
  return rows.map(indexRow);
}

/** Every index row of one component of one resource, with its packages' JSON. */
export async function componentRowsOf(db: Db, ref: ResourceRef, component: string): Promise<IndexRow[]> {
  const rows = await db
    .selectFrom('inventory_packages')
    .select(ROW_COLUMNS)
    .where('account_id', '=', ref.accountId)
    .where('resource_id', '=', ref.resourceId)
    .where('component', '=', component)
    .execute();
  return rows.map(indexRow);
}

/** The packages_json of one component's rows, by `ecosystem\0name\0version`. */
export async function componentPackages(
  db: Db,
  ref: ResourceRef,
  component: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('inventory_packages')
    .select(['ecosystem_key', 'package_name', 'version', 'packages_json'])
    .where('account_id', '=', ref.accountId)
    .where('resource_id', '=', ref.resourceId)
    .where('component', '=', component)
    .execute();
  return new Map(rows.map((r) => [`${r.ecosystem_key}\0${r.package_name}\0${r.version}`, r.packages_json]));
}

/**
 * The index rows of `resources` in the components that hold one of `keys`: what a change to those
 * keys can change, without their packages' JSON (componentPackages reads it for a component the memo
 * has not built). The rows of the keys come from inventory_packages_key alone (m0034); a component
 * with more rows than those (an rpm looked up by binary and source name) is completed by a second,
 * indexed query.
 */
export async function componentRowsHolding(
  db: Db,
  resources: readonly ResourceRef[],
  keys: ReadonlyArray<readonly [string, string]>,
): Promise<IndexRow[]> {
  if (resources.length === 0 || keys.length === 0) return [];
  const hits: Held[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) {
    for (const r of await heldRowsQuery(db, resources, keys.slice(i, i + CHUNK)).execute()) hits.push(r);
  }
  const byComponent = new Map<string, Held[]>();
  for (const r of hits) {
    const k = `${r.account_id}\0${r.resource_id}\0${r.component}`;
    const list = byComponent.get(k);
    if (list) list.push(r);
    else byComponent.set(k, [r]);
  }
  const out: IndexRow[] = [];
  const incomplete: Held[] = [];
  for (const list of byComponent.values()) {
    const first = list[0] as Held;
    if (list.length >= first.component_rows) for (const r of list) out.push(indexRow(r));
    else incomplete.push(first);
  }
  for (let i = 0; i < incomplete.length; i += CHUNK) {
    const chunk = incomplete.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('inventory_packages')
      .select(LEAN_COLUMNS)
      .where(
        sql<boolean>`(account_id, resource_id, component) in (${sql.join(
          chunk.map((r) => sql`(${r.account_id}, ${r.resource_id}, ${r.component})`),
        )})`,
      )
      .execute();
    for (const r of rows) out.push(indexRow(r));
  }
  return out;
}

/** The OS each resource's stored inventory was matched for (null: none), by `account\0resource`. */
export async function inventoryOsOf(
  db: Db,
  resources: readonly ResourceRef[],
): Promise<Map<string, OsInfo | null>> {
  const out = new Map<string, OsInfo | null>();
  if (resources.length === 0) return out;
  const rows = await db
    .selectFrom('inventories')
    .select(['account_id', 'resource_id', 'os_json'])
    .where(sql<boolean>`(account_id, resource_id) in ${refTuples(resources)}`)
    .execute();
  for (const r of rows)
    out.set(
      `${r.account_id}\0${r.resource_id}`,
      r.os_json === null ? null : (JSON.parse(r.os_json) as OsInfo),
    );
  return out;
}
