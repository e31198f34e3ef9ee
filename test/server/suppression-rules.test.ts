import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilterCriteria } from '../../src/findings/filter-criteria.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS } from './service-db-backends.js';

const RULES = '/v1/accounts/acct-b/suppression-rules';

interface Harness {
  db: ServiceDb;
  s: Seeded;
  app: FastifyInstance;
  base: string;
  clock: { now: Date };
}

/** The seeded org, served by a server whose clock the test moves and whose tasks it drives. */
async function harness(db: ServiceDb): Promise<Harness> {
  const s = await seedAndListen(db, 40);
  await s.app.close();
  const clock = { now: new Date('2026-03-02T00:00:00.000Z') };
  const app = await buildServer({ db, background: false, now: () => clock.now });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { db, s, app, base, clock };
}

async function findingsOf(h: Harness, key: string, filter: FilterCriteria = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  let token: string | undefined;
  do {
    const q = `filter=${encodeURIComponent(JSON.stringify(filter))}&maxResults=50${token ? `&nextToken=${token}` : ''}`;
    const r = await call(h.base, key, 'GET', `/v1/findings?${q}`);
    expect(r.status).toBe(200);
    const page = r.json as { findings: Finding[]; nextToken?: string };
    out.push(...page.findings);
    token = page.nextToken;
  } while (token);
  return out;
}

/** Outbox events after `seq`, as "type subject". */
async function eventsAfter(db: ServiceDb, seq: number): Promise<Array<{ type: string; subject: string }>> {
  return db.kysely
    .selectFrom('outbox')
    .select(['type', 'subject'])
    .where('seq', '>', seq)
    .orderBy('seq')
    .execute();
}

async function lastSeq(db: ServiceDb): Promise<number> {
  const r = await db.kysely.selectFrom('outbox').select('seq').orderBy('seq', 'desc').executeTakeFirst();
  return Number(r?.seq ?? 0);
}

const statusOf = (fs: Finding[]): Record<string, string> =>
  Object.fromEntries(fs.map((f) => [f.id, `${f.status}${f.suppressedBy ? ` by ${f.suppressedBy}` : ''}`]));

