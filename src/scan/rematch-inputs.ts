import type { Kysely } from 'kysely';
import type { Package } from '../core/package.js';
import { componentKey } from '../resources/component-key.js';
import { componentPackages, componentRowsOf, type IndexRow } from '../resources/inventory-index.js';
import type { RematchTarget } from '../resources/rematch-targets.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { ComponentInput, HostInput } from './scan-memo.js';

export interface Host {
  input: HostInput;
  /** The package keys re-matched on this host (keys mode); undefined: all of them. */
  scope?: string[];
}

/**
 * Each target's index rows as the memo's input: one component per lookup component. Rows read
 * without their packages' JSON (a full re-match) have it read from the DB only for the components the
 * memo has not built yet.
 */
export function hostInputs(
  db: Kysely<ServiceDatabase>,
  targets: readonly RematchTarget[],
  rows: readonly IndexRow[],
  keys: boolean,
): Host[] {
  const byHost = new Map<string, Map<string, IndexRow[]>>();
  for (const r of rows) {
    const h = `${r.accountId}\0${r.resourceId}`;
    let comps = byHost.get(h);
    if (!comps) byHost.set(h, (comps = new Map<string, IndexRow[]>()));
    const list = comps.get(r.component);
    if (list) list.push(r);
    else comps.set(r.component, [r]);
  }
  return targets.map((t) => {
    const comps = byHost.get(`${t.accountId}\0${t.resourceId}`) ?? new Map<string, IndexRow[]>();
    const components: ComponentInput[] = [...comps.values()].map((list) => componentInput(db, list));
    const scope = [...new Set([...comps.values()].flat().map((r) => r.packageKey))];
    return { input: { os: t.os, components }, ...(keys ? { scope } : {}) };
  });
}

/**
 * A component as the memo takes it: keyed by component-key.ts (what its findings depend on), its
 * packages parsed from the rows' JSON, or read from the DB when the rows were read without it.
 */
function componentInput(db: Kysely<ServiceDatabase>, rows: IndexRow[]): ComponentInput {
  const keyed = rows.map((r) => ({
    row: r,
    ecosystem: r.ecosystem,
    name: r.name,
    version: r.version,
    positions: JSON.parse(r.positionsJson) as number[],
    identity: packagesIdentity(r),
  }));
  return {
    key: componentKey(keyed),
    packages: async () => {
      const first = rows[0];
      const json =
        first && rows.some((r) => r.packagesJson === undefined)
          ? await componentPackages(db, first, first.component)
          : new Map<string, string>();
      return packagesInOrder(
        keyed.map(({ row: r, positions }) => ({
          positions,
          json: r.packagesJson ?? json.get(`${r.ecosystem}\0${r.name}\0${r.version}`) ?? '[]',
        })),
      );
    },
  };
}

/**
 * The components of a target whose index writer stored their keys (inventories.component_keys_json):
 * no index row is read unless the memo has not built a component yet.
 */
export function keyedHostInput(db: Kysely<ServiceDatabase>, t: RematchTarget, json: string): HostInput {
  const keys = JSON.parse(json) as Array<[component: string, key: string]>;
  return {
    os: t.os,
    components: keys.map(([component, key]) => ({
      key,
      packages: async () =>
        packagesInOrder(
          (await componentRowsOf(db, t, component)).map((r) => ({
            positions: JSON.parse(r.positionsJson) as number[],
            json: r.packagesJson ?? '[]',
          })),
        ),
    })),
  };
}

/** A component's packages at their places in the inventory, each once (a package looked up by two keys sits in both rows). */
function packagesInOrder(rows: ReadonlyArray<{ positions: readonly number[]; json: string }>): Package[] {
  const byPosition = new Map<number, Package>();
  for (const r of rows)
    (JSON.parse(r.json) as Package[]).forEach((pkg, j) => byPosition.set(r.positions[j] ?? -1, pkg));
  return [...byPosition.entries()].sort((a, b) => a[0] - b[0]).map(([, pkg]) => pkg);
}

/**
 * What tells a row's packages apart: its JSON when read, else the JSON's digest. A row indexed before
 * the digest existed, read without its JSON, is keyed by its own place: never shared, still right.
 */
function packagesIdentity(r: IndexRow): string {
  if (r.packagesJson !== undefined) return `j${r.packagesJson}`;
  if (r.packagesDigest !== null) return `d${r.packagesDigest}`;
  return `u${r.accountId}\0${r.resourceId}\0${r.component}`;
}
