import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilterCriteria } from '../../src/findings/filter-criteria.js';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { POOLS, randomFinding, rng } from './random-findings.js';
import { BACKENDS } from './service-db-backends.js';

type Counts = Record<'all' | 'critical' | 'high' | 'medium' | 'low' | 'informational' | 'untriaged', number>;
interface Group {
  key: Record<string, string>;
  severityCounts: Counts;
}

/** The group key of a finding, read from its JSON (not from the columns the server groups by). */
const KEY_OF: Record<string, (f: Finding) => Record<string, string | undefined>> = {
  SEVERITY: (f) => ({ severity: f.severity }),
  VULNERABILITY: (f) => ({ vulnerabilityId: f.packageVulnerabilityDetails?.vulnerabilityId }),
  PACKAGE: (f) => ({ packageName: f.packageVulnerabilityDetails?.vulnerablePackages[0]?.name }),
  RESOURCE: (f) => ({ accountId: f.accountId, resourceId: f.resources[0]?.id }),
  REPOSITORY: (f) => {
    const repo = f.resources[0]?.details['repositoryName'];
    return { repositoryName: typeof repo === 'string' ? repo : undefined };
  },
  ACCOUNT: (f) => ({ accountId: f.accountId }),
};

function expected(findings: readonly Finding[], groupBy: string): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const f of findings) {
    const key = KEY_OF[groupBy]?.(f) ?? {};
    if (Object.values(key).some((v) => v === undefined)) continue;
    const k = JSON.stringify(key);
    const c = out.get(k) ?? {
      all: 0,
      critical: 0,
      high: 0,
      medium: 0,
      low: 0,
      informational: 0,
      untriaged: 0,
    };
    c.all++;
    c[f.severity.toLowerCase() as keyof Counts]++;
    out.set(k, c);
  }
  return out;
}

async function listAll(s: Seeded, key: string, filter: FilterCriteria): Promise<Finding[]> {
  const out: Finding[] = [];
  let token: string | undefined;
  do {
    const q = `filter=${encodeURIComponent(JSON.stringify(filter))}&maxResults=100${token ? `&nextToken=${token}` : ''}`;
    const page = (await call(s.base, key, 'GET', `/v1/findings?${q}`)).json as {
      findings: Finding[];
      nextToken?: string;
    };
    out.push(...page.findings);
    token = page.nextToken;
  } while (token);
  return out;
}

async function aggregateAll(
  s: Seeded,
  key: string,
  groupBy: string,
  sortBy: string,
  filter?: FilterCriteria,
): Promise<Group[]> {
  const out: Group[] = [];
  let token: string | undefined;
  do {
    const f = filter ? `&filter=${encodeURIComponent(JSON.stringify(filter))}` : '';
    const path = `/v1/findings/aggregations?groupBy=${groupBy}&sortBy=${sortBy}&maxResults=4${f}${token ? `&nextToken=${token}` : ''}`;
    const r = await call(s.base, key, 'GET', path);
    expect(r.status).toBe(200);
    const page = r.json as { groups: Group[]; nextToken?: string };
    expect(page.groups.length).toBeLessThanOrEqual(4);
    out.push(...page.groups);
    token = page.nextToken;
  } while (token);
  return out;
}

/** Container images in both accounts, so REPOSITORY has groups; ids from the pools collide across accounts. */
async function addImages(db: ServiceDb): Promise<void> {
  const r = rng(99);
  for (const [acct, image, repo] of [
    ['acct-a', 'sha256:aa', POOLS.repositoryName[0]],
    ['acct-b', 'sha256:aa', POOLS.repositoryName[0]],
    ['acct-b', 'sha256:bb', POOLS.repositoryName[1]],
  ] as const) {
    const findings = Array.from({ length: 25 }, (_, i) => ({
      ...randomFinding(r, i),
      id: `${image}-${i}`,
      resources: [{ id: image, type: 'CONTAINER_IMAGE' as const, details: { repositoryName: repo } }],
    }));
    await applyScanOfResource(db.kysely, { accountId: acct, resourceId: image, findings, now: new Date() });
  }
}

const SUPPRESS_LOW = {
  name: 'low',
  reason: 'noise',
  filter: { severity: [{ comparison: 'EQUALS', value: 'LOW' }] },
};

for (const make of BACKENDS) {
  const backend = make();
  describe(`finding aggregations on ${backend.name}`, () => {
    let db: ServiceDb;
    let s: Seeded;
    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 60);
      await addImages(db);
      // Some SUPPRESSED findings, which the default (ACTIVE only) must leave out.
      expect(
        (await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/suppression-rules', SUPPRESS_LOW))
          .status,
      ).toBe(201);
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });

    const cases: Array<[string, FilterCriteria | undefined, FilterCriteria]> = [
      ['default: ACTIVE only', undefined, { findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] }],
      [
        'a filter naming findingStatus',
        {
          findingStatus: [{ comparison: 'NOT_EQUALS', value: 'CLOSED' }],
          fixAvailable: [{ comparison: 'EQUALS', value: 'YES' }],
        },
        {
          findingStatus: [{ comparison: 'NOT_EQUALS', value: 'CLOSED' }],
          fixAvailable: [{ comparison: 'EQUALS', value: 'YES' }],
        },
      ],
    ];
    for (const [label, filter, listFilter] of cases) {
      it(`counts per group equal those of the listed findings (${label}), every groupBy and sortBy`, async () => {
        for (const key of [s.keys.orgAdmin, s.keys.memberA]) {
          const listed = await listAll(s, key, listFilter);
          for (const groupBy of Object.keys(KEY_OF)) {
            const want = expected(listed, groupBy);
            expect(want.size).toBeGreaterThan(groupBy === 'ACCOUNT' || groupBy === 'REPOSITORY' ? 0 : 1);
            for (const sortBy of ['ALL', 'CRITICAL', 'HIGH'] as const) {
              const got = await aggregateAll(s, key, groupBy, sortBy, filter);
              const asMap = new Map(got.map((g) => [JSON.stringify(g.key), g.severityCounts]));
              expect({ groupBy, sortBy, groups: asMap.size }).toEqual({
                groupBy,
                sortBy,
                groups: got.length,
              });
              expect({ groupBy, counts: Object.fromEntries(asMap) }).toEqual({
                groupBy,
                counts: Object.fromEntries(want),
              });
              const field = sortBy.toLowerCase() as keyof Counts;
              const sorted = got.map((g) => g.severityCounts[field]);
              expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
            }
          }
        }
      });
    }

    it('answers 400 for a bad groupBy, filter or token', async () => {
      const bad = [
        'groupBy=COLOUR',
        'groupBy=SEVERITY&filter={"colour":[]}',
        'groupBy=SEVERITY&nextToken=eA',
      ];
      for (const q of bad)
        expect((await call(s.base, s.keys.memberA, 'GET', `/v1/findings/aggregations?${q}`)).status).toBe(
          400,
        );
    });
  });
}
