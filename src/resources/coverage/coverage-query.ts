import { sql, type Kysely } from 'kysely';
import { ValidationError } from '../../core/errors/validation-error.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { agentFactsOfRow } from '../hosts/host-agent-store.js';
import type { CoverageReason, CoverageStatus } from './coverage-decision.js';
import { coverageWhere, type CoverageCriteria } from './coverage-criteria.js';
import { resourceMetadata } from './coverage-metadata.js';

type Db = Kysely<ServiceDatabase>;

/** Inspector's CoveredResource (ListCoverage); `message` says more about the reason when there is more. */
export interface CoveredResource {
  accountId: string;
  resourceId: string;
  resourceType: string;
  scanType: string;
  scanStatus: { statusCode: CoverageStatus; reason: CoverageReason; message?: string };
  lastScannedAt?: string;
  resourceMetadata: Record<string, unknown>;
}

export interface CoveragePage {
  coveredResources: CoveredResource[];
  nextToken?: string;
}

type Cursor = [string, string, string];

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown;
    if (Array.isArray(c) && c.length === 3 && c.every((x) => typeof x === 'string')) return c as Cursor;
  } catch {
    // falls through to the 400 below
  }
  throw new ValidationError('nextToken is not a token this server issued');
}

/**
 * Coverage rows of the visible accounts matching the criteria, in (account, resource, scan type)
 * order, keyset-paginated; each with its resource's tags and details and its agent's facts.
 */
