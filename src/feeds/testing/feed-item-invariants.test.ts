import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../vulndb/import-types.js';
import { feedItemViolations } from './feed-item-invariants.js';

const record = (over: object): FeedItem => ({
  kind: 'record',
  record: {
    id: 'GHSA-1',
    aliases: ['CVE-2024-1'],
    related: [],
    source: 'ghsa',
    modified: '2024-01-01T00:00:00Z',
    references: [],
    cvss: [
      {
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        version: '3.1',
        baseScore: 9.8,
        source: 'ghsa',
      },
    ],
    cwes: ['CWE-79'],
    ...over,
  },
  affected: [],
});

describe('feed item invariants (the feed contract’s checker)', () => {
  it('passes a sound record and names each broken invariant', () => {
    expect(feedItemViolations('ghsa', [record({})])).toEqual([]);
    expect(feedItemViolations('osv', [record({})])).toEqual([
      "GHSA-1: source ghsa is not the batch's feed osv",
    ]);
    expect(
      feedItemViolations('ghsa', [record({ modified: 'yesterday', cwes: ['79'], aliases: ['GHSA-1'] })]),
    ).toEqual([
      'GHSA-1: modified yesterday is not a date',
      'GHSA-1: lists itself as an alias',
      'GHSA-1: cwe 79',
    ]);
    expect(
      feedItemViolations('ghsa', [
        { kind: 'epss', entry: { cveId: 'CVE-2024-1234', score: 1.5, percentile: 0.2 } },
        { kind: 'kev', entry: { cveId: 'CVE-2024-1234', dateAdded: 'soon' } },
        { kind: 'data-date', date: 'n/a' },
      ]),
    ).toHaveLength(3);
    const row = {
      vulnId: 'GHSA-1',
      source: 'ghsa',
      ecosystem: 'npm',
      packageName: 'x',
      versions: [],
      state: 'fixed',
    };
    const item = record({});
    if (item.kind === 'record')
      item.affected.push({ ...row, ranges: [{ type: 'ECOSYSTEM', events: [] }] } as never);
    expect(feedItemViolations('ghsa', [item])).toEqual([
      'GHSA-1 npm/x: fixed without a fixed version',
      'GHSA-1 npm/x: range without events',
    ]);
  });
});
