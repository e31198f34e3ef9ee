import { appendAll } from '../core/append-all.js';
import { isOsEcosystem, type LanguageEcosystem } from '../core/ecosystem.js';
import { appendTo } from '../core/multi-map.js';
import type { Package } from '../core/package.js';
import type { VersionScheme } from '../version/version-scheme.js';
import type { AffectedRange, AffectedRow } from '../vulndb/vuln-types.js';
import { LANGUAGE_ECOSYSTEMS, type LanguageEcosystemInfo } from './language-ecosystems.js';
import type { LookupKey, MatchContext, MatchReason, Matcher, PackageMatch } from './match-types.js';
import { schemeByName } from '../version/version-registry.js';
import { evaluateRanges } from './osv-range-evaluator.js';
import { applyReviewedAdvisoryRule } from './reviewed-advisory-rule.js';

/**
 * Language packages against OSV/GHSA/PYSEC ranges of their own ecosystem, by exact normalized name.
 * OS-managed packages are not claimed: the distro's data covers them through the owning source
 * package, and upstream advisories would be wrong for every fix the distro backported (DESIGN §4).
 */
export const languagePackageMatcher: Matcher = {
  name: 'language-package',
  claims: (pkg) => !isOsEcosystem(pkg.ecosystem) && pkg.osManagedBy === undefined,
  async match(pkgs, ctx) {
    const byEco = new Map<LanguageEcosystem, Package[]>();
    for (const p of pkgs) appendTo(byEco, p.ecosystem as LanguageEcosystem, p);
    const out: PackageMatch[] = [];
    for (const [eco, list] of byEco)
      appendAll(out, await matchEcosystem(LANGUAGE_ECOSYSTEMS[eco], list, ctx));
    return out;
  },
  lookupKeys(pkg): LookupKey[] {
    const info = LANGUAGE_ECOSYSTEMS[pkg.ecosystem as LanguageEcosystem];
    // As matchEcosystem: no OSV ecosystem, or a version its scheme cannot read → never looked up.
    if (info.osv === undefined || !schemeByName(info.scheme).isValid(pkg.version)) return [];
    return [{ ecosystem: info.osv, name: info.normalize(pkg.name), version: pkg.version }];
  },
};

async function matchEcosystem(
  info: LanguageEcosystemInfo,
  pkgs: readonly Package[],
  ctx: MatchContext,
): Promise<PackageMatch[]> {
  const osv = info.osv;
  if (osv === undefined) {
    ctx.notes.push({
      kind: 'no-scheme',
      message: `no advisory database names ${pkgs[0]?.ecosystem ?? ''} packages: ${pkgs.length} not matched`,
    });
    return [];
  }
  const scheme = ctx.schemes(info.scheme);
  if (!scheme) {
    ctx.notes.push({
      kind: 'no-scheme',
      message: `no ${info.scheme} version scheme: ${pkgs.length} ${info.osv} packages not matched`,
    });
    return [];
  }
  const semver = ctx.schemes('semver') ?? scheme;
  // Go's scheme already reads semver (with or without the v); elsewhere SEMVER ranges mean semver.
  const schemeFor = (r: AffectedRange | undefined): VersionScheme =>
    r?.type === 'SEMVER' && info.scheme !== 'go' ? semver : scheme;
  const byName = new Map<string, Package[]>();
  for (const p of pkgs) {
    if (!scheme.isValid(p.version)) {
      ctx.notes.push({
        kind: 'invalid-version',
        message: `${p.name} ${p.version} is not a valid ${scheme.name} version`,
        packageId: p.id,
      });
      continue;
    }
    appendTo(byName, info.normalize(p.name), p);
  }
  if (byName.size === 0) return [];
  const rowsByName = new Map<string, AffectedRow[]>();
  for (const row of await ctx.store.affected(osv, [...byName.keys()])) {
    const list = rowsByName.get(row.packageName);
    if (list) list.push(row);
    else rowsByName.set(row.packageName, [row]);
  }
  const out: PackageMatch[] = [];
  const contested: Array<{ matches: PackageMatch[]; rows: AffectedRow[] }> = [];
  for (const [name, list] of byName) {
    const rows = rowsByName.get(name) ?? [];
    for (const pkg of list) {
      const matches = rows.flatMap((row) => matchOne(pkg, row, schemeFor, scheme, ctx) ?? []);
      if (hasReviewedTwinCandidate(matches, rows)) contested.push({ matches, rows });
      else appendAll(out, matches);
    }
  }
  if (contested.length > 0) {
    const records = await ctx.store.records([
      ...new Set(contested.flatMap((c) => c.rows.map((r) => r.vulnId))),
    ]);
    for (const c of contested)
      appendAll(out, applyReviewedAdvisoryRule(c.matches, c.rows, records, ctx.notes));
  }
  return out;
}

/** The reviewed-advisory rule has work only when a reviewed GHSA row and an unreviewed match meet. */
function hasReviewedTwinCandidate(matches: readonly PackageMatch[], rows: readonly AffectedRow[]): boolean {
  return rows.some((r) => r.reviewed === true) && matches.some((m) => m.row.reviewed !== true);
}

function matchOne(
  pkg: Package,
  row: AffectedRow,
  schemeFor: (r: AffectedRange | undefined) => VersionScheme,
  scheme: VersionScheme,
  ctx: MatchContext,
): PackageMatch | undefined {
  if (row.state === 'not-affected') return undefined;
  let d;
  try {
    d = evaluateRanges(pkg.version, row.ranges, row.versions, schemeFor);
  } catch (err) {
    ctx.notes.push({
      kind: 'invalid-version',
      message: `${row.vulnId} / ${pkg.name} ${pkg.version}: ${(err as Error).message}`,
      packageId: pkg.id,
      recordId: row.vulnId,
    });
    return undefined;
  }
  for (const u of d.undecidable) {
    ctx.notes.push({
      kind: 'invalid-version',
      message: `${row.vulnId} / ${row.packageName}: range skipped: ${u.reason}`,
      packageId: pkg.id,
      recordId: row.vulnId,
    });
  }
  if (!d.affected) return undefined;
  const reason: MatchReason = {
    recordId: row.vulnId,
    source: row.source,
    ecosystem: row.ecosystem,
    packageName: row.packageName,
    comparedVersion: pkg.version,
    scheme: d.range ? schemeFor(d.range).name : scheme.name,
    state: row.state,
    via: d.via ?? 'range',
  };
  if (d.range) reason.range = d.range;
  const fixed = d.range ? fixedIn(d.range, pkg.version, schemeFor(d.range)) : row.fixedVersion;
  if (fixed !== undefined) reason.fixedVersion = fixed;
  if (row.vendorSeverity !== undefined) reason.vendorSeverity = row.vendorSeverity;
  return { pkg, row, reason };
}

/**
 * The fix that closes the range the version sits in, not the row's lowest fix: lodash 4.17.15 in a
 * record fixed in 3.x and 4.17.21 must be told 4.17.21.
 */
function fixedIn(range: AffectedRange, version: string, scheme: VersionScheme): string | undefined {
  const above = range.events
    .flatMap((e) => ('fixed' in e ? [e.fixed] : []))
    .filter((f) => scheme.isValid(f) && scheme.compare(version, f) < 0)
    .sort((a, b) => scheme.compare(a, b));
  return above[0];
}
