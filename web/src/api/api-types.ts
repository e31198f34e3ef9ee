/**
 * The shapes the console reads, as the API answers them (src/server/routes/*.ts and /openapi.json).
 * Written out here rather than imported: the console is built apart from the server and must not pull
 * server code into the browser bundle.
 */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNTRIAGED';
export const SEVERITIES: readonly Severity[] = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'INFORMATIONAL',
  'UNTRIAGED',
];
export type Role = 'admin' | 'member' | 'read-only';

export interface Principal {
  keyId: string;
  role: Role;
  accountId: string;
  visibleAccountIds: string[];
}

export interface Session {
  principal: Principal;
  /** Present for cookie sessions: sent back in X-CSRF-Token on every mutating request. */
  csrfToken?: string;
  expiresAt?: string;
}

export interface StringFilter {
  comparison: 'EQUALS' | 'PREFIX' | 'NOT_EQUALS';
  value: string;
}
export interface NumberFilter {
  lowerInclusive?: number;
  upperInclusive?: number;
}
export interface DateFilter {
  startInclusive?: string;
  endInclusive?: string;
}
/** A NETWORK_REACHABILITY finding matches when its open port range overlaps this one (0–65535). */
export interface PortRangeFilter {
  beginInclusive?: number;
  endInclusive?: number;
}
export interface MapFilter {
  comparison: 'EQUALS';
  key: string;
  value?: string;
}

export const STRING_FIELDS = [
  'accountId',
  'findingType',
  'findingStatus',
  'severity',
  'vulnerabilityId',
  'packageName',
  'resourceId',
  'resourceType',
  'repositoryName',
  'packageManager',
  'fixAvailable',
  'exploitAvailable',
  'networkProtocol',
] as const;
export const NUMBER_FIELDS = ['inspectorScore', 'epssScore'] as const;
export const DATE_FIELDS = ['firstObservedAt', 'lastObservedAt', 'updatedAt'] as const;
export type StringField = (typeof STRING_FIELDS)[number];
export type NumberField = (typeof NUMBER_FIELDS)[number];
export type DateField = (typeof DATE_FIELDS)[number];

export type FilterCriteria = { [K in StringField]?: StringFilter[] } & {
  [K in NumberField]?: NumberFilter[];
} & { [K in DateField]?: DateFilter[] } & { resourceTags?: MapFilter[]; portRange?: PortRangeFilter[] };

export interface CvssEntry {
  vector: string;
  version: string;
  baseScore: number;
  source: string;
}

export interface VulnerablePackage {
  name: string;
  version: string;
  epoch?: number;
  release?: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  filePath: string;
  layerDigest?: string;
  purl: string;
  packageManager: string;
  fixedInVersion: string;
  remediation: string;
}

export interface MatchReason {
  recordId: string;
  source: string;
  ecosystem: string;
  packageName: string;
  comparedVersion: string;
  scheme: string;
  state: string;
  via: string;
  range?: { type?: string; introduced?: string; fixed?: string; lastAffected?: string; [k: string]: unknown };
  fixedVersion?: string;
  vendorSeverity?: string;
  deferredTo?: string[];
}

export interface FindingResource {
  id: string;
  type: string;
  details: Record<string, unknown>;
  tags?: Record<string, string>;
}

