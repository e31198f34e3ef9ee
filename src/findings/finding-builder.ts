import { hash } from 'node:crypto';
import { appendTo } from '../core/multi-map.js';
import type { Package } from '../core/package.js';
import type { VulnerabilityGroup } from '../match/alias-merger.js';
import type { MatchReason, SchemeLookup } from '../match/match-types.js';
import { selectScore } from '../risk/score-selector.js';
import { severityFromScore, severityFromVendor, type Severity } from '../risk/severity-band.js';
import type { CvssEntry, EpssEntry, KevEntry, VulnRecord } from '../vulndb/vuln-types.js';
import type {
  Finding,
  FindingResource,
  FixAvailable,
  PackageVulnerabilityDetails,
  VulnerablePackage,
} from './finding-types.js';

/** Everything the DB knows around the matched records, fetched once per scan. */
export interface Enrichment {
  records: ReadonlyMap<string, VulnRecord>;
  cvss: ReadonlyMap<string, CvssEntry[]>;
  kev: ReadonlyMap<string, KevEntry>;
  epss: ReadonlyMap<string, EpssEntry>;
}

export interface BuildContext {
  resource: FindingResource;
  accountId: string;
  now: Date;
  schemes: SchemeLookup;
  /** CVSS sources that count as the vendor's own for OS packages (the distro driver's). */
  vendorSources: readonly string[];
}

const NOT_AVAILABLE = 'NotAvailable';
const NO_SEVERITY = new Set(['not yet assigned', 'end-of-life', 'unknown', '']);

export function cveIdsOf(group: VulnerabilityGroup): string[] {
  return [group.vulnerabilityId, ...group.relatedIds].filter((id) => id.startsWith('CVE-'));
}

/**
 * A finding's identity within its account: the resource, the vulnerability and the package as the
 * matcher named it (`ecosystem:name`, the source package for distros). No version and no file path:
 * an upgrade to a still-vulnerable version, or a python dist-info / jar whose path carries the version,
 * must UPDATE the finding, not close it and open another. Every installed copy of the package is
 * already one group (alias-merger), listed in `vulnerablePackages` with its own filePath. The
 * resource id is the API's (the route's resource), never an inventory's target name.
 */
export function findingIdentity(resourceId: string, vulnerabilityId: string, packageKey: string): string {
  // crypto.hash, one call: a third of createHash's cost, once per finding of every re-matched host.
  return hash('sha256', `${resourceId}\0${vulnerabilityId}\0${packageKey}`, 'hex').slice(0, 32);
}

export function buildFinding(group: VulnerabilityGroup, e: Enrichment, ctx: BuildContext): Finding {
  const now = ctx.now.toISOString();
  const primary = group.matches.filter((m) => !m.reason.deferredTo);
  const deciding =
    primary.find((m) => m.reason.recordId === group.vulnerabilityId) ?? primary[0] ?? group.matches[0];
  // The deciding record (the one named by the vulnerability id when it matched): never a record that
  // only happens to be loaded because another package of the inventory matched it, so a finding
  // depends on its own package's matches alone (re-matching builds findings package by package).
  const rec = deciding ? e.records.get(deciding.reason.recordId) : e.records.get(group.vulnerabilityId);
  const cves = cveIdsOf(group);
  const cvss = collectCvss(group, e, cves);
  const isOs = group.packages.some((p) => ['deb', 'rpm', 'apk'].includes(p.ecosystem));
  const score = selectScore(cvss, isOs ? ctx.vendorSources : ['ghsa']);
  const vendorSeverity = pickVendorSeverity(primary.map((m) => m.reason));
  const severity: Severity = score
    ? severityFromScore(score.baseScore)
    : (severityFromVendor(vendorSeverity) ?? 'UNTRIAGED');
  // Reasons by package id, gathered once: a filter of the matches per package is O(copies²).
  const reasons = new Map<string, MatchReason[]>();
  for (const m of primary) appendTo(reasons, m.pkg.id, m.reason);
  const packages = group.packages.map((p) => vulnerablePackage(p, reasons.get(p.id) ?? [], ctx));
  const kev = cves.map((c) => e.kev.get(c)).find((k) => k !== undefined);
  const epss = cves
    .map((c) => e.epss.get(c))
    .filter((x) => x !== undefined)
    .sort((a, b) => b.score - a.score)[0];
  const finding: Finding = {
    id: findingIdentity(ctx.resource.id, group.vulnerabilityId, group.packageKey),
    accountId: ctx.accountId,
    type: 'PACKAGE_VULNERABILITY',
    title: `${group.vulnerabilityId} - ${[...new Set(packages.map((p) => p.name))].join(', ')}`,
    description: rec?.summary ?? `${group.vulnerabilityId} affects ${group.packageKey}`,
    status: 'ACTIVE',
    severity,
    firstObservedAt: now,
    lastObservedAt: now,
    updatedAt: now,
    exploitAvailable: kev ? 'YES' : 'NO',
    fixAvailable: fixAvailability(packages),
    remediation: { recommendation: { text: remediationText(packages) } },
    resources: [ctx.resource],
    packageVulnerabilityDetails: details(group, e, {
      cvss,
      packages,
      rec,
      vendorSeverity,
      source: deciding?.reason.source,
    }),
  };
  if (score) {
    finding.score = score.baseScore;
    finding.scoreDetails = score;
  }
  if (kev) {
    finding.exploitabilityDetails = {
      kevDateAdded: kev.dateAdded,
      ...(kev.dueDate ? { kevDueDate: kev.dueDate } : {}),
    };
  }
  if (epss) finding.epss = { score: epss.score, percentile: epss.percentile };
  return finding;
}