export async function listCoverage(
  db: Db,
  q: { accountIds: readonly string[]; criteria: CoverageCriteria; limit: number; nextToken?: string },
): Promise<CoveragePage> {
  if (q.accountIds.length === 0) return { coveredResources: [] };
  let query = db
    .selectFrom('coverage')
    .leftJoin('resources as r', (j) =>
      j.onRef('r.account_id', '=', 'coverage.account_id').onRef('r.id', '=', 'coverage.resource_id'),
    )
    .leftJoin('host_agents as h', (j) =>
      j.onRef('h.account_id', '=', 'coverage.account_id').onRef('h.resource_id', '=', 'coverage.resource_id'),
    )
    .selectAll('coverage')
    .select([
      'r.tags_json',
      'r.details_json',
      'h.machine_id',
      'h.hostname',
      'h.ip_addresses_json',
      'h.agent_version',
      'h.enrolled_at',
      'h.last_checkin_at',
      'h.last_inventory_at',
    ])
    .where('coverage.account_id', 'in', q.accountIds)
    .where(coverageWhere(q.criteria))
    .orderBy('coverage.account_id')
    .orderBy('coverage.resource_id')
    .orderBy('coverage.scan_type')
    .limit(q.limit + 1);
  if (q.nextToken) {
    const [a, r, t] = decodeCursor(q.nextToken);
    query = query.where((eb) =>
      eb.or([
        eb('coverage.account_id', '>', a),
        eb.and([eb('coverage.account_id', '=', a), eb('coverage.resource_id', '>', r)]),
        eb.and([
          eb('coverage.account_id', '=', a),
          eb('coverage.resource_id', '=', r),
          eb('coverage.scan_type', '>', t),
        ]),
      ]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    coveredResources: page.map((c) => {
      const resource = c.tags_json && c.details_json
        ? {
            tags: JSON.parse(c.tags_json) as Record<string, string>,
            details: JSON.parse(c.details_json) as Record<string, unknown>,
          }
        : undefined;
      const agent =
        c.machine_id && c.hostname && c.ip_addresses_json && c.agent_version && c.enrolled_at && c.last_checkin_at
          ? agentFactsOfRow({
              machine_id: c.machine_id,
              hostname: c.hostname,
              ip_addresses_json: c.ip_addresses_json,
              agent_version: c.agent_version,
              enrolled_at: c.enrolled_at,
              last_checkin_at: c.last_checkin_at,
              last_inventory_at: c.last_inventory_at ?? null,
            })
          : undefined;
      return {
        accountId: c.account_id,
        resourceId: c.resource_id,
        resourceType: c.resource_type,
        scanType: c.scan_type,
        scanStatus: {
          statusCode: c.status as CoverageStatus,
          reason: c.reason as CoverageReason,
          ...(c.message ? { message: c.message } : {}),
        },
        ...(c.last_scanned_at ? { lastScannedAt: c.last_scanned_at } : {}),
        resourceMetadata: resourceMetadata(c.resource_type, c.resource_id, resource, agent),
      };
    }),
    ...(rows.length > q.limit && last
      ? { nextToken: encodeCursor([last.account_id, last.resource_id, last.scan_type]) }
      : {}),
  };
}

export const COVERAGE_GROUP_BY = {
  SCAN_STATUS_CODE: 'status',
  SCAN_STATUS_REASON: 'reason',
  ACCOUNT_ID: 'account_id',
  RESOURCE_TYPE: 'resource_type',
  // Images a watched registry told of, by `registry host/repository` (others are not counted).
  REPOSITORY_NAME: 'repository',
} as const;
export type CoverageGroupBy = keyof typeof COVERAGE_GROUP_BY;

export interface CoverageStatistics {
  countsByGroup: Array<{ count: number; groupKey: string }>;
  totalCounts: number;
}

/**
 * Inspector's ListCoverageStatistics: how many coverage rows of the visible accounts match, by group
 * (largest first, then by key); without groupBy only the total. The counts are those the list gives.
 */
export async function coverageStatistics(
  db: Db,
  q: { accountIds: readonly string[]; criteria: CoverageCriteria; groupBy?: CoverageGroupBy },
): Promise<CoverageStatistics> {
  if (q.accountIds.length === 0) return { countsByGroup: [], totalCounts: 0 };
  const base = db
    .selectFrom('coverage')
    .where('coverage.account_id', 'in', q.accountIds)
    .where(coverageWhere(q.criteria));
  if (!q.groupBy) {
    const r = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirst();
    return { countsByGroup: [], totalCounts: Number(r?.n ?? 0) };
  }
  if (q.groupBy === 'REPOSITORY_NAME') return byRepository(db, q);
  const col = COVERAGE_GROUP_BY[q.groupBy];
  const rows = await base
    .select([`coverage.${col} as group_key`, (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(`coverage.${col}`)
    .execute();
  return grouped(rows);
}

/** Counts by group as ListCoverageStatistics answers them: largest first, then by key; their sum. */
export function grouped(rows: ReadonlyArray<{ n: string | number; group_key: unknown }>): CoverageStatistics {
  const countsByGroup = rows
    .map((r) => ({ count: Number(r.n), groupKey: String(r.group_key) }))
    .sort((a, b) => b.count - a.count || (a.groupKey < b.groupKey ? -1 : a.groupKey > b.groupKey ? 1 : 0));
  return { countsByGroup, totalCounts: countsByGroup.reduce((sum, g) => sum + g.count, 0) };
}

/** Coverage of watched images by repository (`host/repository`), as Inspector's ECR_REPOSITORY_NAME. */
async function byRepository(
  db: Db,
  q: { accountIds: readonly string[]; criteria: CoverageCriteria },
): Promise<CoverageStatistics> {
  const rows = await db
    .selectFrom('coverage')
    .innerJoin('registry_images as ri', (j) =>
      j.onRef('ri.account_id', '=', 'coverage.account_id').onRef('ri.resource_id', '=', 'coverage.resource_id'),
    )
    .innerJoin('registries as rg', 'rg.id', 'ri.registry_id')
    .where('coverage.account_id', 'in', q.accountIds)
    .where(coverageWhere(q.criteria))
    .select([
      sql<string>`rg.host || '/' || ri.repository`.as('group_key'),
      (eb) => eb.fn.countAll<string | number>().as('n'),
    ])
    .groupBy(['rg.host', 'ri.repository'])
    .execute();
  return grouped(rows);
}
