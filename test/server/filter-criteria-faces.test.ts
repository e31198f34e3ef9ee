import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaWhere } from '../../src/findings/filter-criteria-sql.js';
import { matchesCriteria, type FilterCriteria } from '../../src/findings/filter-criteria.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { findingRow } from '../../src/findings/finding-rows.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { BACKENDS } from './service-db-backends.js';
import {
  randomCriteria,
  randomFinding,
  randomNetworkCriteria,
  randomTags,
  rng,
  tagKey,
  tagRows,
} from './random-findings.js';
import { insertFindingRows } from '../../src/findings/finding-writes.js';

const SEED = 20261123;
const FINDINGS = 300;
const CRITERIA = 400;

async function sqlIds(db: ServiceDb, c: FilterCriteria): Promise<string[]> {
  const rows = await db.kysely.selectFrom('findings').select('id').where(criteriaWhere(c)).execute();
  // Sorted here: the database's own order of ids is its collation's, not JavaScript's.
  return rows.map((r) => r.id).sort();
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'FilterCriteria faces on %s',
  (_n, make) => {
    const backend = make();
    let db: ServiceDb;
    const r = rng(SEED);
    const findings: Finding[] = Array.from({ length: FINDINGS }, (_, i) => randomFinding(r, i));
    // The tags live in resource_tags only: the SQL face reads them there, the in-memory face is handed them.
    const tags = randomTags(r);
    const tagsOf = (f: Finding) => tags.get(tagKey(f.accountId, f.resources[0]?.id ?? '')) ?? {};
    beforeAll(async () => {
      await backend.setup();
      // PostgreSQL with a linguistic default collation: a comparison that forgot to ask for byte
      // order would sort "zlib" next to "Zlib" and break the PREFIX ranges.
      db = (await backend.fresh({ icuLocale: 'en-US' })).db;
      const rows = findings.map((f) => findingRow(f, f.id));
      await db.kysely.transaction().execute((trx) => insertFindingRows(trx, rows));
      await db.kysely.insertInto('resource_tags').values(tagRows(tags)).execute();
    });
    afterAll(async () => {
      await db.close();
      await backend.teardown();
    });

    it(`SQL and in-memory agree on ${CRITERIA} random criteria over ${FINDINGS} findings`, async () => {
      let nonTrivial = 0;
      let nonTrivialTags = 0;
      let nonTrivialNetwork = 0;
      for (let i = 0; i < CRITERIA; i++) {
        const c = { ...randomCriteria(r), ...randomNetworkCriteria(r) };
        const mem = findings
          .filter((f) => matchesCriteria(f, c, tagsOf(f)))
          .map((f) => f.id)
          .sort();
        const got = await sqlIds(db, c);
        expect({ criteria: c, ids: got }).toEqual({ criteria: c, ids: mem });
        if (mem.length > 0 && mem.length < FINDINGS) nonTrivial++;
        if (c.resourceTags && mem.length > 0 && mem.length < FINDINGS) nonTrivialTags++;
        if ((c.portRange || c.networkProtocol) && mem.length > 0 && mem.length < FINDINGS)
          nonTrivialNetwork++;
      }
      // The generator must produce criteria that actually split the set, or agreement proves nothing.
      expect(nonTrivial).toBeGreaterThan(CRITERIA / 3);
      expect(nonTrivialTags).toBeGreaterThan(CRITERIA / 20);
      expect(nonTrivialNetwork).toBeGreaterThan(CRITERIA / 20);
    });

    it('portRange overlaps the open range; networkProtocol is exact; package findings match neither', async () => {
      const ranged = findings.find(
        (f) =>
          (f.networkReachabilityDetails?.openPortRange.end ?? 0) >
          (f.networkReachabilityDetails?.openPortRange.begin ?? 0),
      ) as Finding;
      const { begin, end } = ranged.networkReachabilityDetails?.openPortRange ?? { begin: 0, end: 0 };
      const inside = await sqlIds(db, { portRange: [{ beginInclusive: end, endInclusive: end }] });
      expect(inside).toContain(ranged.id);
      const below = await sqlIds(db, { portRange: [{ endInclusive: begin - 1 }] });
      expect(below).not.toContain(ranged.id);
      const all = await sqlIds(db, { portRange: [{}] });
      const network = findings
        .filter((f) => f.type === 'NETWORK_REACHABILITY')
        .map((f) => f.id)
        .sort();
      expect(all).toEqual(network);
      const udp = await sqlIds(db, { networkProtocol: [{ comparison: 'EQUALS', value: 'UDP' }] });
      expect(udp.length).toBeGreaterThan(0);
      for (const id of udp)
        expect(findings.find((f) => f.id === id)?.networkReachabilityDetails?.protocol).toBe('UDP');
      const notUdp = new Set(
        await sqlIds(db, { networkProtocol: [{ comparison: 'NOT_EQUALS', value: 'UDP' }] }),
      );
      expect(findings.filter((f) => f.type === 'PACKAGE_VULNERABILITY').every((f) => notUdp.has(f.id))).toBe(
        true,
      );
    });

    it('PREFIX is case-sensitive and NOT_EQUALS keeps findings that have no such value', async () => {
      const c1: FilterCriteria = { vulnerabilityId: [{ comparison: 'PREFIX', value: 'cve-' }] };
      const ids1 = await sqlIds(db, c1);
      expect(ids1.length).toBeGreaterThan(0);
      for (const id of ids1)
        expect(findings.find((f) => f.id === id)?.packageVulnerabilityDetails?.vulnerabilityId).toMatch(
          /^cve-/,
        );
      const c2: FilterCriteria = { vulnerabilityId: [{ comparison: 'NOT_EQUALS', value: 'CVE-2024-0001' }] };
      const network = findings.filter((f) => f.type === 'NETWORK_REACHABILITY').map((f) => f.id);
      const ids2 = new Set(await sqlIds(db, c2));
      expect(network.every((id) => ids2.has(id))).toBe(true);
    });

    it('resourceTags: values compare byte for byte, a filter without value matches any value', async () => {
      const withKey = (key: string, value?: string): FilterCriteria => ({
        resourceTags: [{ comparison: 'EQUALS', key, ...(value !== undefined ? { value } : {}) }],
      });
      const memIds = (c: FilterCriteria) =>
        findings
          .filter((f) => matchesCriteria(f, c, tagsOf(f)))
          .map((f) => f.id)
          .sort();
      const anyEnv = await sqlIds(db, withKey('env'));
      const prod = await sqlIds(db, withKey('env', 'prod'));
      const upper = await sqlIds(db, withKey('env', 'Prod'));
      expect(anyEnv).toEqual(memIds(withKey('env')));
      expect(prod.length).toBeGreaterThan(0);
      expect(upper.length).toBeGreaterThan(0);
      expect(prod.filter((id) => upper.includes(id))).toEqual([]);
      expect(prod.every((id) => anyEnv.includes(id))).toBe(true);
      for (const id of prod) {
        const f = findings.find((x) => x.id === id) as Finding;
        expect(tagsOf(f)['env']).toBe('prod');
      }
    });
  },
);
