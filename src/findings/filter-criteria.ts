import type { Finding } from './finding-types.js';
import { storedForm } from './prefix-range.js';

/**
 * FilterCriteria in Amazon Inspector v2's shape (DESIGN §3). ONE evaluator with two faces: this file
 * evaluates in memory (suppression rules, events), filter-criteria-sql.ts compiles the same semantics
 * to a Kysely where-expression (list queries, reports). Both read the same projection of a finding
 * (`filterableColumns`), which is also what the findings table stores, so they cannot drift apart.
 *
 * Semantics (same on both faces):
 * - fields combine with AND; an absent or empty list does not constrain;
 * - within a string field, EQUALS/PREFIX filters combine with OR, NOT_EQUALS filters with AND;
 *   a missing value (no vulnerability id, say) matches no EQUALS/PREFIX and every NOT_EQUALS;
 *   comparisons are case-sensitive, byte for byte on the UTF-8 the service DB stores (storedForm);
 *   PREFIX v matches exactly the values that start with v (the empty prefix: every value);
 * - within a number or date field, ranges combine with OR; bounds are inclusive; a missing value
 *   (no score) matches no range.
 * - resourceTags: the tags of the finding's resource as the resource_tags table holds them (the one
 *   source of truth: the SQL face reads it with EXISTS, the in-memory face is handed the same rows).
 *   Map filters combine with OR, like EQUALS filters of a string field: "tagged env=prod or
 *   team=payments". A filter without `value` matches any value of its key. Keys and values compare
 *   byte for byte. Several conditions that must all hold are written as several rules or requests.
 */
export type StringComparison = 'EQUALS' | 'PREFIX' | 'NOT_EQUALS';
export interface StringFilter {
  comparison: StringComparison;
  value: string;
}
export interface NumberFilter {
  lowerInclusive?: number;
  upperInclusive?: number;
}
/** Inspector's MapFilter: only EQUALS exists there too. */
export interface MapFilter {
  comparison: 'EQUALS';
  key: string;
  value?: string;
}
/** A resource's tags, key → value (the rows of resource_tags for that resource). */
export type ResourceTags = Readonly<Record<string, string>>;
/**
 * Inspector's PortRangeFilter: a NETWORK_REACHABILITY finding matches when its open port range
 * overlaps [beginInclusive, endInclusive] (an absent bound is 0 or 65535). Findings without a port
 * range (package findings) match no port filter.
 */
export interface PortRangeFilter {
  beginInclusive?: number;
  endInclusive?: number;
}
export const PORT_MIN = 0;
export const PORT_MAX = 65535;
export interface DateFilter {
  /** ISO-8601; normalized to UTC milliseconds (`toISOString`) before comparing. */
  startInclusive?: string;
  endInclusive?: string;
}

export const STRING_FIELDS = {
  accountId: 'account_id',
  findingType: 'type',
  findingStatus: 'status',
  severity: 'severity',
  vulnerabilityId: 'vulnerability_id',
  packageName: 'package_name',
  resourceId: 'resource_id',
  resourceType: 'resource_type',
  repositoryName: 'repository_name',
  packageManager: 'package_manager',
  fixAvailable: 'fix_available',
  exploitAvailable: 'exploit_available',
  networkProtocol: 'network_protocol',
} as const;
export const NUMBER_FIELDS = { inspectorScore: 'score', epssScore: 'epss_score' } as const;
export const DATE_FIELDS = {
  firstObservedAt: 'first_observed_at',
  lastObservedAt: 'last_observed_at',
  updatedAt: 'updated_at',
} as const;

export type StringField = keyof typeof STRING_FIELDS;
export type NumberField = keyof typeof NUMBER_FIELDS;
export type DateField = keyof typeof DATE_FIELDS;

export type FilterCriteria = { [K in StringField]?: StringFilter[] } & {
  [K in NumberField]?: NumberFilter[];
} & {
  [K in DateField]?: DateFilter[];
} & { resourceTags?: MapFilter[]; portRange?: PortRangeFilter[] };

/** The filterable projection of a finding: the findings table's indexed columns. */
export interface FilterableColumns {
  account_id: string;
  type: string;
  status: string;
  severity: string;
  /** The first vulnerable package and the first resource: a stored finding has one of each. */
  vulnerability_id: string | null;
  package_name: string | null;
  resource_id: string;
  resource_type: string;
  /** CONTAINER_IMAGE findings: the image's repository (registry/name); null otherwise. */
  repository_name: string | null;
  /** The package manager of the first vulnerable package (dpkg, npm…); null for non-package findings. */
  package_manager: string | null;
  /** NETWORK_REACHABILITY findings: TCP or UDP and the open port range; null for other findings. */
  network_protocol: string | null;
  port_begin: number | null;
  port_end: number | null;
  /** CONTAINER_IMAGE findings: the layer that added the first vulnerable package; null otherwise. */
  layer_digest: string | null;
  fix_available: string;
  exploit_available: string;
  score: number | null;
  epss_score: number | null;
  first_observed_at: string;
  last_observed_at: string;
  updated_at: string;
}

