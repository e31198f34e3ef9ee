import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/accounts/api-keys.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS } from './service-db-backends.js';
import type { AuditRecord } from '../../src/accounts/audit/audit-query.js';

const INVENTORY = '/v1/accounts/{accountId}/resources/{resourceId}/inventory';
const MARKER = 'body-marker-that-must-never-be-stored';

type Entry = AuditRecord;
interface Page {
  entries: Entry[];
  nextToken?: string;
}

describe.each(BACKENDS.map((b) => [b().name, b] as const))('audit log on %s', (_name, make) => {
  const backend = make();
  let db: ServiceDb;
  let s: Seeded;

  beforeAll(async () => {
    await backend.setup();
    db = (await backend.fresh()).db;
    s = await seedAndListen(db, 2);
  }, 120_000);
  afterAll(async () => {
    await s.app.close();
    await db.close();
    await backend.teardown();
  });

  const keyId = async (key: string): Promise<string> =>
    (
      await db.kysely
        .selectFrom('api_keys')
        .select('id')
        .where('secret_hash', '=', hashKey(key))
        .executeTakeFirstOrThrow()
    ).id;

  /** The row is written after the response went out: wait until it is there (bounded). */
  async function rowsAfterCalls(count: number): Promise<number> {
    for (let i = 0; i < 500; i++) {
      const n = Number(
        (
          await db.kysely
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst()
        )?.n ?? 0,
      );
      if (n >= count) return n;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`audit_log never reached ${count} rows`);
  }

  async function rawPost(key: string | undefined, path: string, body: string, type: string): Promise<number> {
    const headers: Record<string, string> = { 'content-type': type };
    if (key) headers['authorization'] = `Bearer ${key}`;
    return (await fetch(`${s.base}${path}`, { method: 'POST', headers, body })).status;
  }

  it('writes one row per mutating call, refused ones included, and none for reads', async () => {
    const path = `/v1/accounts/acct-a/resources/${s.resources.a}/inventory`;
    const body = { schemaVersion: 1, note: MARKER };
    // No vulnerability DB in this server: a valid member call ends 503 or 400, still audited.
    const member = await call(s.base, s.keys.memberA, 'POST', path, body);
    const readOnly = await call(s.base, s.keys.readOnlyA, 'POST', path, body);
    const anonymous = await call(s.base, undefined, 'POST', path, body);
    const foreign = await call(
      s.base,
      s.keys.memberA,
      'POST',
      `/v1/accounts/acct-b/resources/x/inventory`,
      body,
    );
    const malformed = await rawPost(s.keys.memberA, path, `{"note":"${MARKER}"`, 'application/json');
    const noRoute = await call(s.base, s.keys.memberA, 'DELETE', '/v1/no-such-thing');
    expect([readOnly.status, anonymous.status, foreign.status, malformed, noRoute.status]).toEqual([
      403, 401, 404, 400, 404,
    ]);
    await call(s.base, s.keys.memberA, 'GET', '/v1/findings');
    await call(s.base, s.keys.memberA, 'GET', '/v1/accounts/acct-a/resources');
    expect(await rowsAfterCalls(6)).toBe(6);

    const rows = await db.kysely.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    expect(JSON.stringify(rows)).not.toContain(MARKER);
    const memberId = await keyId(s.keys.memberA);
    const action = `POST ${INVENTORY}`;
    const target = JSON.stringify({ resourceId: s.resources.a });
    // Rows are written after each response, so on PostgreSQL two of them may commit out of call order:
    // compare them as a set.
    const byText = (a: unknown[], b: unknown[]): number => JSON.stringify(a).localeCompare(JSON.stringify(b));
    const got = rows.map((r): unknown[] => [
      r.key_id,
      r.account_id,
      r.action,
      r.target,
      r.result,
      JSON.parse(r.details_json) as unknown,
    ]);
    const refusedAt = (
      JSON.parse(rows.find((r) => r.action === 'AUTH_REFUSED')?.details_json ?? '{}') as { lastAt?: string }
    ).lastAt;
    const memberRow = JSON.parse(
      rows.find((r) => r.result === String(member.status))?.details_json ?? '{}',
    ) as unknown;
    expect(got.sort(byText)).toEqual(
      [
        [memberId, 'acct-a', action, target, String(member.status), memberRow],
        [await keyId(s.keys.readOnlyA), 'acct-a', action, target, '403', { errorCode: 'FORBIDDEN' }],
        // A refused authentication is counted in one row per source, account and minute.
        [
          null,
          'acct-a',
          'AUTH_REFUSED',
          JSON.stringify({ source: '127.0.0.1' }),
          '401',
          { errorCode: 'UNAUTHENTICATED', count: 1, lastAt: refusedAt, actions: [action] },
        ],
        [memberId, 'acct-b', action, JSON.stringify({ resourceId: 'x' }), '404', { errorCode: 'NOT_FOUND' }],
        [memberId, 'acct-a', action, target, '400', { errorCode: 'MALFORMED_JSON' }],
        [
          memberId,
          'acct-a',
          'DELETE (no route)',
          JSON.stringify({ path: '/v1/no-such-thing' }),
          '404',
          { errorCode: 'NOT_FOUND' },
        ],
      ].sort(byText),
    );
  });

  it('GET /v1/audit-log: admin keys only, scoped to the accounts the key sees', async () => {
    for (const key of [s.keys.memberA, s.keys.readOnlyA]) {
      const r = await call(s.base, key, 'GET', '/v1/audit-log');
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ code: 'FORBIDDEN', details: {} });
    }
    expect((await call(s.base, undefined, 'GET', '/v1/audit-log')).status).toBe(401);
    const accountsOf = async (key: string, q = ''): Promise<string[]> => {
      const r = await call(s.base, key, 'GET', `/v1/audit-log${q}`);
      expect(r.status).toBe(200);
      return [...new Set((r.json as Page).entries.map((e) => e.accountId ?? 'null'))].sort();
    };
    expect(await accountsOf(s.keys.adminA)).toEqual(['acct-a']);
    expect(await accountsOf(s.keys.adminB)).toEqual(['acct-b']);
    // The delegated administrator sees every member account of the organization.
    expect(await accountsOf(s.keys.orgAdmin)).toEqual(['acct-a', 'acct-b']);
    expect(await accountsOf(s.keys.orgAdmin, '?accountId=acct-b')).toEqual(['acct-b']);
    const other = await call(s.base, s.keys.adminA, 'GET', '/v1/audit-log?accountId=acct-b');
    expect(other.status).toBe(404);
  });

  it('pages newest first on seq, filters by action and time, and refuses a forged token', async () => {
    // Rows from another day, written as the hook would, to test the time bounds without a clock.
    for (const [at, act] of [
      ['2020-01-01T00:00:00.000Z', 'POST /x'],
      ['2020-01-02T00:00:00.000Z', 'POST /x'],
      ['2020-01-03T00:00:00.000Z', 'DELETE /x'],
    ] as const) {
      await db.kysely
        .insertInto('audit_log')
        .values({
          at,
          key_id: null,
          account_id: 'acct-a',
          action: act,
          target: null,
          result: '200',
          details_json: '{}',
        })
        .execute();
    }
    const all = (await call(s.base, s.keys.orgAdmin, 'GET', '/v1/audit-log?maxResults=500')).json as Page;
    const seqs = all.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(all.entries.length).toBe(9);
    expect(all.nextToken).toBeUndefined();

    const paged: number[] = [];
    let token: string | undefined;
    do {
      const r = await call(
        s.base,
        s.keys.orgAdmin,
        'GET',
        `/v1/audit-log?maxResults=2${token ? `&nextToken=${token}` : ''}`,
      );
      const page = r.json as Page;
      expect(page.entries.length).toBeLessThanOrEqual(2);
      paged.push(...page.entries.map((e) => e.seq));
      token = page.nextToken;
    } while (token);
    expect(paged).toEqual(seqs);

    const q = (query: string): Promise<Entry[]> =>
      call(s.base, s.keys.adminA, 'GET', `/v1/audit-log?${query}`).then((r) => (r.json as Page).entries);
    expect((await q('action=POST%20%2Fx')).map((e) => e.at)).toEqual([
      '2020-01-02T00:00:00.000Z',
      '2020-01-01T00:00:00.000Z',
    ]);
    const window = await q('since=2020-01-02T00:00:00Z&until=2020-01-03T00:00:00.000Z');
    expect(window.map((e) => e.at)).toEqual(['2020-01-02T00:00:00.000Z']);
    // member, read-only, malformed (acct-a); the anonymous one is under AUTH_REFUSED.
    expect((await q(`action=${encodeURIComponent(`POST ${INVENTORY}`)}`)).length).toBe(3);
    expect((await q('action=AUTH_REFUSED')).length).toBe(1);

    const forged = await call(s.base, s.keys.adminA, 'GET', '/v1/audit-log?nextToken=bm90LWEtdG9rZW4');
    expect(forged).toMatchObject({ status: 400, json: { code: 'VALIDATION' } });
  });
  it('keeps the id of what a call created and of what it revoked, never the key it returned', async () => {
    const before = await rowsAfterCalls(0);
    const created = await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/keys', { role: 'member' });
    expect(created.status).toBe(201);
    const { id, key } = created.json as { id: string; key: string };
    const revoked = await call(s.base, s.keys.adminA, 'DELETE', `/v1/accounts/acct-a/keys/${id}`);
    expect(await rowsAfterCalls(before + 2)).toBe(before + 2);
    const rows = await db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(2)
      .execute();
    expect(JSON.stringify(rows)).not.toContain(key.slice(3));
    const adminId = await keyId(s.keys.adminA);
    expect(
      rows
        .reverse()
        .map((r) => [r.key_id, r.action, r.target, r.result, JSON.parse(r.details_json) as unknown]),
    ).toEqual([
      [adminId, 'POST /v1/accounts/{accountId}/keys', null, '201', { id }],
      [
        adminId,
        'DELETE /v1/accounts/{accountId}/keys/{keyId}',
        JSON.stringify({ keyId: id }),
        String(revoked.status),
        expect.anything(),
      ],
    ]);
  });
});
