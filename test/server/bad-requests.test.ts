import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const backend = sqliteBackend();
const dir = mkdtempSync(join(tmpdir(), 'vigil-bad-req-'));
let db: ServiceDb;
let vulns: VulnDb;
let s: Seeded;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  vulns = await openVulnDb(join(dir, 'vulndb.sqlite'));
  s = await seedAndListen(db, 0, vulns.store);
});
afterAll(async () => {
  await s.app.close();
  await db.close();
  await vulns.close();
  await backend.teardown();
  rmSync(dir, { recursive: true, force: true });
});

async function raw(method: string, path: string, body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${s.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.keys.adminA}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, json: await res.json() };
}

const errorBody = (code: string): unknown => ({
  code,
  message: expect.any(String) as string,
  details: expect.any(Object) as object,
});

function inventoryText(os: string, target = 'web-1'): string {
  return `{"schemaVersion":1,"source":{"type":"host","target":${JSON.stringify(target)}},"os":${os},"packages":[],"unknowns":[],"catalogers":{},"createdAt":"2026-03-01T00:00:00Z"}`;
}

it('JSON nested 10,000 deep is 400 JSON_TOO_DEEP wherever it comes in, checked before parsing', async () => {
  const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
  const cases: Array<[string, string, string]> = [
    ['POST', '/v1/accounts/acct-a/resources/h/inventory', inventoryText(deepObject)],
    ['POST', '/v1/accounts/acct-a/resources', `{"id":"r","type":"HOST","details":${deepObject}}`],
    ['POST', '/v1/reports', `{"format":"CSV","filter":{"severity":${deepArray}}}`],
  ];
  for (const [method, path, body] of cases) {
    expect({ path, ...(await raw(method, path, body)) }).toEqual({
      path,
      status: 400,
      json: errorBody('JSON_TOO_DEEP'),
    });
  }
  // A query string is bounded by the header limit: 1,000 levels there.
  const filter = encodeURIComponent(`{"severity":${'['.repeat(1000)}${']'.repeat(1000)}}`);
  const listed = await call(s.base, s.keys.adminA, 'GET', `/v1/findings?filter=${filter}`);
  expect(listed).toEqual({ status: 400, json: errorBody('JSON_TOO_DEEP') });
  // Ordinary nesting is untouched.
  const ok = await raw('POST', '/v1/accounts/acct-a/resources/h/inventory', inventoryText('{"id":"debian"}'));
  expect(ok.status).toBe(200);
});

it('a date the calendar lacks is 400 in the audit log, filters and rule expiry, never a 500', async () => {
  const admin = s.keys.orgAdmin;
  for (const q of ['since=2026-06-30T23:59:60Z', 'until=2026-02-30T00:00:00Z', 'since=2026-13-01T00:00:00Z'])
    expect({ q, ...(await call(s.base, admin, 'GET', `/v1/audit-log?${q}`)) }).toEqual({
      q,
      status: 400,
      json: errorBody('VALIDATION'),
    });
  expect((await call(s.base, admin, 'GET', '/v1/audit-log?since=2024-02-29T23:59:59Z')).status).toBe(200);

  const feb30 = { lastObservedAt: [{ startInclusive: '2026-02-30T00:00:00Z' }] };
  const list = await call(
    s.base,
    admin,
    'GET',
    `/v1/findings?filter=${encodeURIComponent(JSON.stringify(feb30))}`,
  );
  expect(list).toEqual({ status: 400, json: errorBody('VALIDATION') });
  expect(await call(s.base, admin, 'POST', '/v1/reports', { format: 'CSV', filter: feb30 })).toEqual({
    status: 400,
    json: errorBody('VALIDATION'),
  });
  const rules = '/v1/accounts/acct-a/suppression-rules';
  const rule = { name: 'r', reason: 'x', filter: { severity: [{ comparison: 'EQUALS', value: 'LOW' }] } };
  for (const body of [
    { ...rule, filter: { ...rule.filter, ...feb30 } },
    { ...rule, expiresAt: '2099-02-30T00:00:00Z' },
    { ...rule, expiresAt: '2099-06-30T23:59:60Z' },
  ])
    expect(await call(s.base, admin, 'POST', rules, body)).toEqual({
      status: 400,
      json: errorBody('VALIDATION'),
    });
});