interface DetailFacts {
  cvss: CvssEntry[];
  packages: VulnerablePackage[];
  rec: VulnRecord | undefined;
  vendorSeverity: string | undefined;
  source: string | undefined;
}

function details(group: VulnerabilityGroup, e: Enrichment, f: DetailFacts): PackageVulnerabilityDetails {
  // Each record once, however many installed copies matched it.
  const recordIds = [...new Set(group.matches.map((m) => m.reason.recordId))];
  const fromRecords = (pick: (r: VulnRecord) => string[]): string[] => [
    ...new Set(recordIds.flatMap((id) => pick(e.records.get(id) ?? EMPTY_RECORD))),
  ];
  const d: PackageVulnerabilityDetails = {
    vulnerabilityId: group.vulnerabilityId,
    source: f.source ?? 'unknown',
    sourceUrl: sourceUrl(group.vulnerabilityId, f.source),
    cvss: f.cvss,
    relatedVulnerabilities: group.relatedIds,
    referenceUrls: fromRecords((r) => r.references),
    vulnerablePackages: f.packages,
    matches: group.matches.map((m) => m.reason),
    cwes: fromRecords((r) => r.cwes).sort(),
  };
  if (f.vendorSeverity) d.vendorSeverity = f.vendorSeverity;
  if (f.rec?.published) d.vendorCreatedAt = f.rec.published;
  if (f.rec?.modified) d.vendorUpdatedAt = f.rec.modified;
  return d;
}

const EMPTY_RECORD: VulnRecord = {
  id: '',
  aliases: [],
  related: [],
  source: '',
  modified: '',
  references: [],
  cvss: [],
  cwes: [],
};

/** The records' own scores first (vendor data), then enrichment by CVE; one entry per (source, vector). */
function collectCvss(group: VulnerabilityGroup, e: Enrichment, cves: readonly string[]): CvssEntry[] {
  const seen = new Map<string, CvssEntry>();
  const add = (c: CvssEntry): void => {
    const k = `${c.source}\0${c.vector}`;
    if (!seen.has(k)) seen.set(k, c);
  };
  for (const m of group.matches) for (const c of e.records.get(m.reason.recordId)?.cvss ?? []) add(c);
  for (const id of cves) for (const c of e.cvss.get(id) ?? []) add(c);
  return [...seen.values()];
}

function pickVendorSeverity(reasons: readonly MatchReason[]): string | undefined {
  return reasons
    .map((r) => r.vendorSeverity)
    .find((v) => v !== undefined && !NO_SEVERITY.has(v.toLowerCase()));
}

function vulnerablePackage(
  pkg: Package,
  reasons: readonly MatchReason[],
  ctx: BuildContext,
): VulnerablePackage {
  const fixes = [...new Set(reasons.flatMap((r) => (r.fixedVersion !== undefined ? [r.fixedVersion] : [])))];
  const scheme = reasons[0] ? ctx.schemes(reasons[0].scheme) : undefined;
  if (scheme && fixes.length > 1) fixes.sort((a, b) => safeCompare(scheme.compare.bind(scheme), b, a));
  const fixed = fixes[0] ?? NOT_AVAILABLE;
  const states = [...new Set(reasons.map((r) => r.state))];
  const out: VulnerablePackage = {
    name: pkg.name,
    version: pkg.version,
    filePath: pkg.filePath,
    purl: pkg.purl,
    packageManager: pkg.ecosystem.toUpperCase(),
    fixedInVersion: fixed,
    remediation:
      fixed === NOT_AVAILABLE
        ? `No fixed version yet (${states.join(', ')})`
        : `Upgrade ${pkg.sourceName && pkg.sourceName !== pkg.name ? `${pkg.name} (source ${pkg.sourceName})` : pkg.name} to ${fixed} or later`,
  };
  for (const k of ['epoch', 'release', 'arch', 'sourceName', 'sourceVersion', 'layerDigest'] as const) {
    const v = pkg[k];
    if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

function safeCompare(cmp: (a: string, b: string) => number, a: string, b: string): number {
  try {
    return cmp(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

function fixAvailability(pkgs: readonly VulnerablePackage[]): FixAvailable {
  const fixed = pkgs.filter((p) => p.fixedInVersion !== NOT_AVAILABLE).length;
  if (fixed === pkgs.length) return 'YES';
  return fixed === 0 ? 'NO' : 'PARTIAL';
}

function remediationText(pkgs: readonly VulnerablePackage[]): string {
  return [...new Set(pkgs.map((p) => p.remediation))].join('; ');
}

function sourceUrl(id: string, source: string | undefined): string {
  if (source?.includes('debian')) return `https://security-tracker.debian.org/tracker/${id}`;
  if (id.startsWith('GHSA-')) return `https://github.com/advisories/${id}`;
  return `https://osv.dev/vulnerability/${id}`;
}
