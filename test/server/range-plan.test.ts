import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesCriteria, type FilterCriteria } from '../../src/findings/filter-criteria.js';
import { listFindings } from '../../src/findings/finding-query.js';
import { findingRow } from '../../src/findings/finding-rows.js';
import type { SortField, SortOrder } from '../../src/findings/finding-sort.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { planRanges, PROBE_LIMIT } from '../../src/findings/range-plan.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { BACKENDS } from './service-db-backends.js';
import { randomFinding, rng } from './random-findings.js';
import { insertFindingRows } from '../../src/findings/finding-writes.js';

// Enough rows that a wide range holds more than PROBE_LIMIT of them and a narrow one a few hundred.
const FINDINGS = 12_000;
const DAY = 86_400_000;
const at = (days: number): string => new Date(Date.parse('2026-01-01T00:00:00Z') + days * DAY).toISOString();

const score = (lo: number, hi: number): FilterCriteria => ({
  inspectorScore: [{ lowerInclusive: lo, upperInclusive: hi }],
});
const seen = (from: number, to: number): FilterCriteria => ({
  lastObservedAt: [{ startInclusive: at(from), endInclusive: at(to) }],
});

/** What a page must hold: the in-memory evaluator's answer, in the list's (key, id) order. */
function expected(
  all: readonly Finding[],
  accounts: readonly string[],
  c: FilterCriteria,
  sortBy: SortField,
  order: SortOrder,
): string[] {
  const key = (f: Finding): number | string => (sortBy === 'inspectorScore' ? (f.score ?? -1) : f.id);
  const sign = order === 'ASC' ? 1 : -1;
  return all
    .filter((f) => accounts.includes(f.accountId) && matchesCriteria(f, c, {}))
    .sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    })
    .map((f) => f.id);
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('indexed ranges on %s', (_n, make) => {
  const backend = make();
  let db: ServiceDb;
  const findings = Array.from({ length: FINDINGS }, (_, i) => randomFinding(rng(7 + i), i));
  const accounts = [...new Set(findings.map((f) => f.accountId))].sort();
  beforeAll(async () => {
    await backend.setup();
    db = (await backend.fresh()).db;
    const rows = findings.map((f) => findingRow(f, f.id));
    await db.kysely.transaction().execute((trx) => insertFindingRows(trx, rows));
  });
  afterAll(async () => {
    await db?.close();
    await backend.teardown();
  });

  async function pages(acc: string[], c: FilterCriteria, sortBy: SortField, sortOrder: SortOrder, n: number) {
    const ids: string[] = [];
    let nextToken: string | undefined;
    for (let p = 0; p < n; p++) {
      const page = await listFindings(db.kysely, {
        accountIds: acc,
        criteria: c,
        limit: 40,
        sortBy,
        sortOrder,
        ...(nextToken ? { nextToken } : {}),
      });
      ids.push(...page.findings.map((f) => f.id));
      nextToken = page.nextToken;
      if (!nextToken) break;
    }
    return ids;
  }

  const cases: Array<[string, FilterCriteria, 'ids' | 'walk']> = [
    ['a narrow score band', score(3.0, 3.2), 'ids'],
    ['a wide score band', score(2, 8), 'walk'],
    ['a few hours of lastObservedAt', seen(10, 10.25), 'ids'],
    ['most of the month of lastObservedAt', seen(2, 25), 'walk'],
    ['a wide band and a narrow window: the narrow one drives', { ...score(1, 9), ...seen(4, 4.5) }, 'ids'],
    ['an empty band', score(10.5, 11), 'ids'],
  ];

  it.each(cases)('%s: the plan the probe chose, and the same pages as the evaluator', async (_l, c, kind) => {
    const plan = await planRanges(db.kysely, accounts, c, 'id');
    expect(plan.ids === undefined ? 'walk' : 'ids').toBe(kind);
    if (plan.ids) expect(plan.ids.length).toBeLessThanOrEqual(PROBE_LIMIT);
    const want = expected(findings, accounts, c, 'id', 'ASC');
    expect(kind === 'walk' ? want.length > PROBE_LIMIT : want.length <= PROBE_LIMIT).toBe(true);
    expect(await pages(accounts, c, 'id', 'ASC', 3)).toEqual(want.slice(0, 120));
  });

  it('a member sees only its account, sorted by score with a date window, across pages', async () => {
    const mine = [accounts[0] as string];
    for (const c of [seen(3, 3.4), seen(1, 29)]) {
      const want = expected(findings, mine, c, 'inspectorScore', 'DESC');
      expect(want.length).toBeGreaterThan(0);
      expect(await pages(mine, c, 'inspectorScore', 'DESC', 4)).toEqual(want.slice(0, 160));
    }
  });

  it('a range on the sort field itself is left to its index', async () => {
    expect(await planRanges(db.kysely, accounts, score(2, 8), 'inspectorScore')).toEqual({ walk: new Set() });
    const want = expected(findings, accounts, score(2, 8), 'inspectorScore', 'ASC');
    expect(await pages(accounts, score(2, 8), 'inspectorScore', 'ASC', 2)).toEqual(want.slice(0, 80));
  });
});
