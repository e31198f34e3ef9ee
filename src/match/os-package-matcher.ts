import { isOsEcosystem } from '../core/ecosystem.js';
import { appendTo } from '../core/multi-map.js';
import type { Package } from '../core/package.js';
import type { VersionScheme } from '../version/version-scheme.js';
import type { AffectedRow } from '../vulndb/vuln-types.js';
import { distroFor } from './distro/distro-registry.js';
import type { DistroDriver } from './distro/distro-driver.js';
import type { LookupKey, MatchContext, MatchReason, Matcher, PackageMatch } from './match-types.js';
import { evaluateRanges } from './osv-range-evaluator.js';

/** Debian advisories (DSA, DLA, DTSA) announce fixes for CVEs that have their own per-release rows. */
const ADVISORY_PREFIXES = ['DSA-', 'DLA-', 'DTSA-'];

export function isDistroAdvisory(id: string): boolean {
  return ADVISORY_PREFIXES.some((p) => id.startsWith(p));
}

/**
 * Decides one distro row for one installed version. Rows without usable ranges (tracker imports)
 * fall back to the state and fixed version alone.
 */
export function decideOsRow(
  version: string,
  row: AffectedRow,
  scheme: VersionScheme,
): Pick<MatchReason, 'via' | 'range'> | undefined {
  if (row.state === 'not-affected') return undefined;
  if (row.ranges.length > 0 || row.versions.length > 0) {
    const d = evaluateRanges(version, row.ranges, row.versions, () => scheme);
    const bad = d.undecidable[0];
    // Distro data is written in the distro's own scheme: an unreadable version there is a data error.
    if (bad) throw new Error(bad.reason);
    if (!d.affected) return undefined;
    return d.range ? { via: d.via ?? 'range', range: d.range } : { via: d.via ?? 'range' };
  }
  if (row.state === 'fixed') {
    return row.fixedVersion !== undefined && scheme.compare(version, row.fixedVersion) < 0
      ? { via: 'state' }
      : undefined;
  }
  return { via: 'state' };
}

/**
 * OS packages against their own distribution's data only (DESIGN §4): ecosystem key from the release,
 * names from the source package, versions ordered by the distro's scheme. Packages of another format
 * than the detected distro's (an rpm database on Debian) are not matched and are noted.
 */
export const osPackageMatcher: Matcher = {
  name: 'os-package',
  claims: (pkg) => isOsEcosystem(pkg.ecosystem),
  async match(pkgs, ctx) {
    if (pkgs.length === 0) return [];
    const driver = distroFor(ctx.os);
    const ecosystems = driver && ctx.os ? driver.ecosystems(ctx.os) : undefined;
    if (!driver || !ecosystems) {
      ctx.notes.push({
        kind: 'no-os-data',
        message: `no vulnerability data for OS ${ctx.os?.prettyName ?? ctx.os?.id ?? 'unknown'}: ${pkgs.length} OS packages not matched`,
      });
      return [];
    }
    if (ctx.os?.eol) {
      ctx.notes.push({
        kind: 'eol-release',
        message: `${ctx.os.prettyName ?? ecosystems.join(', ')} is past its end of security support${ctx.os.eolDate ? ` (${ctx.os.eolDate})` : ''}: new vulnerabilities may no longer be tracked for it`,
      });
    }
    const scheme = ctx.schemes(driver.scheme);
    if (!scheme) {
      ctx.notes.push({ kind: 'no-scheme', message: `no ${driver.scheme} version scheme available` });
      return [];
    }
    const own = pkgs.filter((p) => p.ecosystem === driver.packageEcosystem);
    if (own.length < pkgs.length) {
      ctx.notes.push({
        kind: 'unsupported-os',
        message: `${pkgs.length - own.length} ${pkgs.find((p) => p.ecosystem !== driver.packageEcosystem)?.ecosystem} packages on ${driver.name} not matched`,
      });
    }
    return matchWithDriver(own, driver, ecosystems, scheme, ctx);
  },
  lookupKeys(pkg, os): LookupKey[] {
    const driver = distroFor(os);
    const ecosystems = driver && os ? driver.ecosystems(os) : undefined;
    if (!driver || !ecosystems || pkg.ecosystem !== driver.packageEcosystem) return [];
    const version = driver.comparedVersion(pkg);
    return ecosystems.flatMap((ecosystem) =>
      driver.lookupNames(pkg).map((name) => ({ ecosystem, name, version })),
    );
  },
};

