import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS } from './service-db-backends.js';

const FINDINGS = 6;

for (const make of BACKENDS) {
  const backend = make();
  describe(`resources API on ${backend.name}`, () => {
    let db: ServiceDb;
    let s: Seeded;
    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, FINDINGS);
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });
    const A = '/v1/accounts/acct-a/resources';

    async function tagRows(id: string): Promise<string[]> {
      const rows = await db.kysely
        .selectFrom('resource_tags')
        .select(['key', 'value'])
        .where('account_id', '=', 'acct-a')
        .where('resource_id', '=', id)
        .orderBy('key')
        .execute();
      return rows.map((r) => `${r.key}=${r.value}`);
    }

    it('registers, lists by type, reads and re-tags resources; refuses duplicates and bad tags', async () => {
      const body = {
        id: 'repo/app',
        type: 'CONTAINER_REPOSITORY',
        tags: { team: 'web', env: 'prod' },
        details: { x: 1 },
      };
      const created = await call(s.base, s.keys.memberA, 'POST', A, body);
      expect(created).toMatchObject({
        status: 201,
        json: {
          id: 'repo/app',
          accountId: 'acct-a',
          type: 'CONTAINER_REPOSITORY',
          tags: body.tags,
          details: { x: 1 },
        },
      });
      expect(await tagRows('repo/app')).toEqual(['env=prod', 'team=web']);
      expect(await call(s.base, s.keys.adminA, 'POST', A, body)).toMatchObject({
        status: 409,
        json: { code: 'RESOURCE_EXISTS' },
      });
      const repos = await call(s.base, s.keys.readOnlyA, 'GET', `${A}?type=CONTAINER_REPOSITORY`);
      expect((repos.json as { resources: Array<{ id: string }> }).resources.map((r) => r.id)).toEqual([
        'repo/app',
      ]);
      const all = await call(s.base, s.keys.readOnlyA, 'GET', A);
      expect((all.json as { resources: Array<{ id: string }> }).resources.map((r) => r.id)).toEqual([
        s.resources.a,
        'repo/app',
      ]);
      const one = `${A}/${encodeURIComponent('repo/app')}`;
      expect((await call(s.base, s.keys.readOnlyA, 'GET', one)).json).toMatchObject({ id: 'repo/app' });

      const patched = await call(s.base, s.keys.memberA, 'PATCH', one, { tags: { owner: 'ops' } });
      expect(patched).toMatchObject({ status: 200, json: { tags: { owner: 'ops' } } });
      expect(Object.keys((patched.json as { tags: object }).tags)).toEqual(['owner']);
      expect(await tagRows('repo/app')).toEqual(['owner=ops']);

      // The open findings of a tagged resource show its tags now.
      const host = `${A}/${s.resources.a}`;
      expect(await call(s.base, s.keys.memberA, 'PATCH', host, { tags: { tier: 'db' } })).toMatchObject({
        status: 200,
      });
      const filter = encodeURIComponent(
        JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: s.resources.a }] }),
      );
      const open = (await call(s.base, s.keys.memberA, 'GET', `/v1/findings?filter=${filter}`)).json as {
        findings: Finding[];
      };
      expect(open.findings.map((f) => f.resources[0]?.tags)).toEqual(Array(FINDINGS).fill({ tier: 'db' }));

      const long = await call(s.base, s.keys.memberA, 'PATCH', one, { tags: { ['k'.repeat(129)]: 'v' } });
      expect(long).toMatchObject({ status: 400, json: { code: 'INVALID_TAGS' } });
      const image = await call(s.base, s.keys.memberA, 'POST', A, {
        id: 'sha256:abc',
        type: 'CONTAINER_IMAGE',
      });
      expect(image).toMatchObject({ status: 400, json: { code: 'VALIDATION' } });
      expect((await call(s.base, s.keys.memberA, 'POST', A, { id: 'a\u0001b', type: 'HOST' })).status).toBe(
        400,
      );
      expect((await call(s.base, s.keys.memberB, 'GET', one)).status).toBe(404);
      expect((await call(s.base, s.keys.memberA, 'GET', `${A}/nope`)).status).toBe(404);
    });

    it('DELETE closes the resource findings with their events in one go; the id can be registered again', async () => {
      const rid = s.resources.a;
      const seqBefore = await db.kysely
        .selectFrom('outbox')
        .select((eb) => eb.fn.max('seq').as('m'))
        .executeTakeFirstOrThrow();
      await db.kysely
        .insertInto('inventories')
        .values({
          account_id: 'acct-a',
          resource_id: rid,
          inventory_json: '{}',
          updated_at: '2026-03-01T00:00:00.000Z',
        })
        .execute();
      expect((await call(s.base, s.keys.memberA, 'DELETE', `${A}/${rid}`)).status).toBe(403);
      const del = await call(s.base, s.keys.adminA, 'DELETE', `${A}/${rid}`);
      expect(del).toEqual({ status: 200, json: { id: rid, closedFindings: FINDINGS } });

      const filter = encodeURIComponent(
        JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: rid }] }),
      );
      const list = (await call(s.base, s.keys.memberA, 'GET', `/v1/findings?filter=${filter}`)).json as {
        findings: Finding[];
      };
      expect(list.findings).toHaveLength(FINDINGS);
      expect(new Set(list.findings.map((f) => f.status))).toEqual(new Set(['CLOSED']));
      const events = await db.kysely
        .selectFrom('outbox')
        .select(['type', 'subject', 'payload_json'])
        .where('seq', '>', Number(seqBefore.m))
        .orderBy('seq')
        .execute();
      expect(
        events
          .filter((e) => e.type === 'vigil.finding.closed')
          .map((e) => e.subject)
          .sort(),
      ).toEqual(list.findings.map((f) => f.id).sort());
      const coverage = events.filter((e) => e.type === 'vigil.coverage.changed');
      expect(coverage.map((e) => JSON.parse(e.payload_json) as unknown)).toEqual([
        {
          resourceId: rid,
          resourceType: 'HOST',
          scanType: 'PACKAGE',
          status: 'INACTIVE',
          reason: 'RESOURCE_TERMINATED',
        },
      ]);
      const inv = await db.kysely
        .selectFrom('inventories')
        .select('resource_id')
        .where('resource_id', '=', rid)
        .execute();
      expect(inv).toEqual([]);
      expect((await call(s.base, s.keys.memberA, 'GET', `${A}/${rid}`)).status).toBe(404);
      expect((await call(s.base, s.keys.adminA, 'DELETE', `${A}/${rid}`)).status).toBe(404);
      const ids = (
        (await call(s.base, s.keys.memberA, 'GET', A)).json as { resources: Array<{ id: string }> }
      ).resources;
      expect(ids.map((r) => r.id)).not.toContain(rid);

      const again = await call(s.base, s.keys.memberA, 'POST', A, {
        id: rid,
        type: 'HOST',
        tags: { reborn: 'yes' },
      });
      expect(again).toMatchObject({ status: 201, json: { id: rid, tags: { reborn: 'yes' } } });
      const last = await db.kysely
        .selectFrom('outbox')
        .select(['type', 'payload_json'])
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(last.type).toBe('vigil.coverage.changed');
      expect(JSON.parse(last.payload_json)).toMatchObject({
        status: 'ACTIVE',
        reason: 'PENDING_INITIAL_SCAN',
      });
    });

    it('registrations racing for one id: exactly one 201, the others 409', async () => {
      const body = { id: 'race-1', type: 'HOST' };
      const all = await Promise.all(
        Array.from({ length: 6 }, () => call(s.base, s.keys.memberA, 'POST', A, body)),
      );
      expect(all.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    });

    it("the organization's delegated admin deletes a member account's resource; B's own member cannot", async () => {
      const path = `/v1/accounts/acct-b/resources/${s.resources.b}`;
      expect((await call(s.base, s.keys.memberB, 'DELETE', path)).status).toBe(403);
      expect((await call(s.base, s.keys.adminA, 'DELETE', path)).status).toBe(404);
      expect(await call(s.base, s.keys.orgAdmin, 'DELETE', path)).toMatchObject({
        status: 200,
        json: { closedFindings: FINDINGS },
      });
    });
  });
}
