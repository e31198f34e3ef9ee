import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { exportFindings } from '../../src/reports/exports/findings-export.js';
import { ReportContentBuilder } from '../../src/reports/exports/report-content-builder.js';
import { claimNextReport } from '../../src/reports/exports/report-store.js';
import { ReportTooLargeError } from '../../src/reports/exports/report-too-large-error.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { randomFinding, rng } from './random-findings.js';
import {
  allFindings,
  download,
  finishedReport,
  queueReport,
  reportServer,
  type ReportServer,
} from './reports-client.js';
import { BACKENDS } from './service-db-backends.js';

const T1 = new Date('2026-03-02T00:00:00.000Z');
const T2 = new Date('2026-03-03T00:00:00.000Z');
const ACTIVE = { findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] };

/** A finding whose text a spreadsheet would run, with every character CSV must quote. */
const HOSTILE_TITLE = '=HYPERLINK("http://evil.example","x"), then\na second line';
function hostile(): Finding {
  return {
    ...randomFinding(rng(99), 99),
    id: 'hostile',
    type: 'PACKAGE_VULNERABILITY',
    title: HOSTILE_TITLE,
    resources: [{ id: 'host-a2', type: 'HOST', details: {} }],
    packageVulnerabilityDetails: {
      vulnerabilityId: 'CVE-2026-0001',
      source: 'osv',
      cvss: [],
      relatedVulnerabilities: [],
      referenceUrls: [],
      matches: [],
      cwes: [],
      vulnerablePackages: [
        {
          name: '@evil/pkg',
          version: '-1',
          filePath: '/app/package-lock.json',
          purl: 'pkg:npm/%40evil/pkg@-1',
          packageManager: 'npm',
          fixedInVersion: '+2',
          remediation: '',
        },
      ],
    },
  };
}

function scanned(identity: string, resourceId: string, i: number): Finding {
  return {
    ...randomFinding(rng(i + 7), i),
    id: identity,
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
  };
}