for (const make of BACKENDS) {
  const backend = make();
  describe(`suppression rules on ${backend.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      await backend.setup();
      h = await harness((await backend.fresh()).db);
    });
    afterAll(async () => {
      await h.app.close();
      await h.db.close();
      await backend.teardown();
    });

    it('create, update and delete re-evaluate the open findings, with one event per change', async () => {
      const { keys } = h.s;
      const before = await findingsOf(h, keys.memberB);
      const aBefore = statusOf(await findingsOf(h, keys.memberA));
      const vuln = before.find((f) => f.packageVulnerabilityDetails)?.packageVulnerabilityDetails
        ?.vulnerabilityId as string;
      const byVuln = (f: Finding) => f.packageVulnerabilityDetails?.vulnerabilityId === vuln;
      const byHigh = (f: Finding) => f.severity === 'HIGH';
      expect(before.filter(byVuln).length).toBeGreaterThan(0);
      expect(before.filter((f) => byHigh(f) && !byVuln(f)).length).toBeGreaterThan(0);

      let seq = await lastSeq(h.db);
      const r1 = await call(h.base, keys.adminB, 'POST', RULES, {
        name: 'by vuln',
        reason: 'not reachable',
        filter: { vulnerabilityId: [{ comparison: 'EQUALS', value: vuln }] },
      });
      expect(r1.status).toBe(201);
      const rule1 = (r1.json as { rule: { id: string }; findingsChanged: number }).rule.id;
      let now = await findingsOf(h, keys.memberB);
      const expect1 = (f: Finding) => (byVuln(f) ? `SUPPRESSED by ${rule1}` : 'ACTIVE');
      expect(statusOf(now)).toEqual(Object.fromEntries(before.map((f) => [f.id, expect1(f)])));
      expect((r1.json as { findingsChanged: number }).findingsChanged).toBe(before.filter(byVuln).length);
      let events = await eventsAfter(h.db, seq);
      expect(events[0]).toEqual({ type: 'vigil.suppression-rule.created', subject: rule1 });
      expect(events.slice(1).map((e) => `${e.type} ${e.subject}`)).toEqual(
        before.filter(byVuln).map((f) => `vigil.finding.updated ${f.id}`),
      );

      // suppressedBy names the first matching rule in creation order: the second rule is younger.
      h.clock.now = new Date(h.clock.now.getTime() + 60_000);
      const r2 = await call(h.base, keys.adminB, 'POST', RULES, {
        name: 'by severity',
        reason: 'accepted',
        filter: { severity: [{ comparison: 'EQUALS', value: 'HIGH' }] },
      });
      const rule2 = (r2.json as { rule: { id: string } }).rule.id;
      // Deleting the first rule: its findings that are HIGH move to the second, the rest become ACTIVE.
      seq = await lastSeq(h.db);
      const del = await call(h.base, keys.adminB, 'DELETE', `${RULES}/${rule1}`);
      expect(del.status).toBe(200);
      now = await findingsOf(h, keys.memberB);
      const expect2 = (f: Finding) => (byHigh(f) ? `SUPPRESSED by ${rule2}` : 'ACTIVE');
      expect(statusOf(now)).toEqual(Object.fromEntries(before.map((f) => [f.id, expect2(f)])));
      events = await eventsAfter(h.db, seq);
      expect(events[0]).toEqual({ type: 'vigil.suppression-rule.deleted', subject: rule1 });
      expect(events.slice(1).map((e) => e.subject)).toEqual(before.filter(byVuln).map((f) => f.id));
      expect((await call(h.base, keys.adminB, 'GET', `${RULES}/${rule1}`)).status).toBe(404);

      // PATCH the second rule to match nothing: everything is ACTIVE again.
      seq = await lastSeq(h.db);
      const p = await call(h.base, keys.adminB, 'PATCH', `${RULES}/${rule2}`, {
        filter: { severity: [{ comparison: 'EQUALS', value: 'NO-SUCH' }] },
      });
      expect(p.status).toBe(200);
      expect(Object.values(statusOf(await findingsOf(h, keys.memberB)))).toEqual(before.map(() => 'ACTIVE'));
      events = await eventsAfter(h.db, seq);
      expect(events[0]).toEqual({ type: 'vigil.suppression-rule.updated', subject: rule2 });
      expect(events.length - 1).toBe(before.filter(byHigh).length);
      // Account A shared the vulnerability and severities but was never touched.
      expect(statusOf(await findingsOf(h, keys.memberA))).toEqual(aBefore);
      await call(h.base, keys.adminB, 'DELETE', `${RULES}/${rule2}`);
    });

    it('never touches CLOSED findings', async () => {
      const { keys } = h.s;
      const [victim] = await findingsOf(h, keys.memberB);
      const closed = { ...(victim as Finding), status: 'CLOSED', closedAt: '2026-03-01T12:00:00.000Z' };
      await h.db.kysely
        .updateTable('findings')
        .set({ status: 'CLOSED' })
        .where('id', '=', closed.id)
        .execute();
      await h.db.kysely
        .updateTable('finding_documents')
        .set({ finding_json: JSON.stringify(closed) })
        .where('id', '=', closed.id)
        .execute();
      const r = await call(h.base, keys.adminB, 'POST', RULES, {
        name: 'everything on the host',
        reason: 'decommissioned',
        filter: { resourceId: [{ comparison: 'EQUALS', value: h.s.resources.b }] },
      });
      const all = await findingsOf(h, keys.memberB, {
        findingStatus: [{ comparison: 'PREFIX', value: '' }],
      });
      expect(all.find((f) => f.id === closed.id)?.status).toBe('CLOSED');
      expect(all.filter((f) => f.status === 'SUPPRESSED')).toHaveLength(all.length - 1);
      await call(h.base, keys.adminB, 'DELETE', `${RULES}/${(r.json as { rule: { id: string } }).rule.id}`);
    });

    it('refuses bad rules and keys without the right', async () => {
      const { keys } = h.s;
      const ok = { name: 'n', reason: 'r', filter: { severity: [{ comparison: 'EQUALS', value: 'LOW' }] } };
      const bad = await call(h.base, keys.adminB, 'POST', RULES, { ...ok, filter: { colour: [] } });
      expect(bad.status).toBe(400);
      expect((bad.json as { code: string; details: { errors: unknown[] } }).details.errors.length).toBe(1);
      const badDate = { ...ok, filter: { firstObservedAt: [{ startInclusive: 'yesterday' }] } };
      expect((await call(h.base, keys.adminB, 'POST', RULES, badDate)).status).toBe(400);
      expect((await call(h.base, keys.adminB, 'POST', RULES, { ...ok, filter: {} })).status).toBe(400);
      const past = { ...ok, expiresAt: '2026-03-01T00:00:00Z' };
      expect((await call(h.base, keys.adminB, 'POST', RULES, past)).status).toBe(400);
      expect((await call(h.base, keys.memberB, 'POST', RULES, ok)).status).toBe(403);
      expect((await call(h.base, keys.adminA, 'POST', RULES, ok)).status).toBe(404);
      const byOrg = await call(h.base, keys.orgAdmin, 'POST', RULES, ok);
      expect(byOrg.status).toBe(201);
      const id = (byOrg.json as { rule: { id: string } }).rule.id;
      const list = (await call(h.base, keys.memberB, 'GET', RULES)).json as { rules: Array<{ id: string }> };
      expect(list.rules.map((r) => r.id)).toEqual([id]);
      expect(
        (await call(h.base, keys.adminA, 'GET', `/v1/accounts/acct-a/suppression-rules/${id}`)).status,
      ).toBe(404);
      expect((await call(h.base, keys.adminA, 'DELETE', `${RULES}/${id}`)).status).toBe(404);
      expect((await call(h.base, keys.orgAdmin, 'DELETE', `${RULES}/${id}`)).status).toBe(200);
    });

    it('an expired rule stops suppressing when the expiry task runs, once', async () => {
      const { keys } = h.s;
      const task = h.app.vigil.tasks.find((t) => t.name === 'rule-expiry');
      await task?.runOnce();
      const expiresAt = new Date(h.clock.now.getTime() + 3_600_000).toISOString();
      const r = await call(h.base, keys.adminB, 'POST', RULES, {
        name: 'temporary',
        reason: 'patch window',
        filter: { fixAvailable: [{ comparison: 'EQUALS', value: 'NO' }] },
        expiresAt,
      });
      const n = (r.json as { findingsChanged: number }).findingsChanged;
      expect(n).toBeGreaterThan(0);
      await task?.runOnce();
      expect((await findingsOf(h, keys.memberB)).filter((f) => f.status === 'SUPPRESSED')).toHaveLength(n);

      h.clock.now = new Date(h.clock.now.getTime() + 2 * 3_600_000);
      const seq = await lastSeq(h.db);
      await task?.runOnce();
      expect((await findingsOf(h, keys.memberB)).filter((f) => f.status === 'SUPPRESSED')).toEqual([]);
      const events = await eventsAfter(h.db, seq);
      expect(events.map((e) => e.type)).toEqual(Array.from({ length: n }, () => 'vigil.finding.updated'));
      await task?.runOnce();
      expect(await eventsAfter(h.db, seq)).toHaveLength(n);
    });
  });
}