async function matchWithDriver(
  pkgs: readonly Package[],
  driver: DistroDriver,
  ecosystems: readonly string[],
  scheme: VersionScheme,
  ctx: MatchContext,
): Promise<PackageMatch[]> {
  const byName = new Map<string, Package[]>();
  for (const p of pkgs) {
    for (const n of driver.lookupNames(p)) appendTo(byName, n, p);
  }
  const out: PackageMatch[] = [];
  const rowIds = new Map<string, Set<string>>();
  let rowCount = 0;
  for (const ecosystem of ecosystems) {
    const rows = await ctx.store.affected(ecosystem, [...byName.keys()]);
    rowCount += rows.length;
    for (const row of rows) {
      const key = `${row.ecosystem}\0${row.packageName}`;
      rowIds.set(key, (rowIds.get(key) ?? new Set()).add(row.vulnId));
      for (const pkg of byName.get(row.packageName) ?? []) {
        const m = matchOne(pkg, row, driver, scheme, ctx);
        if (m) out.push(m);
      }
    }
  }
  await deferAdvisories(out, rowIds, ctx);
  if (rowCount === 0 && pkgs.length > 0) {
    ctx.notes.push({
      kind: 'no-os-data',
      message: `the vulnerability DB holds no rows for ${ecosystems.join(', ')}: is that data imported?`,
    });
  }
  return out;
}

/**
 * A DSA/DLA row says "fixed in X" for a whole advisory; the tracker's per-CVE rows say, CVE by CVE,
 * whether this release was affected at all. When those rows exist they decide (an osv.dev DLA can carry
 * an entry for a release the LTS advisory never concerned), and the advisory rides along as a related id.
 */
async function deferAdvisories(
  matches: PackageMatch[],
  rowIds: ReadonlyMap<string, ReadonlySet<string>>,
  ctx: MatchContext,
): Promise<void> {
  const advisories = matches.filter((m) => isDistroAdvisory(m.row.vulnId));
  if (advisories.length === 0) return;
  const records = await ctx.store.records([...new Set(advisories.map((m) => m.row.vulnId))]);
  for (const m of advisories) {
    const rec = records.get(m.row.vulnId);
    const ids = rowIds.get(`${m.row.ecosystem}\0${m.row.packageName}`);
    const covered = [...(rec?.related ?? []), ...(rec?.aliases ?? [])].filter((id) => ids?.has(id));
    if (covered.length > 0) m.reason.deferredTo = [...new Set(covered)].sort();
  }
}

function matchOne(
  pkg: Package,
  row: AffectedRow,
  driver: DistroDriver,
  scheme: VersionScheme,
  ctx: MatchContext,
): PackageMatch | undefined {
  const version = driver.comparedVersion(pkg);
  let decided;
  try {
    decided = decideOsRow(version, row, scheme);
  } catch (err) {
    ctx.notes.push({
      kind: 'invalid-version',
      message: `${row.vulnId} / ${pkg.name} ${version}: ${(err as Error).message}`,
      packageId: pkg.id,
      recordId: row.vulnId,
    });
    return undefined;
  }
  if (!decided) return undefined;
  const reason: MatchReason = {
    recordId: row.vulnId,
    source: row.source,
    ecosystem: row.ecosystem,
    packageName: row.packageName,
    comparedVersion: version,
    scheme: scheme.name,
    state: row.state,
    ...decided,
  };
  if (row.fixedVersion !== undefined) reason.fixedVersion = row.fixedVersion;
  if (row.vendorSeverity !== undefined) reason.vendorSeverity = row.vendorSeverity;
  return { pkg, row, reason };
}