export function filterableColumns(f: Finding): FilterableColumns {
  const resource = f.resources[0];
  return {
    account_id: f.accountId,
    type: f.type,
    status: f.status,
    severity: f.severity,
    vulnerability_id: f.packageVulnerabilityDetails?.vulnerabilityId ?? null,
    package_name: f.packageVulnerabilityDetails?.vulnerablePackages[0]?.name ?? null,
    resource_id: resource?.id ?? '',
    resource_type: resource?.type ?? 'HOST',
    repository_name: stringOrNull(resource?.details['repositoryName']),
    package_manager: f.packageVulnerabilityDetails?.vulnerablePackages[0]?.packageManager ?? null,
    network_protocol: f.networkReachabilityDetails?.protocol ?? null,
    port_begin: f.networkReachabilityDetails?.openPortRange.begin ?? null,
    port_end: f.networkReachabilityDetails?.openPortRange.end ?? null,
    layer_digest: f.packageVulnerabilityDetails?.vulnerablePackages[0]?.layerDigest ?? null,
    fix_available: f.fixAvailable,
    exploit_available: f.exploitAvailable,
    score: f.score ?? null,
    epss_score: f.epss?.score ?? null,
    first_observed_at: f.firstObservedAt,
    last_observed_at: f.lastObservedAt,
    updated_at: f.updatedAt,
  };
}

/** The finding's open port range overlaps the filter's (the SQL face: filter-criteria-sql.ts portCond). */
export function portsOverlap(
  cols: Pick<FilterableColumns, 'port_begin' | 'port_end'>,
  r: PortRangeFilter,
): boolean {
  if (cols.port_begin === null || cols.port_end === null) return false;
  return cols.port_begin <= (r.endInclusive ?? PORT_MAX) && cols.port_end >= (r.beginInclusive ?? PORT_MIN);
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function normalizeDate(iso: string): string {
  return new Date(iso).toISOString();
}

export function normalizeOptionalDate(iso: string | undefined): string | undefined {
  return iso === undefined ? undefined : normalizeDate(iso);
}

export function isPositive(f: StringFilter): boolean {
  return f.comparison !== 'NOT_EQUALS';
}

/** Compares the stored forms (storedForm), as the SQL face does: a lone surrogate is U+FFFD on both. */
export function stringMatches(value: string | null, filters: readonly StringFilter[]): boolean {
  const v = value === null ? null : storedForm(value);
  const matches = (f: StringFilter, s: string): boolean =>
    f.comparison === 'EQUALS' ? s === storedForm(f.value) : s.startsWith(storedForm(f.value));
  const pos = filters.filter(isPositive);
  const posOk = pos.length === 0 || (v !== null && pos.some((f) => matches(f, v)));
  return posOk && filters.filter((f) => !isPositive(f)).every((f) => v !== storedForm(f.value));
}

function inRange<T extends string | number>(v: T | null, lo: T | undefined, hi: T | undefined): boolean {
  return v !== null && (lo === undefined || v >= lo) && (hi === undefined || v <= hi);
}

/**
 * The in-memory face: does this finding satisfy the criteria? `tags` are its resource's tags read from
 * resource_tags (not from the finding JSON, which may be older than the last PATCH of the tags).
 */
export function matchesCriteria(finding: Finding, criteria: FilterCriteria, tags: ResourceTags): boolean {
  return columnsMatch(filterableColumns(finding), criteria, tags);
}

export function tagsMatch(tags: ResourceTags, filters: readonly MapFilter[]): boolean {
  return filters.some(
    (f) => Object.hasOwn(tags, f.key) && (f.value === undefined || tags[f.key] === f.value),
  );
}

/**
 * The projection-level evaluator. `tags` may be left out by a caller whose criteria cannot name tags;
 * criteria that do name them then throw rather than quietly match nothing.
 */
export function columnsMatch(
  cols: FilterableColumns,
  criteria: FilterCriteria,
  tags?: ResourceTags,
): boolean {
  if (criteria.resourceTags?.length) {
    if (!tags) throw new Error('resourceTags filter evaluated without the resource tags');
    if (!tagsMatch(tags, criteria.resourceTags)) return false;
  }
  for (const [field, col] of Object.entries(STRING_FIELDS) as Array<[StringField, keyof FilterableColumns]>) {
    const filters = criteria[field];
    if (filters?.length && !stringMatches(cols[col] as string | null, filters)) return false;
  }
  for (const [field, col] of Object.entries(NUMBER_FIELDS) as Array<[NumberField, keyof FilterableColumns]>) {
    const filters = criteria[field];
    const v = cols[col] as number | null;
    if (filters?.length && !filters.some((r) => inRange(v, r.lowerInclusive, r.upperInclusive))) return false;
  }
  for (const [field, col] of Object.entries(DATE_FIELDS) as Array<[DateField, keyof FilterableColumns]>) {
    const filters = criteria[field];
    const v = cols[col] as string;
    const hit = (r: DateFilter): boolean =>
      inRange<string>(v, normalizeOptionalDate(r.startInclusive), normalizeOptionalDate(r.endInclusive));
    if (filters?.length && !filters.some(hit)) return false;
  }
  if (criteria.portRange?.length && !criteria.portRange.some((r) => portsOverlap(cols, r))) return false;
  return true;
}
