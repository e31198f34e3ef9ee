import { createHash } from 'node:crypto';
import type { Finding } from './finding-types.js';

/**
 * What a scan decides about a finding, as a short digest: every field but the identity, the resource
 * and the lifecycle's own (status, dates, suppression). Stored beside the finding (findings.match_digest),
 * it lets a re-match of thousands of stored inventories tell "the data changes nothing here" from a
 * real change without reading a finding's JSON. Equal digests ⇔ a scan would write the same facts.
 */
export function scanDigest(f: Finding): string {
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
    ...decided
  } = f;
  return createHash('sha256').update(JSON.stringify(decided)).digest('base64url').slice(0, 22);
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
