import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { CLEAN_ID_PATTERN } from '../../src/core/identifier-text.js';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { csvFormat } from '../../src/reports/formats/findings/csv-format.js';
import { FINDINGS_CSV_COLUMNS } from '../../src/reports/formats/findings/findings-csv.js';
import type { FindingsReport } from '../../src/reports/formats/findings/findings-report.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, insertAccount } from './api-server.js';
import { randomFinding, rng } from './random-findings.js';
import { finishedReport, queueReport, reportServer, type ReportServer } from './reports-client.js';
import { sqliteBackend } from './service-db-backends.js';

const NOW = '2026-03-01T00:00:00.000Z';
/** Cells an attacker controls (resource ids from before ids were checked, titles, package names). */
const HOSTILE = [
  'x\n=1+1',
  'x\r=2+2',
  'a\r\n@SUM(A1)',
  '=HYPERLINK("http://evil")',
  'ok\n\n+cmd|x',
  'q\n"=1+1',
  '-2+3',
  '\tx',
] as const;
/** Anything a spreadsheet would take for a formula at the start of a line (after any opening quotes). */
const FORMULA_LINE = /^"*[=+\-@\t]/;

const backend = sqliteBackend();
let db: ServiceDb;
let rs: ReportServer;
let admin: string;

function hostileFinding(i: number, text: string, resourceId: string): Finding {
  const f = randomFinding(rng(i + 1), i);
  const pkg = {
    name: text,
    version: '1',
    filePath: `/srv/${text}`,
    purl: 'pkg:npm/x@1',
    packageManager: 'NPM',
    fixedInVersion: 'NotAvailable',
    remediation: '',
  };
  return {
    ...f,
    id: `hostile-${i}`,
    accountId: 'a',
    status: 'ACTIVE',
    title: text,
    type: 'PACKAGE_VULNERABILITY',
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
    packageVulnerabilityDetails: {
      vulnerabilityId: `CVE-2026-${1000 + i}`,
      source: 'osv',
      cvss: [],
      relatedVulnerabilities: [],
      referenceUrls: [],
      vulnerablePackages: [pkg],
      matches: [],
      cwes: [],
    },
  };
}

/** Every check on one CSV text: an independent parser, then every physical line of the file. */
function expectInert(text: string, rows: number): Record<string, string>[] {
  const records = parse<Record<string, string>>(text, { columns: true });
  expect(records.length).toBe(rows);
  for (const r of records) {
    expect(Object.keys(r)).toEqual([...FINDINGS_CSV_COLUMNS]);
    for (const cell of Object.values(r))
      for (const line of cell.split(/\r\n|\r|\n/)) expect(line).not.toMatch(FORMULA_LINE);
  }
  for (const line of text.split(/\r\n|\r|\n/)) expect(line).not.toMatch(FORMULA_LINE);
  return records;
}

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  await insertAccount(db, 'a');
  admin = (await createApiKey(db.kysely, { accountId: 'a', role: 'admin' })).key;
  // Resources stored with the ids the inventory route used to accept (a DB from before the id check).
  for (const [i, text] of HOSTILE.entries()) {
    const rid = `${text}-${i}`;
    await db.kysely
      .insertInto('resources')
      .values({
        id: rid,
        account_id: 'a',
        type: 'HOST',
        tags_json: '{}',
        details_json: '{}',
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    await applyScanOfResource(db.kysely, {
      accountId: 'a',
      resourceId: rid,
      findings: [hostileFinding(i, text, rid)],
      now: new Date(NOW),
    });
  }
  rs = await reportServer(db);
});
afterAll(async () => {
  await rs.app.close();
  await db.close();
  await backend.teardown();
});

