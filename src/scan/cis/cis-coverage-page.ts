import type { Kysely } from 'kysely';
import { ValidationError } from '../../core/errors/validation-error.js';
import { normalizeOptionalDate, stringMatches } from '../../findings/filter-criteria.js';
import type { CoverageCriteria } from '../../resources/coverage/coverage-criteria.js';
import {
  grouped,
  type CoverageGroupBy,
  type CoverageStatistics,
} from '../../resources/coverage/coverage-query.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { listCisCoverage, type CisCoveredResource } from './cis-coverage.js';

/** True when the criteria ask for scan type CIS alone (every scanType filter is EQUALS CIS). */
export function asksForCisCoverage(criteria: CoverageCriteria): boolean {
  const types = criteria.scanType ?? [];
  return types.length > 0 && types.every((f) => f.comparison === 'EQUALS' && f.value === 'CIS');
}

function matches(r: CisCoveredResource, c: CoverageCriteria): boolean {
  const fields: Array<
    [string, readonly { comparison: 'EQUALS' | 'PREFIX' | 'NOT_EQUALS'; value: string }[] | undefined]
  > = [
    [r.accountId, c.accountId],
    [r.resourceId, c.resourceId],
    [r.resourceType, c.resourceType],
    [r.scanStatus.statusCode, c.scanStatusCode],
    [r.scanStatus.reason, c.scanStatusReason],
  ];
  if (!fields.every(([v, f]) => !f?.length || stringMatches(v, f))) return false;
  const dates = c.lastScannedAt;
  if (!dates?.length) return true;
  const at = r.lastScannedAt ?? null;
  return dates.some((d) => {
    const lo = normalizeOptionalDate(d.startInclusive);
    const hi = normalizeOptionalDate(d.endInclusive);
    return at !== null && (lo === undefined || at >= lo) && (hi === undefined || at <= hi);
  });
}

const tokenOf = (r: CisCoveredResource): string =>
  Buffer.from(JSON.stringify(['CIS', r.accountId, r.resourceId])).toString('base64url');

function afterToken(token: string): [string, string] {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown;
    if (
      Array.isArray(c) &&
      c.length === 3 &&
      c[0] === 'CIS' &&
      typeof c[1] === 'string' &&
      typeof c[2] === 'string'
    )
      return [c[1], c[2]];
  } catch {
    // falls through to the 400 below
  }
  throw new ValidationError('nextToken is not a token this server issued');
}

/**
 * ListCoverage for scan type CIS: the hosts of the visible accounts with their CIS coverage decided
 * now (UNSUPPORTED_OS, AGENT_OFFLINE, SCAN_IN_PROGRESS …, coverage-decision.ts), filtered with the
 * coverage criteria's semantics, in (account, resource) order. Decided at read rather than stored,
 * so the package coverage rows and their statistics stay as they are.
 */
export async function listCisCoveragePage(
  db: Kysely<ServiceDatabase>,
  q: {
    accountIds: readonly string[];
    criteria: CoverageCriteria;
    limit: number;
    nextToken?: string;
    now: Date;
  },
): Promise<{ coveredResources: CisCoveredResource[]; nextToken?: string }> {
  const after = q.nextToken === undefined ? undefined : afterToken(q.nextToken);
  const rows: CisCoveredResource[] = [];
  for (const accountId of [...q.accountIds].sort()) {
    if (after && accountId < after[0]) continue;
    // Sorted here, not by the database: a PostgreSQL collation may order ids otherwise than the token does.
    const hosts = (await listCisCoverage(db, accountId, q.now)).sort((a, b) =>
      a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0,
    );
    for (const r of hosts) {
      if (after && accountId === after[0] && r.resourceId <= after[1]) continue;
      if (!matches(r, q.criteria)) continue;
      rows.push(r);
      if (rows.length > q.limit) break;
    }
    if (rows.length > q.limit) break;
  }
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { coveredResources: page, ...(rows.length > q.limit && last ? { nextToken: tokenOf(last) } : {}) };
}

/** The value of a CIS row that ListCoverageStatistics groups by (hosts are in no repository). */
const GROUP_KEY: Record<CoverageGroupBy, (r: CisCoveredResource) => string | undefined> = {
  SCAN_STATUS_CODE: (r) => r.scanStatus.statusCode,
  SCAN_STATUS_REASON: (r) => r.scanStatus.reason,
  ACCOUNT_ID: (r) => r.accountId,
  RESOURCE_TYPE: (r) => r.resourceType,
  REPOSITORY_NAME: () => undefined,
};

/**
 * ListCoverageStatistics for scan type CIS: the rows listCisCoveragePage serves (same decision, same
 * filter), counted. Decided at read as the list is, so both always agree.
 */
export async function cisCoverageStatistics(
  db: Kysely<ServiceDatabase>,
  q: { accountIds: readonly string[]; criteria: CoverageCriteria; groupBy?: CoverageGroupBy; now: Date },
): Promise<CoverageStatistics> {
  const rows: CisCoveredResource[] = [];
  for (const accountId of q.accountIds)
    for (const r of await listCisCoverage(db, accountId, q.now)) if (matches(r, q.criteria)) rows.push(r);
  if (!q.groupBy) return { countsByGroup: [], totalCounts: rows.length };
  const keyOf = GROUP_KEY[q.groupBy];
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = keyOf(r);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return grouped([...counts].map(([group_key, n]) => ({ group_key, n })));
}
