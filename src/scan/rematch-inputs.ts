import type { Kysely } from 'kysely';
import type { Package } from '../core/package.js';
import { componentPackages, type IndexRow } from '../resources/inventory-index.js';
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
 * A component as the memo takes it. Its key is what its findings depend on: the rows' keys, their
 * packages (the JSON's digest, or the JSON itself when read) and the packages' order relative to each
 * other (ranks, not places: a host with the same packages in the same order elsewhere in its
 * inventory shares the component's findings).
 */
function componentInput(db: Kysely<ServiceDatabase>, rows: IndexRow[]): ComponentInput {
  rows.sort((a, b) => cmp(a.ecosystem, b.ecosystem) || cmp(a.name, b.name) || cmp(a.version, b.version));
  const positions = rows.map((r) => JSON.parse(r.positionsJson) as number[]);
  const rank = new Map([...new Set(positions.flat())].sort((a, b) => a - b).map((p, i) => [p, i]));
  return {
    key: rows
      .map((r, i) => {
        const ranks = (positions[i] ?? []).map((p) => rank.get(p)).join(',');
        return `${r.ecosystem}\0${r.name}\0${r.version}\0${ranks}\0${packagesIdentity(r)}`;
      })
      .join('\n'),
    packages: async () => {
      const first = rows[0];
      const json =
        first && rows.some((r) => r.packagesJson === undefined)
          ? await componentPackages(db, first, first.component)
          : new Map<string, string>();
      // A package looked up by two keys sits in both rows: once, at its place in the inventory.
      const byPosition = new Map<number, Package>();
      for (const [i, r] of rows.entries()) {
        const at = positions[i] ?? [];
        const text = r.packagesJson ?? json.get(`${r.ecosystem}\0${r.name}\0${r.version}`) ?? '[]';
        (JSON.parse(text) as Package[]).forEach((pkg, j) => byPosition.set(at[j] ?? -1, pkg));
      }
      return [...byPosition.entries()].sort((a, b) => a[0] - b[0]).map(([, pkg]) => pkg);
    },
  };
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

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
