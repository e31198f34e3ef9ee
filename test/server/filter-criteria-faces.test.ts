import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaWhere } from '../../src/findings/filter-criteria-sql.js';
import { matchesCriteria, type FilterCriteria } from '../../src/findings/filter-criteria.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { findingRow } from '../../src/server/storage/finding-rows.js';
import type { ServiceDb } from '../../src/server/storage/service-db.js';
import { BACKENDS } from './service-db-backends.js';
import { randomCriteria, randomFinding, rng } from './random-findings.js';

const SEED = 20261123;
const FINDINGS = 300;
const CRITERIA = 400;

async function sqlIds(db: ServiceDb, c: FilterCriteria): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select('id')
    .where(criteriaWhere(c))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'FilterCriteria faces on %s',
  (_n, make) => {
    const backend = make();
    let db: ServiceDb;
    const r = rng(SEED);
    const findings: Finding[] = Array.from({ length: FINDINGS }, (_, i) => randomFinding(r, i));
    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      const rows = findings.map((f) => findingRow(f, f.id));
      await db.kysely.insertInto('findings').values(rows).execute();
    });
    afterAll(async () => {
      await db.close();
      await backend.teardown();
    });

    it(`SQL and in-memory agree on ${CRITERIA} random criteria over ${FINDINGS} findings`, async () => {
      let nonTrivial = 0;
      for (let i = 0; i < CRITERIA; i++) {
        const c = randomCriteria(r);
        const mem = findings
          .filter((f) => matchesCriteria(f, c))
          .map((f) => f.id)
          .sort();
        const got = await sqlIds(db, c);
        expect({ criteria: c, ids: got }).toEqual({ criteria: c, ids: mem });
        if (mem.length > 0 && mem.length < FINDINGS) nonTrivial++;
      }
      // The generator must produce criteria that actually split the set, or agreement proves nothing.
      expect(nonTrivial).toBeGreaterThan(CRITERIA / 3);
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
  },
);
