import type { FilterCriteria, GroupBy } from '../api/api-types.js';
import { sanitizeCriteria } from '../lib/filter-criteria.js';

export const SORTABLE = ['inspectorScore', 'firstObservedAt', 'lastObservedAt', 'updatedAt', 'id'] as const;
export type SortField = (typeof SORTABLE)[number];
export const GROUP_BYS: readonly GroupBy[] = [
  'SEVERITY',
  'VULNERABILITY',
  'PACKAGE',
  'RESOURCE',
  'REPOSITORY',
  'ACCOUNT',
];

/** Everything the findings explorer shows is in its address, so a view can be shared or bookmarked. */
export interface FindingsSearch {
  filter: FilterCriteria;
  sortBy?: SortField;
  sortOrder?: 'ASC' | 'DESC';
  groupBy?: GroupBy;
  /** The nextTokens that led to the current page (keyset paging: page n is cursors[n-1]). */
  cursors?: string[];
}

export function findingsSearch(s: Record<string, unknown>): FindingsSearch {
  const out: FindingsSearch = { filter: sanitizeCriteria(s['filter']) };
  const sortBy = s['sortBy'];
  if (typeof sortBy === 'string' && (SORTABLE as readonly string[]).includes(sortBy))
    out.sortBy = sortBy as SortField;
  if (s['sortOrder'] === 'ASC' || s['sortOrder'] === 'DESC') out.sortOrder = s['sortOrder'];
  const groupBy = s['groupBy'];
  if (typeof groupBy === 'string' && (GROUP_BYS as readonly string[]).includes(groupBy))
    out.groupBy = groupBy as GroupBy;
  const cursors = s['cursors'];
  if (Array.isArray(cursors) && cursors.every((c) => typeof c === 'string') && cursors.length)
    out.cursors = cursors;
  return out;
}
