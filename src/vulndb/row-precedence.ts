import type { AffectedRow } from './vuln-types.js';

/**
 * Which feed's record wins when several feeds hold the same id (first wins): advisory feeds first,
 * enrichment-only feeds last.
 */
export const FEED_PRECEDENCE: readonly string[] = [
  'osv-debian',
  'ghsa',
  'pypa',
  'go-vulndb',
  'rustsec',
  'osv',
  'debian-tracker',
  'debian-tracker-list',
  'alpine-secdb',
  'cve5',
  'nvd',
  'composite-cvss',
];

/**
 * Distro feeds that speak for their distro. For one (vulnerability, ecosystem, package) they replace
 * what OSV republished from them: the Debian tracker keeps states (no-dsa, postponed, ignored,
 * end-of-life, not-affected) that OSV's export loses, and Alpine's secdb is Alpine's own list. The
 * tracker's JSON (every release computed) outranks its CVE/list text (explicit lines only).
 */
const AUTHORITATIVE: Readonly<Record<string, number>> = {
  'debian-tracker': 3,
  'debian-tracker-list': 2,
  'alpine-secdb': 2,
};

/** Feed family: `alpine-secdb/v3.19/main` → `alpine-secdb` (secdb has one feed per file). */
export function feedFamily(feed: string): string {
  const slash = feed.indexOf('/');
  return slash < 0 ? feed : feed.slice(0, slash);
}

export function preferAuthoritative(rows: readonly AffectedRow[]): AffectedRow[] {
  const best = new Map<string, number>();
  const key = (r: AffectedRow): string => `${r.vulnId}\u0000${r.ecosystem}\u0000${r.packageName}`;
  const rank = (r: AffectedRow): number => AUTHORITATIVE[feedFamily(r.source)] ?? 1;
  for (const r of rows) {
    const k = key(r);
    best.set(k, Math.max(best.get(k) ?? 0, rank(r)));
  }
  // The same advisory can arrive through two feeds (GHSA file and osv.dev's npm zip): one row each.
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (rank(r) !== best.get(key(r))) return false;
    const identity = `${key(r)}\u0000${r.state}\u0000${JSON.stringify(r.ranges)}\u0000${r.versions.join(',')}`;
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}
