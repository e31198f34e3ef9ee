import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { randomFinding, rng } from './random-findings.js';
import { BACKENDS } from './service-db-backends.js';

const PROD = { resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'prod' }] };

async function listB(s: Seeded, filter: unknown = {}): Promise<Finding[]> {
  const q = encodeURIComponent(JSON.stringify(filter));
  const r = await call(s.base, s.keys.memberB, 'GET', `/v1/findings?maxResults=500&filter=${q}`);
  expect(r.status).toBe(200);
  return (r.json as { findings: Finding[] }).findings;
}

const count = (fs: Finding[], status: string) => fs.filter((f) => f.status === status).length;

for (const make of BACKENDS) {
  const backend = make();
  describe(`suppression by resource tags on ${backend.name}`, () => {
    let db: ServiceDb;
    let s: Seeded;
    let ruleId = '';
    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 20);
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });

    const tagHost = async (env: string) => {
      const r = await call(
        s.base,
        s.keys.memberB,
        'PATCH',
        `/v1/accounts/acct-b/resources/${s.resources.b}`,
        {
          tags: { env },
        },
      );
      expect(r.status).toBe(200);
    };

    it('a rule on tags follows the tags in resource_tags, both ways', async () => {
      const rule = await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/suppression-rules', {
        name: 'prod hosts',
        reason: 'handled elsewhere',
        filter: PROD,
      });
      expect(rule.status).toBe(201);
      ruleId = (rule.json as { rule: { id: string } }).rule.id;
      // Not tagged yet: nothing suppressed.
      expect((rule.json as { findingsChanged: number }).findingsChanged).toBe(0);
      await tagHost('prod');
      let all = await listB(s);
      expect(count(all, 'SUPPRESSED')).toBe(20);
      expect(all.every((f) => f.suppressedBy === ruleId)).toBe(true);
      // The SQL face sees the same tags: the list filter picks exactly the suppressed findings.
      expect((await listB(s, PROD)).map((f) => f.id)).toEqual(all.map((f) => f.id));
      await tagHost('dev');
      all = await listB(s);
      expect(count(all, 'ACTIVE')).toBe(20);
      expect(await listB(s, PROD)).toEqual([]);
      await tagHost('prod');
      expect(count(await listB(s), 'SUPPRESSED')).toBe(20);
    });

    it('a scan of a tagged resource creates its new findings SUPPRESSED, elsewhere ACTIVE', async () => {
      const fresh = (rid: string): Finding => ({
        ...randomFinding(rng(5), 99),
        id: `new-on-${rid}`,
        status: 'ACTIVE',
        resources: [{ id: rid, type: 'HOST', details: {} }],
      });
      const old = (await listB(s)).filter((f) => f.resources[0]?.id === s.resources.b);
      // The scan sees the old findings again plus one new one (identity = finding-builder id).
      const seenAgain = old.map((f, i) => ({
        ...randomFinding(rng(i + 1), i),
        id: `acct-b-${i}`,
        resources: f.resources,
      }));
      const tagged = await applyScanOfResource(db.kysely, {
        accountId: 'acct-b',
        resourceId: s.resources.b,
        findings: [...seenAgain, fresh(s.resources.b)],
        now: new Date(),
      });
      expect(tagged.created.map((f) => `${f.status} ${f.suppressedBy}`)).toEqual([`SUPPRESSED ${ruleId}`]);
      expect(tagged.closed).toEqual([]);
      const other = await applyScanOfResource(db.kysely, {
        accountId: 'acct-b',
        resourceId: 'host-b2',
        findings: [fresh('host-b2')],
        now: new Date(),
      });
      expect(other.created.map((f) => f.status)).toEqual(['ACTIVE']);
    });

    it('GET /v1/findings/{findingId}: the finding for its account and the delegated admin, 404 otherwise', async () => {
      const [f] = await listB(s, PROD);
      const id = (f as Finding).id;
      const mine = await call(s.base, s.keys.memberB, 'GET', `/v1/findings/${id}`);
      expect(mine.status).toBe(200);
      expect(mine.json).toEqual(f);
      expect((await call(s.base, s.keys.orgAdmin, 'GET', `/v1/findings/${id}`)).json).toEqual(f);
      const other = await call(s.base, s.keys.memberA, 'GET', `/v1/findings/${id}`);
      expect(other.status).toBe(404);
      expect(JSON.stringify(other.json)).not.toContain('SUPPRESSED');
      expect((await call(s.base, s.keys.memberB, 'GET', '/v1/findings/no-such-id')).status).toBe(404);
    });
  });
}
