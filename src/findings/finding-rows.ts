import { filterableColumns } from './filter-criteria.js';
import type { Finding } from './finding-types.js';
import type { FindingTable } from '../store/service-db-schema.js';
import { findingPackageKey, scanDigest } from './finding-digest.js';

/** A finding as stored: its JSON plus the filterable projection FilterCriteria compiles against. */
export function findingRow(f: Finding, identityKey: string): FindingTable {
  return {
    id: f.id,
    ...filterableColumns(f),
    closed_at: f.closedAt ?? null,
    identity_key: identityKey,
    finding_json: JSON.stringify(f),
    package_key: findingPackageKey(f),
    match_digest: scanDigest(f),
  };
}

export function findingOfRow(row: Pick<FindingTable, 'finding_json'>): Finding {
  return JSON.parse(row.finding_json) as Finding;
}
