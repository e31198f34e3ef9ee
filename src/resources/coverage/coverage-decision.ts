import type { ResourceType } from '../../findings/finding-types.js';

/** What the last scan of a resource itself said (before any scan: PENDING_INITIAL_SCAN). */
export const SCAN_OUTCOMES = [
  'PENDING_INITIAL_SCAN',
  'SUCCESSFUL',
  'NO_INVENTORY',
  'UNSUPPORTED_OS',
  'INTERNAL_ERROR',
  // An image's scan could not read it (issue 13).
  'ACCESS_DENIED',
  'IMAGE_SIZE_EXCEEDED',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];

/** Inspector's coverage reasons that vigil sets (DESIGN §3). */
export const COVERAGE_REASONS = [
  ...SCAN_OUTCOMES,
  'STALE_INVENTORY',
  'AGENT_OFFLINE',
  'EXCLUDED_BY_TAG',
  'SCAN_TYPE_DISABLED',
  'RESOURCE_TERMINATED',
  'UNMANAGED_EC2_INSTANCE',
  // Images a registry told of (issue 13): no inclusion rule, scanned once per push, window lapsed.
  'EXCLUDED_BY_RULE',
  'SCAN_FREQUENCY_SCAN_ON_PUSH',
  'SCAN_ELIGIBILITY_EXPIRED',
] as const;
export type CoverageReason = (typeof COVERAGE_REASONS)[number];
export type CoverageStatus = 'ACTIVE' | 'INACTIVE';
export const SCAN_TYPES = ['PACKAGE'] as const;
export type ScanType = (typeof SCAN_TYPES)[number];

/** The tag that takes a host out of scanning (Inspector's `InspectorEc2Exclusion`, vigil-named). */
export const EXCLUSION_TAG = 'vigil:exclude';

export function isExcluded(type: string, tags: Readonly<Record<string, string>>): boolean {
  return type === 'HOST' && tags[EXCLUSION_TAG]?.trim().toLowerCase() === 'true';
}

/** The facts coverage is decided from, as the service DB holds them for one resource. */
export interface CoverageFacts {
  type: ResourceType;
  deleted: boolean;
  /** The account scans this resource's kind (host scanning for hosts, image scanning for images). */
  scanningEnabled: boolean;
  excluded: boolean;
  /** Set for hosts an agent reports: when it counts as offline, and as stale (null: not waiting). */
  agent?: { lastCheckinAt: string; offlineAt: string; inventoryWantedSince: string | null; staleAt: string | null };
  outcome: ScanOutcome;
  outcomeMessage: string | null;
  /** A host known only from the account's cloud network: no agent, so no package scan can run. */
  unmanaged?: boolean;
  /** Set for images a watched registry told of: the rule that covers it, and its rescan window. */
  image?: ImageWatchFacts;
}

/** An image's scan frequency (null: no inclusion rule matches its repository) and window end (null: lifetime). */
export interface ImageWatchFacts {
  repository: string;
  frequency: 'SCAN_ON_PUSH' | 'CONTINUOUS_SCAN' | null;
  eligibleUntil: string | null;
}

export interface CoverageDecision {
  status: CoverageStatus;
  reason: CoverageReason;
  message: string | null;
}

const ACTIVE_REASONS: ReadonlySet<CoverageReason> = new Set(['PENDING_INITIAL_SCAN', 'SUCCESSFUL']);

export function statusOf(reason: CoverageReason): CoverageStatus {
  return ACTIVE_REASONS.has(reason) ? 'ACTIVE' : 'INACTIVE';
}

/**
 * Why a resource is or is not being scanned, by precedence: gone, then switched off for the account,
 * then excluded by tag, then its agent silent (no heartbeat for 3 intervals), then no inventory
 * arriving although one was asked for 3 intervals ago, and only then what its last scan said. So an
 * agent that comes back, or a tag that is removed, shows the scan's own outcome again.
 */
export function decideCoverage(f: CoverageFacts, now: Date): CoverageDecision {
  const at = now.toISOString();
  const reason = reasonOf(f, at);
  return { status: statusOf(reason), reason, message: messageOf(reason, f) };
}

function reasonOf(f: CoverageFacts, at: string): CoverageReason {
  if (f.deleted) return 'RESOURCE_TERMINATED';
  if (!f.scanningEnabled) return 'SCAN_TYPE_DISABLED';
  if (f.excluded) return 'EXCLUDED_BY_TAG';
  if (f.unmanaged) return 'UNMANAGED_EC2_INSTANCE';
  if (f.agent && f.agent.offlineAt <= at) return 'AGENT_OFFLINE';
  if (f.agent?.staleAt && f.agent.staleAt <= at) return 'STALE_INVENTORY';
  if (f.image) return imageReasonOf(f.image, f.outcome, at);
  return f.outcome;
}

/**
 * A watched image: no rule → EXCLUDED_BY_RULE; a scan that failed says why; past its window →
 * SCAN_ELIGIBILITY_EXPIRED; scanned once per push → SCAN_FREQUENCY_SCAN_ON_PUSH; else the scan's outcome.
 */