it('a CycloneDX SBOM of 125,000 components is read, not a RangeError', async () => {
  // Generic purls (no matcher claims them) keep matching out of this test: the reader is what failed.
  const nested = Array.from({ length: 125_000 }, (_, i) => ({
    type: 'library',
    purl: `pkg:generic/c${i}@1`,
  }));
  const sbom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    components: [{ type: 'library', purl: 'pkg:npm/leftpad-vigil@1.0.0', components: nested }, ...nested],
  };
  const r = await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/resources/big/inventory', sbom);
  expect(r).toMatchObject({ status: 200, json: { resourceId: 'big', packages: 1 } });
});

it('header overflow, a malformed URL and a long id answer with the {code, message, details} body', async () => {
  const big = await fetch(`${s.base}/v1/findings`, {
    headers: { authorization: `Bearer ${s.keys.adminA}`, 'x-padding': 'x'.repeat(64 * 1024) },
  });
  expect({ status: big.status, json: await big.json() }).toEqual({
    status: 431,
    json: { code: 'HEADERS_TOO_LARGE', message: 'request headers too large', details: {} },
  });
  const badUrl = await fetch(`${s.base}/v1/findings/%E0%A4%A`, {
    headers: { authorization: `Bearer ${s.keys.adminA}` },
  });
  const badUrlBody = (await badUrl.json()) as { code: string };
  expect({ status: badUrl.status, json: badUrlBody }).toEqual({ status: 400, json: errorBody('BAD_URL') });
  expect(JSON.stringify(badUrlBody)).not.toContain('%E0');
  // Not HTTP at all: the parser's refusal, same body.
  const garbage = await new Promise<string>((resolve, reject) => {
    const url = new URL(s.base);
    const sock = connect(Number(url.port), url.hostname, () => sock.end('\x00\x01 not http\r\n\r\n'));
    let out = '';
    sock.on('data', (d: Buffer) => (out += d.toString()));
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
  });
  expect(garbage.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toEqual(errorBody('MALFORMED_REQUEST'));
  // A 500-character resource id (what POST /resources accepts) works in a path too.
  const id = 'r'.repeat(500);
  expect(
    (await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/resources', { id, type: 'HOST' })).status,
  ).toBe(201);
  expect((await call(s.base, s.keys.adminA, 'GET', `/v1/accounts/acct-a/resources/${id}`)).status).toBe(200);
});

it('values that are stored and copied around are bounded: source.target, OS fields, filter values', async () => {
  const long = 'x'.repeat(1024 * 1024);
  const inv = await raw('POST', '/v1/accounts/acct-a/resources/h/inventory', inventoryText('{}', long));
  expect(inv).toEqual({ status: 400, json: errorBody('VALIDATION') });
  const os = await raw(
    'POST',
    '/v1/accounts/acct-a/resources/h/inventory',
    inventoryText(JSON.stringify({ id: long })),
  );
  expect(os).toEqual({ status: 400, json: errorBody('VALIDATION') });
  const filter = { packageName: [{ comparison: 'EQUALS', value: long }] };
  expect(await call(s.base, s.keys.adminA, 'POST', '/v1/reports', { format: 'JSON', filter })).toEqual({
    status: 400,
    json: errorBody('VALIDATION'),
  });
  const rule = { name: 'r', reason: 'x', filter };
  expect(await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/suppression-rules', rule)).toEqual({
    status: 400,
    json: errorBody('VALIDATION'),
  });
  const stored = await db.kysely.selectFrom('suppression_rules').select('id').execute();
  expect(stored).toEqual([]);
});

it("a garbage SBOM's 400 names the problem without echoing the document's bytes", async () => {
  const marker = 'sbom-raw-marker-5150';
  for (const sbom of [
    { bomFormat: 'CycloneDX', specVersion: `\u001b[31m${marker}` },
    { bomFormat: 'CycloneDX', specVersion: '1.5', metadata: `\u001b[2J${marker}` },
  ]) {
    const r = await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/resources/h/inventory', sbom);
    expect(r).toMatchObject({ status: 400, json: { code: 'SBOM_INVALID' } });
    expect(JSON.stringify(r.json)).not.toContain(marker);
    expect(JSON.stringify(r.json)).not.toContain('\\u001b');
  }
});
