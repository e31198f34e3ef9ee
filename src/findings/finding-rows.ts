import type { AliasedRawBuilder } from 'kysely';
import { sql } from 'kysely';
import { filterableColumns } from './filter-criteria.js';
import type { Finding } from './finding-types.js';
import type { FindingTable } from '../store/service-db-schema.js';
import { findingPackageKey, scanDigest } from './finding-digest.js';

/** A finding as written: its `findings` row and the JSON its `finding_documents` row holds (m0031). */
export type StoredFindingRow = FindingTable & { finding_json: string };

/**
 * A finding as stored: its JSON plus the filterable projection FilterCriteria compiles against.
 * `digest`: its scanDigest when the caller has it (the context and lifecycle fields it leaves out may
 * differ from the template's; the rest must not).
 */
export function findingRow(f: Finding, identityKey: string, digest?: string): StoredFindingRow {
  return {
    id: f.id,
    ...filterableColumns(f),
    closed_at: f.closedAt ?? null,
    identity_key: identityKey,
    finding_json: JSON.stringify(f),
    package_key: findingPackageKey(f),
    match_digest: digest ?? scanDigest(f),
  };
}

/** The two halves of a written finding: the `findings` row and its document. */
export function splitFindingRow(row: StoredFindingRow): { row: FindingTable; json: string } {
  const { finding_json: json, ...rest } = row;
  return { row: rest, json };
}

/**
 * In a select from `findings`: the finding's JSON as `finding_json`, read from its document (a scalar
 * subquery, so the outer query's unqualified columns stay unambiguous).
 */
export function findingJson(): AliasedRawBuilder<string, 'finding_json'> {
  return sql<string>`(select d.finding_json from finding_documents d where d.id = findings.id)`.as(
    'finding_json',
  );
}

/** What findingOfRow needs of a stored finding: its document and the row's last observation. */
export interface StoredFindingJson {
  finding_json: string;
  last_observed_at: string;
}

/**
 * The finding as its document says, seen again since: a check-in that observed it in place moved only
 * the row's last_observed_at (finding-observe.ts), which a scan would also have written into the
 * finding's lastObservedAt and its resource block's lastInventoryAt.
 */
export function findingOfRow(row: StoredFindingJson): Finding {
  const f = JSON.parse(row.finding_json) as Finding;
  if (f.lastObservedAt === row.last_observed_at) return f;
  f.lastObservedAt = row.last_observed_at;
  const details = f.resources[0]?.details;
  if (details && typeof details['lastInventoryAt'] === 'string')
    details['lastInventoryAt'] = row.last_observed_at;
  return f;
}
