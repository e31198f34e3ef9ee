import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { sqliteBackend } from './service-db-backends.js';
import { call, seedAndListen, type Seeded } from './api-server.js';

const backend = sqliteBackend();
let db: ServiceDb;
let s: Seeded;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  s = await seedAndListen(db);
});
afterAll(async () => {
  await s.app.close();
  await db.close();
  await backend.teardown();
});

type Page = { findings: Finding[]; nextToken?: string };

describe('vigil server API', () => {
  it('answers /health without a key and 401 with an error body everywhere else', async () => {
    expect(await call(s.base, undefined, 'GET', '/health')).toEqual({ status: 200, json: { status: 'ok' } });
    for (const key of [undefined, 'vk_not-a-key', 'Basic abc']) {
      const r = await call(s.base, key, 'GET', '/v1/findings');
      expect(r).toMatchObject({ status: 401, json: { code: 'UNAUTHENTICATED', details: {} } });
    }
    expect(await call(s.base, s.keys.memberA, 'GET', '/v1/nope')).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND' },
    });
  });

  it('lists only the key account findings; the delegated admin sees the organization', async () => {
    const a = (await call(s.base, s.keys.memberA, 'GET', '/v1/findings?maxResults=500')).json as Page;
    expect(a.findings).toHaveLength(30);
    expect(new Set(a.findings.map((f) => f.accountId))).toEqual(new Set(['acct-a']));
    const all = (await call(s.base, s.keys.orgAdmin, 'GET', '/v1/findings?maxResults=500')).json as Page;
    expect(new Set(all.findings.map((f) => f.accountId))).toEqual(new Set(['acct-a', 'acct-b']));
    // Asking for another account by filter narrows, never widens.
    const filter = encodeURIComponent(
      JSON.stringify({ accountId: [{ comparison: 'EQUALS', value: 'acct-b' }] }),
    );
    const sneaky = (await call(s.base, s.keys.memberA, 'GET', `/v1/findings?filter=${filter}`)).json as Page;
    expect(sneaky.findings).toEqual([]);
  });

  it('pages with nextToken through every finding exactly once, and applies the filter', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const q = `/v1/findings?maxResults=7${token ? `&nextToken=${token}` : ''}`;
      const page = (await call(s.base, s.keys.orgAdmin, 'GET', q)).json as Page;
      seen.push(...page.findings.map((f) => f.id));
      token = page.nextToken;
    } while (token);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    const filter = encodeURIComponent(
      JSON.stringify({ severity: [{ comparison: 'EQUALS', value: 'HIGH' }] }),
    );
    const high = (await call(s.base, s.keys.orgAdmin, 'GET', `/v1/findings?maxResults=500&filter=${filter}`))
      .json as Page;
    expect(high.findings.every((f) => f.severity === 'HIGH')).toBe(true);
  });

  it('sorts by each field and order, paging through every finding once in that order', async () => {
    const key = (f: Finding, by: string): string | number =>
      by === 'inspectorScore' ? (f.score ?? -1) : by === 'id' ? f.id : f[by as 'updatedAt'];
    for (const by of ['id', 'updatedAt', 'firstObservedAt', 'lastObservedAt', 'inspectorScore']) {
      for (const order of ['ASC', 'DESC']) {
        const got: Finding[] = [];
        let token: string | undefined;
        do {
          const q = `/v1/findings?maxResults=9&sortBy=${by}&sortOrder=${order}${token ? `&nextToken=${token}` : ''}`;
          const page = (await call(s.base, s.keys.orgAdmin, 'GET', q)).json as Page;
          got.push(...page.findings);
          token = page.nextToken;
        } while (token);
        expect(new Set(got.map((f) => f.id)).size).toBe(60);
        const sign = order === 'ASC' ? 1 : -1;
        for (let i = 1; i < got.length; i++) {
          const [a, b] = [got[i - 1] as Finding, got[i] as Finding];
          const [ka, kb] = [key(a, by), key(b, by)];
          const ok = ka === kb ? sign * (a.id < b.id ? -1 : 1) < 0 : sign * (ka < kb ? -1 : 1) < 0;
          expect({ by, order, i, ok }).toEqual({ by, order, i, ok: true });
        }
      }
    }
    const bad = await call(s.base, s.keys.orgAdmin, 'GET', '/v1/findings?nextToken=garbage');
    expect(bad).toMatchObject({ status: 400, json: { code: 'VALIDATION' } });
  });

  it('rejects an invalid filter with 400 and details', async () => {
    const bad = encodeURIComponent(JSON.stringify({ severity: [{ comparison: 'LIKE', value: 'x' }] }));
    const r = await call(s.base, s.keys.memberA, 'GET', `/v1/findings?filter=${bad}`);
    expect(r).toMatchObject({ status: 400, json: { code: 'VALIDATION' } });
    expect((r.json as { details: { errors: unknown[] } }).details.errors.length).toBeGreaterThan(0);
    expect(await call(s.base, s.keys.memberA, 'GET', '/v1/findings?maxResults=0')).toMatchObject({
      status: 400,
      json: { code: 'VALIDATION' },
    });
  });

  it('serves an OpenAPI 3 document listing the /v1 routes, without a key (it describes no data)', async () => {
    const r = await call(s.base, undefined, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(await call(s.base, s.keys.memberA, 'GET', '/openapi.json')).toMatchObject({ status: 200 });
    // Only the document: every data route still needs a key.
    expect(await call(s.base, undefined, 'GET', '/v1/findings')).toMatchObject({ status: 401 });
    const doc = r.json as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/findings', '/v1/accounts/{accountId}/resources']),
    );
  });
});
