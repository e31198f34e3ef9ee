import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../../src/accounts/api-keys.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { BACKENDS } from '../service-db-backends.js';
import { checkin, enroll, post } from './agent-client.js';
import { get, startFleetServer, tableCounts, type FleetServer } from './fleet-server.js';

const HASH = 'a'.repeat(64);

for (const make of BACKENDS) {
  const backend = make();
  describe(`enrollment on ${backend.name}`, () => {
    let db: ServiceDb;
    let f: FleetServer;
    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      f = await startFleetServer(db, undefined);
    });
    afterAll(async () => {
      await f.close();
      await db.close();
      await backend.teardown();
    });

    const tokens = (key: string, accountId = 'acct-f') =>
      fetch(`${f.base}/v1/accounts/${accountId}/enrollment-tokens`, {
        headers: { authorization: `Bearer ${key}` },
      });

    it('admin keys create tokens (shown once, stored as SHA-256), list and revoke them; member keys cannot', async () => {
      const r = await fetch(`${f.base}/v1/accounts/acct-f/enrollment-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${f.keys.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tags: { env: 'prod' }, expiresIn: '2h', maxUses: 3, name: 'web fleet' }),
      });
      expect(r.status).toBe(201);
      const created = (await r.json()) as Record<string, unknown>;
      expect(created).toMatchObject({
        accountId: 'acct-f',
        tags: { env: 'prod' },
        maxUses: 3,
        uses: 0,
        name: 'web fleet',
        expiresAt: new Date(f.clock.now.getTime() + 2 * 3600_000).toISOString(),
        createdAt: f.clock.now.toISOString(),
        revokedAt: null,
      });
      const token = created['token'] as string;
      expect(token).toMatch(/^ve_[A-Za-z0-9_-]{43}$/);
      const stored = await db.kysely.selectFrom('enrollment_tokens').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(token.slice(10));

      const listed = (await (await tokens(f.keys.admin)).json()) as {
        tokens: Array<Record<string, unknown>>;
      };
      expect(listed.tokens.map((t) => t['id'])).toContain(created['id']);
      expect(JSON.stringify(listed)).not.toContain(token.slice(10));
      expect((await tokens(f.keys.member)).status).toBe(403);

      const del = await fetch(`${f.base}/v1/accounts/acct-f/enrollment-tokens/${String(created['id'])}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${f.keys.admin}` },
      });
      expect(del.status).toBe(200);
      expect(((await del.json()) as { revokedAt: string }).revokedAt).toBe(f.clock.now.toISOString());
      const unknown = await fetch(`${f.base}/v1/accounts/acct-f/enrollment-tokens/nope`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${f.keys.admin}` },
      });
      expect(unknown.status).toBe(404);
    });

    it('refuses bad token bodies with 400 VALIDATION', async () => {
      for (const body of [
        { expiresIn: '3 weeks' },
        { expiresIn: '10s' },
        { expiresIn: '400d' },
        { maxUses: 0 },
        { tags: { '': 'x' } },
        { role: 'admin' },
      ]) {
        const r = await fetch(`${f.base}/v1/accounts/acct-f/enrollment-tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${f.keys.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const j = (await r.json()) as { code: string };
        expect({ body, status: r.status, code: j.code }).toMatchObject({ body, status: 400 });
        expect(['VALIDATION', 'INVALID_TAGS']).toContain(j.code);
      }
    });

    it('an unknown, expired, used-up or revoked token gets 401 ENROLL_TOKEN_INVALID and writes nothing', async () => {
      const expiring = await f.createToken({ expiresIn: '1h' });
      const once = await f.createToken({ maxUses: 1 });
      const revoked = await f.createToken({});
      const revokedId = (
        await db.kysely
          .selectFrom('enrollment_tokens')
          .select('id')
          .where('secret_hash', '=', hashKey(revoked))
          .executeTakeFirstOrThrow()
      ).id;
      await fetch(`${f.base}/v1/accounts/acct-f/enrollment-tokens/${revokedId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${f.keys.admin}` },
      });
      expect((await enroll(f.base, once, 'machine-once-1')).status).toBe(201);
      f.advance(3601);
      const before = await tableCounts(db);
      const usesBefore = await db.kysely
        .selectFrom('enrollment_tokens')
        .select(['id', 'uses'])
        .orderBy('id')
        .execute();
      const refused = [`ve_${'x'.repeat(43)}`, 'not-even-a-token', expiring, once, revoked];
      for (const token of refused) {
        const r = await enroll(f.base, token, 'machine-refused-1');
        expect(r).toMatchObject({
          status: 401,
          json: {
            code: 'ENROLL_TOKEN_INVALID',
            message: 'the enrollment token is unknown, expired, used up or revoked',
          },
        });
      }
      expect(await tableCounts(db)).toEqual(before);
      expect(
        await db.kysely.selectFrom('enrollment_tokens').select(['id', 'uses']).orderBy('id').execute(),
      ).toEqual(usesBefore);
    });

    it('enrollments racing for the last use of a token: exactly one wins', async () => {
      const token = await f.createToken({ maxUses: 2 });
      expect((await enroll(f.base, token, 'machine-race-0')).status).toBe(201);
      const all = await Promise.all(
        Array.from({ length: 8 }, (_, i) => enroll(f.base, token, `machine-race-${i + 1}`)),
      );
      expect(all.map((r) => r.status).sort()).toEqual([201, 401, 401, 401, 401, 401, 401, 401]);
      const row = await db.kysely
        .selectFrom('enrollment_tokens')
        .select(['uses', 'max_uses'])
        .where('secret_hash', '=', hashKey(token))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ uses: 2, max_uses: 2 });
      const winners = all.filter((r) => r.status === 201).map((r) => r.host?.resourceId);
      const hosts = await db.kysely
        .selectFrom('host_agents')
        .select('resource_id')
        .where('machine_id', 'like', 'machine-race-%')
        .execute();
      expect(hosts.map((h) => h.resource_id).sort()).toEqual(['host:machine-race-0', ...winners].sort());
    });

    it('the same machine enrolling again gets the same resource and a new key; the old key is refused', async () => {
      const token = await f.createToken({ tags: { team: 'web' } });
      const first = await f.enroll(token, 'a1b2c3d4e5f60718293a4b5c6d7e8f90');
      expect(first.resourceId).toBe('host:a1b2c3d4e5f60718293a4b5c6d7e8f90');
      expect(first.key).toMatch(/^vh_/);
      const second = await f.enroll(await f.createToken({ tags: { tier: 'gold' } }), first.machineId, {
        hostname: 'renamed',
      });
      expect(second.resourceId).toBe(first.resourceId);
      expect(second.key).not.toBe(first.key);
      const old = await checkin(f.base, first, { hash: HASH, sentAt: f.clock.now.toISOString() });
      expect(old).toEqual({
        status: 401,
        json: {
          code: 'HOST_KEY_INVALID',
          message: 'the host key is missing, unknown or revoked: enroll again',
          details: { nodeInvalid: true },
        },
      });
      expect((await f.checkin(second, { hash: HASH })).status).toBe(200);
      const res = await get(
        f.base,
        f.keys.member,
        `/v1/accounts/acct-f/resources/${encodeURIComponent(first.resourceId)}`,
      );
      expect(res.json).toMatchObject({
        id: first.resourceId,
        type: 'HOST',
        tags: { team: 'web', tier: 'gold' },
        details: {
          hostname: 'renamed',
          machineId: first.machineId,
          os: { family: 'debian', version: '12' },
          agentVersion: '0.1.0',
          lastCheckinAt: f.clock.now.toISOString(),
        },
      });
      const resources = await db.kysely
        .selectFrom('resources')
        .select('id')
        .where('id', 'like', `%${first.machineId}%`)
        .execute();
      expect(resources).toHaveLength(1);
      const keys = await db.kysely
        .selectFrom('host_keys')
        .select(['revoked_at'])
        .where('resource_id', '=', first.resourceId)
        .execute();
      expect(keys.map((k) => k.revoked_at === null).sort()).toEqual([false, true]);
    });

    it('refuses malformed enrollment bodies with 400 and writes nothing', async () => {
      const token = await f.createToken({});
      const before = await tableCounts(db);
      const bodies: unknown[] = [
        { token, machineId: '../etc', hostname: 'h', agentVersion: '1' },
        { token, machineId: 'm1', hostname: 'bad\nname', agentVersion: '1' },
        { token, machineId: 'm1', hostname: 'h', agentVersion: '1', ipAddresses: ['not-an-ip'] },
        { token, machineId: 'm1', hostname: 'h' },
      ];
      for (const body of bodies) {
        const r = await post(f.base, '/v1/agent/enroll', body, { gzip: true });
        expect({ body, status: r.status, code: r.json['code'] }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION',
        });
      }
      expect(await tableCounts(db)).toEqual(before);
    });
  });
}
