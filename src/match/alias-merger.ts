import { appendAll } from '../core/append-all.js';
import { appendTo } from '../core/multi-map.js';
import type { Package } from '../core/package.js';
import type { VulnRecord } from '../vulndb/vuln-types.js';
import type { PackageMatch } from './match-types.js';

/** One vulnerability in one package: the unit a finding reports. */
export interface VulnerabilityGroup {
  /** The preferred id: a CVE when any record or alias names one. */
  vulnerabilityId: string;
  /** Every other id that names the same vulnerability (GHSA, PYSEC, DSA, DLA, …), sorted. */
  relatedIds: string[];
  /** The package key matched: `deb:openssl` (source package), `npm:lodash`. */
  packageKey: string;
  matches: PackageMatch[];
  /** The installed packages concerned, once each. */
  packages: Package[];
}

function packageKeyOf(m: PackageMatch): string {
  const family = m.pkg.ecosystem;
  return `${family}:${m.reason.packageName}`;
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

const ID_PREFERENCE = [/^CVE-\d+-\d+$/, /^GHSA-/, /^PYSEC-/, /^GO-/, /^RUSTSEC-/];

function rank(id: string): number {
  const i = ID_PREFERENCE.findIndex((re) => re.test(id));
  return i < 0 ? ID_PREFERENCE.length : i;
}

/** The CVE when there is one; among equals, a matched record's own id before an alias, then by name. */
export function preferredId(matchedIds: readonly string[], aliasIds: readonly string[]): string {
  const all = [...matchedIds.map((id) => ({ id, alias: 1 })), ...aliasIds.map((id) => ({ id, alias: 2 }))];
  all.sort(
    (a, b) => rank(a.id) - rank(b.id) || a.alias - b.alias || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return (all[0] as { id: string }).id;
}

/**
 * Groups matches so that one vulnerability in one package is one group: records that are aliases of
 * each other (directly or through a shared alias) merge; OSV `related` ids do not (they name other
 * vulnerabilities). Distro advisories deferred to their CVEs' rows join those CVEs' groups as related
 * ids and never stand alone.
 */
export function mergeAliases(
  matches: readonly PackageMatch[],
  records: ReadonlyMap<string, VulnRecord>,
): VulnerabilityGroup[] {
  const byPackage = new Map<string, PackageMatch[]>();
  for (const m of matches) appendTo(byPackage, packageKeyOf(m), m);
  const out: VulnerabilityGroup[] = [];
  for (const [packageKey, list] of byPackage) appendAll(out, mergePackage(packageKey, list, records));
  return out.sort((a, b) =>
    a.packageKey === b.packageKey
      ? a.vulnerabilityId.localeCompare(b.vulnerabilityId)
      : a.packageKey.localeCompare(b.packageKey),
  );
}

function mergePackage(
  packageKey: string,
  list: readonly PackageMatch[],
  records: ReadonlyMap<string, VulnRecord>,
): VulnerabilityGroup[] {
  const primary = list.filter((m) => !m.reason.deferredTo);
  const deferrals = list.filter((m) => m.reason.deferredTo);
  const uf = new UnionFind();
  for (const m of primary) {
    for (const a of records.get(m.reason.recordId)?.aliases ?? []) uf.union(m.reason.recordId, a);
  }
  const groups = new Map<string, PackageMatch[]>();
  for (const m of primary) appendTo(groups, uf.find(m.reason.recordId), m);
  const result: VulnerabilityGroup[] = [];
  for (const ms of groups.values()) {
    const matchedIds = [...new Set(ms.map((m) => m.reason.recordId))];
    const aliasIds = [...new Set(matchedIds.flatMap((id) => records.get(id)?.aliases ?? []))];
    const vulnerabilityId = preferredId(matchedIds, aliasIds);
    const allIds = new Set([...matchedIds, ...aliasIds]);
    const deferred = deferrals.filter((m) => m.reason.deferredTo?.some((id) => allIds.has(id)));
    for (const d of deferred) allIds.add(d.reason.recordId);
    allIds.delete(vulnerabilityId);
    // Each installed copy once, in match order; only copies a primary match decided (a Set, not a scan
    // of the matches per package: one package key can have thousands of copies in a node_modules tree).
    const packages = new Map<string, Package>();
    for (const m of ms) if (!packages.has(m.pkg.id)) packages.set(m.pkg.id, m.pkg);
    result.push({
      vulnerabilityId,
      relatedIds: [...allIds].sort(),
      packageKey,
      matches: [...ms, ...deferred],
      packages: [...packages.values()],
    });
  }
  return result;
}