/** What a CSV row must say of a finding, column by column (text cells that look like formulas get a '). */
function expectedRow(f: Finding): Record<string, string> {
  const guard = (v: string): string => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  const d = f.packageVulnerabilityDetails;
  const p = d?.vulnerablePackages[0];
  return {
    accountId: f.accountId,
    findingId: f.id,
    status: f.status,
    severity: f.severity,
    score: f.score === undefined ? '' : String(f.score),
    title: guard(f.title),
    vulnerabilityId: guard(d?.vulnerabilityId ?? ''),
    packageName: guard(p?.name ?? ''),
    installedVersion: guard(p?.version ?? ''),
    fixedInVersion: guard(p?.fixedInVersion ?? ''),
    packageManager: p?.packageManager ?? '',
    resourceId: f.resources[0]?.id ?? '',
    resourceType: f.resources[0]?.type ?? '',
    repositoryName: '',
    fixAvailable: f.fixAvailable,
    exploitAvailable: f.exploitAvailable,
    epss: f.epss === undefined ? '' : String(f.epss.score),
    firstObservedAt: f.firstObservedAt,
    lastObservedAt: f.lastObservedAt,
    updatedAt: f.updatedAt,
    vendorSeverity: guard(d?.vendorSeverity ?? ''),
    sourceName: guard(p?.sourceName ?? ''),
    filePath: guard(p?.filePath ?? ''),
    purl: guard(p?.purl ?? ''),
    relatedVulnerabilities: guard((d?.relatedVulnerabilities ?? []).join(' ')),
  };
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe.each(BACKENDS.map((make) => [make().name, make] as const))('findings reports on %s', (_n, make) => {
  const backend = make();
  let db: ServiceDb;
  let seeded: Seeded;
  let s: ReportServer;

  beforeAll(async () => {
    await backend.setup();
    db = (await backend.fresh()).db;
    seeded = await seedAndListen(db, 30);
    // The seeding server runs background tasks; this file drives the report worker itself.
    await seeded.app.close();
    s = await reportServer(db);
    const k = db.kysely;
    // host-a2: 25 findings (one hostile), then a scan that sees 15 of them closes the other 10.
    const a2 = [hostile(), ...Array.from({ length: 24 }, (_, i) => scanned(`a2-${i}`, 'host-a2', i))];
    await applyScanOfResource(k, { accountId: 'acct-a', resourceId: 'host-a2', findings: a2, now: T1 });
    await applyScanOfResource(k, {
      accountId: 'acct-a',
      resourceId: 'host-a2',
      findings: a2.slice(0, 15),
      now: T2,
    });
    // More findings than one worker page (500), so keyset paging is crossed twice.
    const big = Array.from({ length: 1100 }, (_, i) => scanned(`big-${i}`, 'host-big', i));
    await applyScanOfResource(k, { accountId: 'acct-admin', resourceId: 'host-big', findings: big, now: T1 });
  }, 120_000);
  afterAll(async () => {
    await s.app.close();
    await db.close();
    await backend.teardown();
  });

  it('CSV by default holds the ACTIVE findings of the key’s accounts, exactly what GET /v1/findings pages hold', async () => {
    const key = seeded.keys.memberA;
    const id = await queueReport(s.base, key, '/v1/reports', { format: 'CSV' });
    const d = await finishedReport(s, key, id);
    expect(d.contentType).toBe('text/csv; charset=utf-8');
    expect(d.disposition).toBe(`attachment; filename="vigil-findings-${id}.csv"`);
    const rows: Record<string, string>[] = parse(d.text, { columns: true });
    const expected = (await allFindings(s.base, key, ACTIVE)).sort(byId);
    expect(expected.length).toBe(45); // 30 seeded on host-a1 + 15 still seen on host-a2
    expect(rows.sort((a, b) => byId({ id: a['findingId']! }, { id: b['findingId']! }))).toEqual(
      expected.map(expectedRow),
    );
    // The closed ten exist and are left out: the default really filtered.
    const closed = await allFindings(s.base, key, {
      findingStatus: [{ comparison: 'EQUALS', value: 'CLOSED' }],
    });
    expect(closed).toHaveLength(10);
    const ids = new Set(rows.map((r) => r['findingId']));
    expect(closed.some((f) => ids.has(f.id))).toBe(false);
  });

  it('CSV cells an attacker controls are quoted and cannot run as formulas', async () => {
    const key = seeded.keys.memberA;
    const filter = { vulnerabilityId: [{ comparison: 'EQUALS', value: 'CVE-2026-0001' }] };
    const d = await finishedReport(
      s,
      key,
      await queueReport(s.base, key, '/v1/reports', { format: 'CSV', filter }),
    );
    const rows: Record<string, string>[] = parse(d.text, { columns: true });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      title: `'${HOSTILE_TITLE}`,
      packageName: "'@evil/pkg",
      installedVersion: "'-1",
      fixedInVersion: "'+2",
    });
    expect(d.text).not.toMatch(/(^|,)[=+\-@]/m);
  });

  it('JSON with a filter naming findingStatus holds those findings in the API’s own shape', async () => {
    const key = seeded.keys.memberA;
    const filter = {
      findingStatus: [
        { comparison: 'EQUALS', value: 'CLOSED' },
        { comparison: 'EQUALS', value: 'ACTIVE' },
      ],
      resourceId: [{ comparison: 'EQUALS', value: 'host-a2' }],
    };
    const id = await queueReport(s.base, key, '/v1/reports', { format: 'JSON', filter });
    const d = await finishedReport(s, key, id);
    expect(d.contentType).toBe('application/json; charset=utf-8');
    const doc = JSON.parse(d.text) as { reportId: string; findings: Finding[] };
    expect(doc.reportId).toBe(id);
    const expected = (await allFindings(s.base, key, filter)).sort(byId);
    expect(expected).toHaveLength(25);
    expect(doc.findings.sort(byId)).toEqual(expected);
  });

  it('a delegated admin’s report covers every member account, across several worker pages', async () => {
    const key = seeded.keys.orgAdmin;
    const filter = { severity: [{ comparison: 'NOT_EQUALS', value: 'LOW' }] };
    const id = await queueReport(s.base, key, '/v1/reports', { format: 'JSON', filter });
    const doc = JSON.parse((await finishedReport(s, key, id)).text) as { findings: Finding[] };
    const expected = (await allFindings(s.base, key, { ...filter, ...ACTIVE })).sort(byId);
    expect(expected.length).toBeGreaterThan(500);
    expect(new Set(expected.map((f) => f.accountId))).toEqual(new Set(['acct-a', 'acct-b', 'acct-admin']));
    expect(doc.findings.sort(byId)).toEqual(expected);
    const status = await call(s.base, key, 'GET', `/v1/reports/${id}`);
    expect(status.json).toMatchObject({ kind: 'FINDINGS', format: 'JSON', filter: { ...filter, ...ACTIVE } });
  });

  it('QUEUED → 409 REPORT_NOT_READY; the status says when it started and finished', async () => {
    const key = seeded.keys.memberA;
    const id = await queueReport(s.base, key, '/v1/reports', { format: 'CSV' });
    expect((await call(s.base, key, 'GET', `/v1/reports/${id}`)).json).toMatchObject({
      reportId: id,
      status: 'QUEUED',
    });
    const early = await download(s.base, key, id);
    expect(early.status).toBe(409);
    expect(JSON.parse(early.text)).toMatchObject({ code: 'REPORT_NOT_READY', details: { status: 'QUEUED' } });
    await finishedReport(s, key, id);
    const done = (await call(s.base, key, 'GET', `/v1/reports/${id}`)).json as Record<string, string>;
    expect(done['startedAt']).toEqual(expect.any(String));
    expect(done['finishedAt']).toEqual(expect.any(String));
  });

  it('a report is visible to keys that see its account, and is 404 to any other', async () => {
    const id = await queueReport(s.base, seeded.keys.memberA, '/v1/reports', { format: 'CSV' });
    await s.runWorker();
    for (const key of [seeded.keys.memberB, seeded.keys.adminB]) {
      expect((await call(s.base, key, 'GET', `/v1/reports/${id}`)).status).toBe(404);
      expect((await download(s.base, key, id)).status).toBe(404);
    }
    for (const key of [seeded.keys.readOnlyA, seeded.keys.adminA, seeded.keys.orgAdmin])
      expect((await download(s.base, key, id)).status).toBe(200);
    expect((await call(s.base, seeded.keys.memberA, 'GET', '/v1/reports/no-such-report')).status).toBe(404);
  });

  it('a malformed filter or format is a 400 naming the problem; read-only keys cannot create reports', async () => {
    const key = seeded.keys.memberA;
    const bad = async (body: unknown): Promise<unknown> => {
      const r = await call(s.base, key, 'POST', '/v1/reports', body);
      expect(r.status).toBe(400);
      return r.json;
    };
    // A misspelled field must be refused, not dropped (which would report everything).
    const misspelled = (await bad({
      format: 'CSV',
      filter: { severty: [{ comparison: 'EQUALS', value: 'HIGH' }] },
    })) as { code: string; details: { errors: Array<{ path: string }> } };
    expect(misspelled.code).toBe('VALIDATION');
    expect(misspelled.details.errors.map((e) => e.path)).toContain('/filter/severty');
    await bad({ format: 'CSV', filter: { severity: [{ comparison: 'LIKE', value: 'H%' }] } });
    await bad({ format: 'CSV', filter: 'severity=HIGH' });
    await bad({ format: 'XML' });
    const ro = await call(s.base, seeded.keys.readOnlyA, 'POST', '/v1/reports', { format: 'CSV' });
    expect(ro.status).toBe(403);
  });

  it('a report that cannot be built is FAILED with a code, and its content stays 409', async () => {
    const key = seeded.keys.memberA;
    const id = await queueReport(s.base, key, '/v1/reports', { format: 'CSV' });
    // A request the code never writes (a filter that is not a list): the build throws.
    await db.kysely
      .updateTable('reports')
      .set({
        request_json: JSON.stringify({ kind: 'findings', format: 'CSV', filter: { severity: 'HIGH' } }),
      })
      .where('id', '=', id)
      .execute();
    await s.runWorker();
    const status = await call(s.base, key, 'GET', `/v1/reports/${id}`);
    expect(status.json).toMatchObject({ status: 'FAILED', error: { code: 'INTERNAL' } });
    expect(JSON.parse((await download(s.base, key, id)).text)).toMatchObject({
      code: 'REPORT_NOT_READY',
      details: { status: 'FAILED', error: { code: 'INTERNAL' } },
    });
  });

  it('a report left RUNNING by a crashed worker is run again by the next server', async () => {
    const key = seeded.keys.memberA;
    const id = await queueReport(s.base, key, '/v1/reports', { format: 'JSON' });
    const claimed = await claimNextReport(db.kysely, new Date().toISOString()); // the "crashed" worker
    expect(claimed?.id).toBe(id);
    await s.runWorker(); // this worker already did its startup recovery: RUNNING is not its business
    expect((await call(s.base, key, 'GET', `/v1/reports/${id}`)).json).toMatchObject({ status: 'RUNNING' });
    const next = await reportServer(db);
    try {
      const doc = JSON.parse((await finishedReport(next, key, id)).text) as { findings: Finding[] };
      expect(doc.findings).toHaveLength(45);
    } finally {
      await next.app.close();
    }
  });

  it('finished reports are deleted a week after they were requested', async () => {
    const key = seeded.keys.memberA;
    const old = await queueReport(s.base, key, '/v1/reports', { format: 'CSV' });
    await s.runWorker();
    const eightDaysOn = Date.now() + 8 * 24 * 3600 * 1000;
    const later = await reportServer(db, undefined, () => new Date(eightDaysOn));
    try {
      const fresh = await queueReport(later.base, key, '/v1/reports', { format: 'CSV' });
      await later.runWorker();
      expect((await call(later.base, key, 'GET', `/v1/reports/${old}`)).status).toBe(404);
      expect((await call(later.base, key, 'GET', `/v1/reports/${fresh}`)).json).toMatchObject({
        status: 'SUCCEEDED',
      });
    } finally {
      await later.app.close();
    }
  });

  it('a report past its size limit stops with REPORT_TOO_LARGE instead of growing on', async () => {
    const job = { reportId: 'r', format: 'JSON' as const, filter: {}, scope: ['acct-a'], createdAt: '' };
    const whole = await exportFindings(db.kysely, job);
    const limit = Buffer.byteLength(whole.content) - 1;
    await expect(exportFindings(db.kysely, job, new ReportContentBuilder(limit))).rejects.toThrow(
      ReportTooLargeError,
    );
    expect((await exportFindings(db.kysely, job, new ReportContentBuilder(limit + 1))).content).toBe(
      whole.content,
    );
  });

  it('two workers claiming at once never get the same report', async () => {
    const id = await queueReport(s.base, seeded.keys.memberA, '/v1/reports', { format: 'CSV' });
    const now = new Date().toISOString();
    const claims = await Promise.all(Array.from({ length: 4 }, () => claimNextReport(db.kysely, now)));
    expect(claims.filter((c) => c !== undefined).map((c) => c?.id)).toEqual([id]);
  });
});
