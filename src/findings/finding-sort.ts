import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { ValidationError } from '../core/errors/validation-error.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';

export const SORT_FIELDS = [
  'id',
  'updatedAt',
  'firstObservedAt',
  'lastObservedAt',
  'inspectorScore',
  'severity',
  'accountId',
  'findingType',
  'findingStatus',
  'resourceType',
  'vulnerabilityId',
  'repositoryName',
  'epssScore',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortOrder = 'ASC' | 'DESC';

type Eb = ExpressionBuilder<ServiceDatabase, 'findings'>;

/**
 * The sort key as an expression. Keyset comparisons must never meet NULL: a missing score sorts as -1,
 * a missing text as ''. Severity sorts by rank (UNTRIAGED lowest), as Inspector does, not by name.
 */
export function sortKey(field: SortField): ReturnType<typeof sql<string | number>> {
  switch (field) {
    case 'id':
      return sql<string>`id`;
    case 'updatedAt':
      return sql<string>`updated_at`;
    case 'firstObservedAt':
      return sql<string>`first_observed_at`;
    case 'lastObservedAt':
      return sql<string>`last_observed_at`;
    case 'inspectorScore':
      return sql<number>`coalesce(score, -1)`;
    case 'severity':
      return sql<number>`(case severity when 'CRITICAL' then 5 when 'HIGH' then 4 when 'MEDIUM' then 3 when 'LOW' then 2 when 'INFORMATIONAL' then 1 else 0 end)`;
    case 'accountId':
      return sql<string>`account_id`;
    case 'findingType':
      return sql<string>`type`;
    case 'findingStatus':
      return sql<string>`status`;
    case 'resourceType':
      return sql<string>`resource_type`;
    case 'vulnerabilityId':
      return sql<string>`coalesce(vulnerability_id, '')`;
    case 'repositoryName':
      return sql<string>`coalesce(repository_name, '')`;
    case 'epssScore':
      return sql<number>`coalesce(epss_score, -1)`;
  }
}

interface Cursor {
  v: string | number;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as Partial<Cursor>;
    if ((typeof c.v === 'string' || typeof c.v === 'number') && typeof c.id === 'string')
      return { v: c.v, id: c.id };
  } catch {
    // falls through to the 400 below
  }
  throw new ValidationError('nextToken is not a token this server issued');
}

/** Keyset pagination: rows strictly after the cursor in (key, id) order; stable under inserts. */
export function afterCursor(field: SortField, order: SortOrder, c: Cursor): (eb: Eb) => Expression<SqlBool> {
  const op = order === 'ASC' ? '>' : '<';
  const key = sortKey(field);
  return (eb) => eb.or([eb(key, op, c.v), eb.and([eb(key, '=', c.v), eb('id', op, c.id)])]);
}
