import { expect } from 'vitest';
import type { FilterCriteria } from '../../../src/findings/filter-criteria.js';
import type { Finding } from '../../../src/findings/finding-types.js';
import { expectStatus, listAllFindings, packageOf } from './api-helpers.js';

const ACTIVE: FilterCriteria = { findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] };

/**
 * Aggregations of ACTIVE findings (all pages) equal the counts computed from the ACTIVE findings the
 * same key lists, for each key (say the delegated admin's over every account, a member's over its own).
 */
export async function expectAggregationsOfListed(base: string, apiKeys: readonly string[]): Promise<void> {
  for (const key of apiKeys) {
    const active = await listAllFindings(base, key, ACTIVE);
    expect(active.length).toBeGreaterThan(0);
    for (const [groupBy, keyOf] of [
      ['SEVERITY', (f: Finding) => f.severity],
      ['PACKAGE', packageOf],
      ['ACCOUNT', (f: Finding) => f.accountId],
    ] as const) {
      const got = await aggregationCounts(base, key, groupBy, ACTIVE);
      const want = severityCountsBy(active, keyOf);
      expect(new Map([...got].sort()), groupBy).toEqual(new Map([...want].sort()));
    }
  }
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational', 'untriaged'] as const;
export type SeverityCounts = Record<'all' | (typeof SEVERITIES)[number], number>;

interface AggregationPage {
  groups: Array<{ key: Record<string, string>; severityCounts: SeverityCounts }>;
  nextToken?: string;
}

/**
 * GET /v1/findings/aggregations?groupBy=… over all pages (small pages, so paging is exercised), as
 * group key (its values joined by "/") → per-severity counts.
 */
export async function aggregationCounts(
  base: string,
  key: string,
  groupBy: string,
  filter: FilterCriteria,
): Promise<Map<string, SeverityCounts>> {
  const out = new Map<string, SeverityCounts>();
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const q = new URLSearchParams({ groupBy, filter: JSON.stringify(filter), maxResults: '7' });
    if (token) q.set('nextToken', token);
    const path = `/v1/findings/aggregations?${q.toString()}`;
    const r = await expectStatus<AggregationPage>(200, base, key, 'GET', path);
    for (const g of r.groups) {
      const k = Object.values(g.key).join('/');
      if (out.has(k)) throw new Error(`${groupBy}: group ${k} on two pages`);
      out.set(k, g.severityCounts);
    }
    token = r.nextToken;
    if (!token) return out;
  }
  throw new Error('GET /v1/findings/aggregations: more than 1000 pages');
}

/** The same counts computed from listed findings: what the aggregation must answer. */
export function severityCountsBy(
  findings: readonly Finding[],
  keyOf: (f: Finding) => string,
): Map<string, SeverityCounts> {
  const out = new Map<string, SeverityCounts>();
  for (const f of findings) {
    const zero = Object.fromEntries(['all', ...SEVERITIES].map((c) => [c, 0])) as SeverityCounts;
    const c = out.get(keyOf(f)) ?? zero;
    c.all++;
    c[f.severity.toLowerCase() as (typeof SEVERITIES)[number]]++;
    out.set(keyOf(f), c);
  }
  return out;
}
