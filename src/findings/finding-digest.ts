import { createHash } from 'node:crypto';
import type { Finding } from './finding-types.js';

/**
 * What a scan decides about a finding, as a short digest: every field but the identity, the resource
 * and the lifecycle's own (status, dates, suppression). Stored beside the finding (findings.match_digest),
 * it lets a re-match of thousands of stored inventories tell "the data changes nothing here" from a
 * real change without reading a finding's JSON. Equal digests ⇔ a scan would write the same facts.
 */
export function scanDigest(f: Finding): string {
  return createHash('sha256')
    .update(JSON.stringify(decidedFacts(f)))
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The facts of the finding as the scan decided them: without the lifecycle's fields, and without the
 * score in context (score-context.ts): the score and severity follow from the base in scoreDetails
 * then, and the adjustments from the host's exposure, which a re-match does not change.
 */
function decidedFacts(f: Finding): Record<string, unknown> {
  const {
    id: _id,
    accountId: _account,
    resources: _resources,
    status: _status,
    firstObservedAt: _first,
    lastObservedAt: _last,
    updatedAt: _updated,
    closedAt: _closed,
    suppressedBy: _suppressedBy,
    suppression: _suppression,
    ...decided
  } = f;
  const sd = decided.scoreDetails;
  if (!sd) return decided;
  const { score: _score, severity: _severity, scoreDetails: _sd, ...rest } = decided;
  const { adjustments: _a, adjustedVector: _v, contextDetail: _c, ...base } = sd;
  return { ...rest, scoreDetails: base };
}

/**
 * The package key a package finding's matches were grouped by (alias-merger's `ecosystem:name`, the
 * source package for distros): findings of one key are what re-matching that key may change.
 */
export function findingPackageKey(f: Finding): string | null {
  const details = f.packageVulnerabilityDetails;
  const pkg = details?.vulnerablePackages[0];
  const match = details?.matches[0];
  if (!pkg || !match) return null;
  return `${pkg.packageManager.toLowerCase()}:${match.packageName}`;
}
