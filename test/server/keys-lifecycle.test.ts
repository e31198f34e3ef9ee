import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/accounts/api-keys.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS } from './service-db-backends.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))('API keys on %s', (_name, make) => {
  const backend = make();
  let db: ServiceDb;
  let s: Seeded;

  beforeAll(async () => {
    await backend.setup();
    db = (await backend.fresh()).db;
    s = await seedAndListen(db, 2);
  });
  afterAll(async () => {
    await s.app.close();
    await db.close();
    await backend.teardown();
  });

  interface Created {
    id: string;
    key: string;
    prefix: string;
    role: string;
    name: string | null;
  }

  it('an admin mints a key shown once: it works, it is stored as its SHA-256 only, lists never show it', async () => {
    const r = await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/keys', {
      role: 'member',
      name: 'ci',
    });
    expect(r.status).toBe(201);
    const created = r.json as Created;
    expect(created).toMatchObject({ role: 'member', name: 'ci', accountId: 'acct-a' });
    // 32 random bytes in base64url after the prefix: 256 bits.
    expect(created.key).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 10));

    const row = await db.kysely
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(10));

    expect((await call(s.base, created.key, 'GET', '/v1/accounts/acct-a')).status).toBe(200);
    const list = await call(s.base, s.keys.adminA, 'GET', '/v1/accounts/acct-a/keys');
    expect(list.status).toBe(200);
    const text = JSON.stringify(list.json);
    expect(text).not.toContain(created.key.slice(10));
    expect(text).not.toContain(row.secret_hash);
    const mine = (list.json as { keys: Array<Record<string, unknown>> }).keys.find(
      (k) => k.id === created.id,
    );
    expect(mine).toEqual({
      id: created.id,
      accountId: 'acct-a',
      prefix: created.prefix,
      role: 'member',
      name: 'ci',
      createdAt: expect.any(String) as unknown,
      lastUsedAt: expect.any(String) as unknown,
      revokedAt: null,
    });
    // Every key of acct-a, and only acct-a's.
    expect((list.json as { keys: Array<{ accountId: string }> }).keys.map((k) => k.accountId)).toEqual(
      Array(4).fill('acct-a'),
    );
  });

  it('member and read-only keys cannot mint or list keys; nobody mints for an account it cannot see', async () => {
    const path = '/v1/accounts/acct-a/keys';
    expect((await call(s.base, s.keys.memberA, 'POST', path, { role: 'member' })).status).toBe(403);
    expect((await call(s.base, s.keys.memberA, 'POST', path, { role: 'admin' })).status).toBe(403);
    expect((await call(s.base, s.keys.readOnlyA, 'POST', path, { role: 'read-only' })).status).toBe(403);
    expect((await call(s.base, s.keys.memberA, 'GET', path)).status).toBe(403);
    expect((await call(s.base, s.keys.adminB, 'POST', path, { role: 'admin' })).status).toBe(404);
    expect((await call(s.base, s.keys.adminB, 'GET', path)).status).toBe(404);
    expect(
      (await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-admin/keys', { role: 'admin' })).status,
    ).toBe(404);
    expect((await call(s.base, s.keys.adminA, 'POST', path, { role: 'root' })).status).toBe(400);
    expect((await call(s.base, s.keys.adminA, 'POST', path, { role: 'admin', name: '' })).status).toBe(400);
    const count = await db.kysely
      .selectFrom('api_keys')
      .select('id')
      .where('account_id', '=', 'acct-admin')
      .execute();
    expect(count).toHaveLength(1);
  });

  it('the delegated admin mints a key for a member account; that key sees only its account', async () => {
    const r = await call(s.base, s.keys.orgAdmin, 'POST', '/v1/accounts/acct-b/keys', { role: 'admin' });
    expect(r.status).toBe(201);
    const key = (r.json as Created).key;
    const accounts = await call(s.base, key, 'GET', '/v1/accounts');
    expect((accounts.json as { accounts: Array<{ id: string }> }).accounts.map((a) => a.id)).toEqual([
      'acct-b',
    ]);
    expect((await call(s.base, key, 'GET', '/v1/accounts/acct-a')).status).toBe(404);
  });

  it('a revoked key gets 401 from its next use on; a key id of another account is not found', async () => {
    const made = (await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/keys', { role: 'member' }))
      .json as Created;
    const ofB = (await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/keys', { role: 'member' }))
      .json as Created;
    expect((await call(s.base, made.key, 'GET', '/v1/findings')).status).toBe(200);

    // B's key through A's account path: not found, and still working afterwards.
    expect((await call(s.base, s.keys.adminA, 'DELETE', `/v1/accounts/acct-a/keys/${ofB.id}`)).status).toBe(
      404,
    );
    expect((await call(s.base, s.keys.adminA, 'DELETE', `/v1/accounts/acct-b/keys/${ofB.id}`)).status).toBe(
      404,
    );
    expect((await call(s.base, s.keys.memberA, 'DELETE', `/v1/accounts/acct-a/keys/${made.id}`)).status).toBe(
      403,
    );
    expect((await call(s.base, ofB.key, 'GET', '/v1/findings')).status).toBe(200);

    const revoked = await call(s.base, s.keys.adminA, 'DELETE', `/v1/accounts/acct-a/keys/${made.id}`);
    expect(revoked.status).toBe(200);
    const at = (revoked.json as { revokedAt: string }).revokedAt;
    expect(at).toEqual(expect.any(String));
    expect((await call(s.base, made.key, 'GET', '/v1/findings')).status).toBe(401);
    expect((await call(s.base, made.key, 'GET', '/v1/accounts/acct-a')).status).toBe(401);
    // Revoking again keeps the first time.
    const again = await call(s.base, s.keys.adminA, 'DELETE', `/v1/accounts/acct-a/keys/${made.id}`);
    expect((again.json as { revokedAt: string }).revokedAt).toBe(at);

    // The delegated admin revokes a member account's key.
    expect((await call(s.base, s.keys.orgAdmin, 'DELETE', `/v1/accounts/acct-b/keys/${ofB.id}`)).status).toBe(
      200,
    );
    expect((await call(s.base, ofB.key, 'GET', '/v1/findings')).status).toBe(401);
  });
});
