import type { OsInfo } from '../core/os-info.js';
import type { Package } from '../core/package.js';
import type { LookupKey, Matcher } from './match-types.js';
import { MATCHERS, matcherFor } from './matcher-registry.js';
import { distroFor } from './distro/distro-registry.js';

/**
 * What matching and finding building take from a host's OS: the distro driver and its ecosystem keys
 * for the release. Two hosts with the same context key get the same matches and findings for the
 * same packages (the memo of a re-match keys on it).
 */
export function matchContextKey(os: OsInfo | undefined): string {
  const driver = distroFor(os);
  return JSON.stringify([driver?.name ?? null, driver && os ? (driver.ecosystems(os) ?? null) : null]);
}

/** The keys the matcher that claims `pkg` reads the DB by (none when no matcher claims it). */
export function lookupKeysOf(pkg: Package, os: OsInfo | undefined, matchers = MATCHERS): LookupKey[] {
  return matcherFor(pkg, matchers)?.lookupKeys(pkg, os) ?? [];
}

/**
 * A set of an inventory's packages whose matches can meet in one finding: packages connected by a
 * shared (ecosystem, name) key. Findings group matches by package key (alias-merger), and a package
 * key is always one of the package's lookup names, so the findings of one component depend on its
 * packages alone: it can be matched, merged and built apart from the rest of the inventory. A Debian
 * source package with its binaries is one component; an rpm looked up by binary and source name joins
 * the other binaries of that source.
 */
export interface LookupComponent {
  /** Its smallest `ecosystem␟name` (U+001F: PostgreSQL text takes no NUL): a stable label. */
  label: string;
  packages: Package[];
  keys: LookupKey[];
}

/** The inventory's matchable packages in components (packages with no key are left out). */
export function lookupComponents(
  packages: readonly Package[],
  os: OsInfo | undefined,
  matchers: readonly Matcher[] = MATCHERS,
): LookupComponent[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    for (let p = parent.get(root); p !== undefined && p !== root; p = parent.get(root)) root = p;
    for (let y = x; y !== root;) {
      const next = parent.get(y) ?? root;
      parent.set(y, root);
      y = next;
    }
    return root;
  };
  const keyed: Array<{ pkg: Package; keys: LookupKey[]; names: string[] }> = [];
  for (const pkg of packages) {
    const keys = lookupKeysOf(pkg, os, matchers);
    if (keys.length === 0) continue;
    const names = keys.map((k) => `${k.ecosystem}\u001f${k.name}`);
    for (const n of names) if (!parent.has(n)) parent.set(n, n);
    const first = names[0] as string;
    for (const n of names.slice(1)) {
      const a = find(first);
      const b = find(n);
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
    }
    keyed.push({ pkg, keys, names });
  }
  const byRoot = new Map<string, LookupComponent>();
  for (const k of keyed) {
    const root = find(k.names[0] as string);
    let c = byRoot.get(root);
    if (!c) byRoot.set(root, (c = { label: root, packages: [], keys: [] }));
    c.packages.push(k.pkg);
    for (const key of k.keys) c.keys.push(key);
  }
  return [...byRoot.values()];
}

/** One entry of a stored inventory's index: a key, the component it belongs to, and its packages. */
export interface IndexedKey extends LookupKey {
  component: string;
  /** The packages looked up by the key, with their position in the inventory (matching order). */
  packages: Array<[position: number, pkg: Package]>;
}

/** The index of an inventory: one entry per distinct (ecosystem, name, version) the matchers read by. */
export function inventoryIndex(
  packages: readonly Package[],
  os: OsInfo | undefined,
  matchers: readonly Matcher[] = MATCHERS,
): IndexedKey[] {
  const position = new Map<Package, number>(packages.map((p, i) => [p, i]));
  const out = new Map<string, IndexedKey>();
  for (const c of lookupComponents(packages, os, matchers)) {
    for (const pkg of c.packages) {
      for (const key of lookupKeysOf(pkg, os, matchers)) {
        const id = `${key.ecosystem}\0${key.name}\0${key.version}`;
        let e = out.get(id);
        if (!e) out.set(id, (e = { ...key, component: c.label, packages: [] }));
        const at = position.get(pkg) ?? -1;
        // A package is visited once; only a key it repeats itself could add it twice, right after.
        if (e.packages[e.packages.length - 1]?.[0] !== at) e.packages.push([at, pkg]);
      }
    }
  }
  return [...out.values()];
}