export interface Finding {
  id: string;
  accountId: string;
  type: string;
  title: string;
  description: string;
  status: 'ACTIVE' | 'SUPPRESSED' | 'CLOSED';
  severity: Severity;
  score?: number;
  /** Issue 15's contextual score, when the server computes it. */
  inspectorScore?: number;
  scoreDetails?: {
    baseScore: number;
    baseVector: string;
    cvssVersion?: string;
    source: string;
    adjustments: Array<{ metric: string; reason: string }>;
    /** The vector the adjusted score was computed from (with MAV:A, say). */
    adjustedVector?: string;
    /** Why the score is or is not adjusted in its context (hosts). */
    contextDetail?: string;
  };
  firstObservedAt: string;
  lastObservedAt: string;
  updatedAt: string;
  closedAt?: string;
  exploitAvailable: 'YES' | 'NO';
  exploitabilityDetails?: { lastKnownExploitAt?: string; kevDateAdded: string; kevDueDate?: string };
  fixAvailable: 'YES' | 'NO' | 'PARTIAL';
  epss?: { score: number; percentile: number };
  remediation: { recommendation: { text: string } };
  resources: FindingResource[];
  packageVulnerabilityDetails?: {
    vulnerabilityId: string;
    source: string;
    sourceUrl?: string;
    vendorSeverity?: string;
    vendorCreatedAt?: string;
    vendorUpdatedAt?: string;
    cvss: CvssEntry[];
    relatedVulnerabilities: string[];
    referenceUrls: string[];
    vulnerablePackages: VulnerablePackage[];
    matches: MatchReason[];
    cwes: string[];
  };
  networkReachabilityDetails?: {
    openPortRange: { begin: number; end: number };
    protocol: string;
    networkPath: {
      steps: Array<{
        componentId: string;
        componentType: string;
        address?: string;
        rule?: { text: string };
        process?: { pid: number; comm: string; exe?: string; unit?: string };
      }>;
    };
  };
  suppressedBy?: string;
}

export interface FindingPage {
  findings: Finding[];
  nextToken?: string;
}

export type GroupBy = 'SEVERITY' | 'VULNERABILITY' | 'PACKAGE' | 'RESOURCE' | 'REPOSITORY' | 'ACCOUNT';
export interface SeverityCounts {
  all: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  informational: number;
  untriaged: number;
}
export interface AggregationPage {
  groupBy: string;
  groups: Array<{ key: Record<string, string>; severityCounts: SeverityCounts }>;
  nextToken?: string;
}

export interface Account {
  id: string;
  name: string;
  organizationId: string | null;
  scanning: { host: boolean; image: boolean; network: boolean };
  createdAt: string;
}

export interface Organization {
  id: string;
  name: string;
  delegatedAdminAccountId: string | null;
  createdAt: string;
  accounts: Array<{ id: string; name: string }>;
}

export interface ApiKeyInfo {
  id: string;
  accountId: string;
  prefix: string;
  role: Role;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface CreatedKey extends Omit<ApiKeyInfo, 'lastUsedAt' | 'revokedAt'> {
  key: string;
}

export interface Resource {
  id: string;
  accountId: string;
  type: string;
  tags: Record<string, string>;
  details: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface SuppressionRule {
  id: string;
  accountId: string;
  name: string;
  reason: string;
  filter: FilterCriteria;
  expiresAt?: string;
  createdBy?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReportStatus {
  reportId: string;
  kind: 'FINDINGS' | 'SBOM';
  format: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  size?: number;
  contentType?: string;
  error?: { code: string; message: string };
  filter?: FilterCriteria;
  resourceFilter?: unknown;
}

export interface Webhook {
  id: string;
  accountId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string | null;
  subject: string | null;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  keyId: string | null;
  accountId: string | null;
  action: string;
  target: Record<string, string> | null;
  result: string;
  details: Record<string, unknown>;
}

export interface Scan {
  scanId: string;
  accountId: string;
  kind: string;
  status: string;
  resourceId: string | null;
  request: Record<string, unknown>;
  summary: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Issue 12's coverage shapes (Inspector's ListCoverage / ListCoverageStatistics). */
export interface CoveredResource {
  accountId: string;
  resourceId: string;
  resourceType: string;
  scanType: string;
  scanStatus: { statusCode: 'ACTIVE' | 'INACTIVE'; reason: string };
  lastScannedAt?: string;
  resourceMetadata?: Record<string, unknown>;
}
export interface CoverageStatistics {
  countsByGroup: Array<{ count: number; groupKey: string }>;
  totalCounts: number;
}

export interface TrendPoint {
  day: string;
  accountId?: string;
  counts: Omit<SeverityCounts, 'all'> & { all?: number };
}

export interface InventoryPackage {
  name: string;
  version: string;
  ecosystem: string;
  purl: string;
  filePath?: string;
  layerDigest?: string;
  sourceName?: string;
  sourceVersion?: string;
  foundBy?: string;
}