it('a CSV report quotes every cell with CR or LF and starts no line of the file with a formula', async () => {
  const id = await queueReport(rs.base, admin, '/v1/reports', { format: 'CSV' });
  const { text } = await finishedReport(rs, admin, id);
  const records = expectInert(text, HOSTILE.length);
  const byId = new Map(records.map((r) => [r['vulnerabilityId'], r]));
  // The content survives (a `'` before each formula line, nothing else changed), so a reader loses nothing.
  expect(byId.get('CVE-2026-1000')?.['resourceId']).toBe("x\n'=1+1-0");
  expect(byId.get('CVE-2026-1001')?.['title']).toBe("x\r'=2+2");
  expect(byId.get('CVE-2026-1002')?.['packageName']).toBe("a\r\n'@SUM(A1)");
  expect(byId.get('CVE-2026-1003')?.['title']).toBe('\'=HYPERLINK("http://evil")');
  expect(byId.get('CVE-2026-1004')?.['title']).toBe("ok\n\n'+cmd|x");
  expect(byId.get('CVE-2026-1005')?.['title']).toBe('q\n\'"=1+1');
  expect(byId.get('CVE-2026-1006')?.['title']).toBe("'-2+3");
  expect(byId.get('CVE-2026-1007')?.['title']).toBe("'\tx");
});

it("the CLI's CSV format (same writer) holds the same cells inert", () => {
  const findings = HOSTILE.map((text, i) => hostileFinding(i, text, `${text}-${i}`));
  const report: FindingsReport = {
    tool: { name: 'vigil', version: 'test' },
    target: '/',
    targetType: 'directory',
    createdAt: NOW,
    packageCount: findings.length,
    findings,
    ignored: [],
    notes: [],
  };
  const text = csvFormat.render(report);
  expectInert(text, HOSTILE.length);
});

/** Control and bidi characters, each of which the id schema must refuse. */
const BAD_IDS = [
  'x\n=1+1',
  'x\r',
  'x\u0000y',
  'x\u001b[31m',
  'x\u007f',
  'x\u0085y',
  'x\u202ey',
  'x\u2066y',
  'x\u200fy',
];

it('refuses control and bidi characters in a resource id on every route that takes one', async () => {
  const doc = (await call(rs.base, admin, 'GET', '/openapi.json')).json as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes = Object.entries(doc.paths)
    .filter(([path]) => path.includes('{resourceId}'))
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })));
  expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
    'DELETE /v1/accounts/{accountId}/resources/{resourceId}',
    'GET /v1/accounts/{accountId}/cis-scans/{cisScanId}/resources/{resourceId}/checks',
    'GET /v1/accounts/{accountId}/resources/{resourceId}',
    'GET /v1/accounts/{accountId}/resources/{resourceId}/packages',
    'PATCH /v1/accounts/{accountId}/resources/{resourceId}',
    'POST /v1/accounts/{accountId}/resources/{resourceId}/inventory',
  ]);
  const inventory = {
    schemaVersion: 1,
    source: { type: 'directory', target: '/' },
    packages: [],
    unknowns: [],
    catalogers: {},
    createdAt: NOW,
  };
  const bodies: Record<string, unknown> = { PATCH: { tags: {} }, POST: inventory };
  for (const bad of BAD_IDS) {
    for (const r of routes) {
      const path = r.path
        .replace('{accountId}', 'a')
        .replace('{cisScanId}', 'cisscan-1')
        .replace('{resourceId}', encodeURIComponent(bad));
      const res = await call(rs.base, admin, r.method, path, bodies[r.method]);
      expect({ route: r, bad, status: res.status, code: (res.json as { code?: string }).code }).toEqual({
        route: r,
        bad,
        status: 400,
        code: 'VALIDATION',
      });
    }
    const created = await call(rs.base, admin, 'POST', '/v1/accounts/a/resources', { id: bad, type: 'HOST' });
    expect({ bad, status: created.status }).toEqual({ bad, status: 400 });
  }
  // Printable text of any script is still an id.
  const fine = await call(rs.base, admin, 'POST', '/v1/accounts/a/resources', {
    id: 'hôte/ウェブ-1',
    type: 'HOST',
  });
  expect(fine.status).toBe(201);
});

it('every path parameter in /openapi.json has the one id schema', async () => {
  const doc = (await call(rs.base, admin, 'GET', '/openapi.json')).json as {
    paths: Record<
      string,
      Record<string, { parameters?: Array<{ in: string; name: string; schema: unknown }> }>
    >;
  };
  const params = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).flatMap(([method, op]) =>
      (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => ({ route: `${method.toUpperCase()} ${path}`, name: p.name, schema: p.schema })),
    ),
  );
  expect(params.length).toBeGreaterThanOrEqual(20);
  for (const p of params)
    expect(p).toEqual({ ...p, schema: expect.objectContaining({ pattern: CLEAN_ID_PATTERN }) as unknown });
});