function imageReasonOf(image: ImageWatchFacts, outcome: ScanOutcome, at: string): CoverageReason {
  if (image.frequency === null) return 'EXCLUDED_BY_RULE';
  if (outcome !== 'SUCCESSFUL') return outcome;
  if (image.eligibleUntil !== null && image.eligibleUntil <= at) return 'SCAN_ELIGIBILITY_EXPIRED';
  if (image.frequency === 'SCAN_ON_PUSH') return 'SCAN_FREQUENCY_SCAN_ON_PUSH';
  return outcome;
}

function messageOf(reason: CoverageReason, f: CoverageFacts): string | null {
  switch (reason) {
    case 'SCAN_TYPE_DISABLED':
      return `${f.type === 'HOST' ? 'host' : 'image'} scanning is switched off for the account`;
    case 'EXCLUDED_BY_TAG':
      return `tagged ${EXCLUSION_TAG}=true`;
    case 'AGENT_OFFLINE':
      return `no check-in from the agent since ${f.agent?.lastCheckinAt ?? 'enrollment'}`;
    case 'STALE_INVENTORY':
      return `an inventory was asked for at ${f.agent?.inventoryWantedSince ?? '?'} and none has arrived`;
    case 'RESOURCE_TERMINATED':
      return null;
    case 'UNMANAGED_EC2_INSTANCE':
      return 'known from the cloud network only: no agent reports this instance, so its packages cannot be scanned';
    case 'EXCLUDED_BY_RULE':
      return `no inclusion rule of the account's image scanning matches repository ${f.image?.repository ?? '?'}`;
    case 'SCAN_FREQUENCY_SCAN_ON_PUSH':
      return 'scanned once per push (SCAN_ON_PUSH): not re-matched when vulnerability data changes';
    case 'SCAN_ELIGIBILITY_EXPIRED':
      return `its rescan window ended at ${f.image?.eligibleUntil ?? '?'}`;
    default:
      return f.outcomeMessage;
  }
}

/** CIS scans (issue 16): coverage of a host for scan type `CIS`, decided from what the service DB holds. */
export const CIS_COVERAGE_REASONS = [
  'PENDING_INITIAL_SCAN',
  'SUCCESSFUL',
  'SCAN_IN_PROGRESS',
  'UNSUPPORTED_OS',
  'AGENT_OFFLINE',
  'RESOURCE_TERMINATED',
] as const;
export type CisCoverageReason = (typeof CIS_COVERAGE_REASONS)[number];

const CIS_ACTIVE: ReadonlySet<CisCoverageReason> = new Set([
  'SUCCESSFUL',
  'PENDING_INITIAL_SCAN',
  'SCAN_IN_PROGRESS',
]);

/** `debian 11`, for messages: an OS from resource details, whatever its field types. */
export function osLabel(os: { family?: unknown; version?: unknown } | null | undefined): string {
  const part = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return `${part(os?.family)} ${part(os?.version)}`.trim() || 'an unknown OS';
}

/** The benchmarks vigil has: CIS Debian 12 only. Unknown OS (no inventory yet) is not refused. */
export function cisOsSupported(os: { family?: unknown; version?: unknown } | null | undefined): boolean {
  if (!os || typeof os.family !== 'string') return true;
  return os.family === 'debian' && typeof os.version === 'string' && /^12(\.|$)/.test(os.version);
}

export interface CisCoverageFacts {
  deleted: boolean;
  os: { family?: unknown; version?: unknown } | null | undefined;
  /** Absent: no agent reports this host (pushed inventories, cloud network only). */
  agent?: { lastCheckinAt: string; offlineAt: string };
  /** A scan waits for this host's facts. */
  inProgress: boolean;
  /** When the host's last assessment facts arrived (null: never). */
  lastFactsAt: string | null;
}

/**
 * A host's CIS coverage, by precedence: gone; an OS no benchmark covers; no agent, or a silent one
 * (facts come only from an agent); a scan waiting for it; then whether facts ever arrived.
 */
export function decideCisCoverage(
  f: CisCoverageFacts,
  now: Date,
): { status: CoverageStatus; reason: CisCoverageReason; message: string | null } {
  const at = now.toISOString();
  const decide = (reason: CisCoverageReason, message: string | null) => {
    const status: CoverageStatus = CIS_ACTIVE.has(reason) ? 'ACTIVE' : 'INACTIVE';
    return { status, reason, message };
  };
  if (f.deleted) return decide('RESOURCE_TERMINATED', null);
  if (!cisOsSupported(f.os))
    return decide('UNSUPPORTED_OS', `no CIS benchmark for ${osLabel(f.os)}`);
  if (!f.agent) return decide('AGENT_OFFLINE', 'no vigil agent reports this host: CIS facts come from an agent');
  if (f.agent.offlineAt <= at) return decide('AGENT_OFFLINE', `no check-in from the agent since ${f.agent.lastCheckinAt}`);
  if (f.inProgress) return decide('SCAN_IN_PROGRESS', 'a CIS scan waits for the agent to send its facts');
  if (f.lastFactsAt === null) return decide('PENDING_INITIAL_SCAN', null);
  return decide('SUCCESSFUL', `facts received ${f.lastFactsAt}`);
}
