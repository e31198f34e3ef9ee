import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { builtImage } from '../image/fixtures/image-builder.js';
import { push, startRegistry, type RunningRegistry } from '../image/fixtures/registry-server.js';
import { matchingDbPath } from '../matching/fixtures/matching-db.js';
import { expectStatus, listAllFindings, packageOf, pollUntil, requestReport } from './e2e/api-helpers.js';
import {
  dpkgGe,
  statusById,
  suppressionTarget,
  upgradeTarget,
  vulnerablePackages,
} from './e2e/finding-picks.js';
import { expectAggregationsOfListed } from './e2e/aggregation-check.js';
import { csvReportRows, csvRowsOfFinding, jsonReportRows, rowOfFinding } from './e2e/report-rows.js';
import { inventoryOfRootfs, upgradeSourcePackage } from './e2e/inventory-fixtures.js';
import { createFirstKey, startServerProcess, type ServerProcess } from './e2e/server-process.js';

/**
 * Issue 5 end to end, against the real `vigil server` process on a real SQLite file and the real
 * vulnerability DB (Debian OSV, GHSA, PYSEC): an organization with two member accounts, real
 * debootstrap hosts and a real image from a registry, then listing, aggregation, suppression, an
 * upgrade and exports, each checked against what the API itself listed. Steps run in order and share
 * state.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-service-e2e-'));
const database = `sqlite:${join(dir, 'vigil.sqlite')}`;
const ACTIVE = { findingStatus: [{ comparison: 'EQUALS' as const, value: 'ACTIVE' }] };
const SUPPRESSED = { findingStatus: [{ comparison: 'EQUALS' as const, value: 'SUPPRESSED' }] };
interface AuditEntry {
  accountId: string | null;
  action: string;
  result: string;
}
/** What a suppression rule change answers. */
interface Changed {
  rule: { id: string };
  findingsChanged: number;
}
const M1 = 'e2e-team-web';
const M2 = 'e2e-team-db';

let server: ServerProcess | undefined;
let registry: RunningRegistry | undefined;
let base = '';
const keys = { root: '', admin1: '', admin2: '', member1: '', member2: '' };
const inventories: { bookworm?: Inventory; bullseye?: Inventory } = {};
const RULES = `/v1/accounts/${M1}/suppression-rules`;
/** The rule of step 6: its id, the findings it suppresses, every finding's status before it. */
let rule: { id: string; hit: string[]; before: Map<string, string> } | undefined;

const post = <T = Record<string, unknown>>(
  key: string,
  path: string,
  body: unknown,
  status = 201,
): Promise<T> => expectStatus<T>(status, base, key, 'POST', path, body);
const get = <T = Record<string, unknown>>(key: string, path: string): Promise<T> =>
  expectStatus<T>(200, base, key, 'GET', path);
const ids = (fs: readonly Finding[]): string[] => fs.map((f) => f.id).sort();

beforeAll(async () => {
  // The cached fixtures first, so no step's time includes building them.
  const [bookworm, bullseye] = await Promise.all([
    debianRootfs({ suite: 'bookworm' }).then(inventoryOfRootfs),
    debianRootfs({ suite: 'bullseye' }).then(inventoryOfRootfs),
    builtImage(),
    matchingDbPath(),
  ]);
  inventories.bookworm = bookworm;
  inventories.bullseye = bullseye;
});

afterAll(async () => {
  await server?.stop();
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigil server end to end (issue 5)', () => {
  it('1. starts the real server process and creates the first admin key with the CLI', async () => {
    keys.root = await createFirstKey(database, 'e2e-root');
    expect(keys.root).toMatch(/^vk_/);
    // The test's registry listens on 127.0.0.1: allowed as an operator would (issue 10's egress policy).
    server = await startServerProcess([
      '--database',
      database,
      '--db',
      await matchingDbPath(),
      '--egress-allow',
      '127.0.0.1',
    ]);
    base = server.base;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/v1/findings`)).status).toBe(401);
  });

  it('2. an organization with two member accounts and an admin and a member key for each', async () => {
    const org = await post<{ id: string }>(keys.root, '/v1/organizations', { name: 'E2E Org' });
    expect(org.id).toBeTruthy();
    for (const [id, admin, member] of [
      [M1, 'admin1', 'member1'],
      [M2, 'admin2', 'member2'],
    ] as const) {
      const acct = await post<{ id: string }>(keys.root, `/v1/organizations/${org.id}/accounts`, {
        id,
        name: id,
      });
      expect(acct.id).toBe(id);
      keys[admin] = (
        await post<{ key: string }>(keys.root, `/v1/accounts/${id}/keys`, { role: 'admin' })
      ).key;
      keys[member] = (
        await post<{ key: string }>(keys.root, `/v1/accounts/${id}/keys`, { role: 'member' })
      ).key;
    }
    const visible = await get<{ accounts: Array<{ id: string }> }>(keys.root, '/v1/accounts');
    expect(visible.accounts.map((a) => a.id)).toEqual(expect.arrayContaining(['e2e-root', M1, M2]));
    const own = await get<{ accounts: Array<{ id: string }> }>(keys.member1, '/v1/accounts');
    expect(own.accounts.map((a) => a.id)).toEqual([M1]);
  });

  it('3. real bookworm and bullseye inventories, one host per member account, give findings', async () => {
    for (const [acct, key, host, inv] of [
      [M1, keys.member1, 'web-bookworm', inventories.bookworm],
      [M2, keys.member2, 'db-bullseye', inventories.bullseye],
    ] as const) {
      await post(keys[acct === M1 ? 'admin1' : 'admin2'], `/v1/accounts/${acct}/resources`, {
        id: host,
        type: 'HOST',
        tags: { env: 'e2e' },
      });
      const summary = await post<{ created: number; closed: number }>(
        key,
        `/v1/accounts/${acct}/resources/${host}/inventory`,
        inv,
        200,
      );
      expect(summary.closed).toBe(0);
      expect(summary.created).toBeGreaterThan(acct === M2 ? 50 : 0);
      const mine = await listAllFindings(base, key, { resourceId: [{ comparison: 'EQUALS', value: host }] });
      expect(mine).toHaveLength(summary.created);
      expect(mine.every((f) => f.status === 'ACTIVE' && f.resources[0]?.type === 'HOST')).toBe(true);
    }
  });

  it('4. an image pushed to a local registry is scanned by reference: CONTAINER_IMAGE findings', async () => {
    registry = await startRegistry('none');
    await push((await builtImage()).layout, 'l2', registry, 'e2e/app:1.0');
    const reference = `${registry.host}/e2e/app:1.0`;
    const scan = await post<{ scanId: string; status: string }>(
      keys.member1,
      `/v1/accounts/${M1}/image-scans`,
      { reference },
      202,
    );
    expect(scan.scanId).toBeTruthy();
    const done = await pollUntil(
      'image scan',
      () => get<{ status: string }>(keys.member1, `/v1/accounts/${M1}/scans/${scan.scanId}`),
      (s) => s.status === 'SUCCEEDED' || s.status === 'FAILED',
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED' });
    await expectStatus(404, base, keys.member2, 'GET', `/v1/accounts/${M1}/scans/${scan.scanId}`);
    const resources = await get<{ resources: Array<{ id: string; type: string }> }>(
      keys.member1,
      `/v1/accounts/${M1}/resources`,
    );
    expect(resources.resources.map((r) => r.type).sort()).toEqual(['CONTAINER_IMAGE', 'HOST']);
    const image = await listAllFindings(base, keys.member1, {
      resourceType: [{ comparison: 'EQUALS', value: 'CONTAINER_IMAGE' }],
    });
    expect(image.length).toBeGreaterThan(0);
    expect(image.every((f) => f.accountId === M1)).toBe(true);
    // The image's Python and npm packages are matched through GHSA/PYSEC, not only Debian's data.
    const managers = new Set(
      image.map((f) => f.packageVulnerabilityDetails?.vulnerablePackages[0]?.packageManager),
    );
    expect(managers.size).toBeGreaterThan(1);
  });

  it('5. each member sees only its account, the delegated admin both', async () => {
    const all = await listAllFindings(base, keys.root);
    expect(new Set(all.map((f) => f.id)).size).toBe(all.length);
    expect(new Set(all.map((f) => f.accountId))).toEqual(new Set([M1, M2]));
    for (const [acct, memberKey, adminKey] of [
      [M1, keys.member1, keys.admin1],
      [M2, keys.member2, keys.admin2],
    ] as const) {
      const expected = ids(all.filter((f) => f.accountId === acct));
      expect(ids(await listAllFindings(base, memberKey))).toEqual(expected);
      expect(ids(await listAllFindings(base, adminKey))).toEqual(expected);
    }
    const other = all.find((f) => f.accountId === M2) as Finding;
    expect((await get<Finding>(keys.root, `/v1/findings/${other.id}`)).id).toBe(other.id);
    await expectStatus(404, base, keys.member1, 'GET', `/v1/findings/${other.id}`);
    expect(all.filter((f) => f.status !== 'ACTIVE')).toEqual([]);
  });

  it('5b. aggregations by SEVERITY, PACKAGE and ACCOUNT equal counts of the ACTIVE findings each key lists', async () => {
    await expectAggregationsOfListed(base, [keys.root, keys.member1]);
  });

  it('6. a suppression rule in member account 1 suppresses exactly its findings, nothing else', async () => {
    const before = await listAllFindings(base, keys.root);
    const m1 = before.filter((f) => f.accountId === M1);
    const pkg = suppressionTarget(
      m1,
      before.filter((f) => f.accountId === M2),
    );
    const hit = ids(m1.filter((f) => packageOf(f) === pkg));
    const filter = { packageName: [{ comparison: 'EQUALS', value: pkg }] };
    // Member keys cannot manage rules; the member account's own admin key can.
    await expectStatus(403, base, keys.member1, 'POST', RULES, { name: 'x', reason: 'x', filter });
    const created = await post<Changed>(keys.admin1, RULES, {
      name: `e2e ${pkg}`,
      reason: 'accepted',
      filter,
    });
    rule = { id: created.rule.id, hit, before: statusById(before) };
    // Rules are applied in the rule's own transaction: the very next read sees them.
    expect(created.findingsChanged).toBe(hit.length);
    const during = await listAllFindings(base, keys.root);
    const suppressed = during.filter((f) => f.status === 'SUPPRESSED');
    expect(ids(suppressed)).toEqual(hit);
    expect(suppressed.every((f) => f.suppressedBy === rule?.id)).toBe(true);
    const onlyHit = [...rule.before].map(([id, st]) => [id, hit.includes(id) ? 'SUPPRESSED' : st]);
    expect(statusById(during)).toEqual(new Map(onlyHit as Array<[string, string]>));
    expect(ids(await listAllFindings(base, keys.member1, SUPPRESSED))).toEqual(hit);
  });

  it('6b. while the rule holds, aggregations of ACTIVE findings leave the suppressed ones out', async () => {
    await expectAggregationsOfListed(base, [keys.root, keys.member1]);
  });

  it('6c. deleting the rule makes its findings ACTIVE again', async () => {
    const r = rule as NonNullable<typeof rule>;
    const deleted = await expectStatus<Changed>(200, base, keys.admin1, 'DELETE', `${RULES}/${r.id}`);
    expect(deleted.findingsChanged).toBe(r.hit.length);
    const after = await listAllFindings(base, keys.root);
    expect(statusById(after)).toEqual(r.before);
    expect(after.filter((f) => f.suppressedBy !== undefined)).toEqual([]);
    await expectStatus(404, base, keys.admin1, 'GET', `${RULES}/${r.id}`);
  });

  it('6d. the audit log of member account 1 records the rule changes, the refused one included', async () => {
    const r = rule as NonNullable<typeof rule>;
    const q = new URLSearchParams({ accountId: M1, maxResults: '500' });
    // Rows are written after each response, so the last one may trail the DELETE's answer.
    const log = await pollUntil(
      'audit rows',
      () => get<{ entries: AuditEntry[] }>(keys.admin1, `/v1/audit-log?${q.toString()}`),
      (l) => l.entries.some((e) => e.action.startsWith('DELETE') && e.action.includes('suppression-rules')),
    );
    const ruleRows = log.entries
      .filter((e) => e.action.includes('/suppression-rules'))
      .reverse()
      .map((e) => [e.action, e.result]);
    expect(ruleRows).toEqual([
      ['POST /v1/accounts/{accountId}/suppression-rules', '403'],
      ['POST /v1/accounts/{accountId}/suppression-rules', '201'],
      ['DELETE /v1/accounts/{accountId}/suppression-rules/{ruleId}', '200'],
    ]);
    expect(JSON.stringify(log.entries)).toContain(r.id);
    expect(log.entries.every((e) => e.accountId === M1)).toBe(true);
    await expectStatus(403, base, keys.member1, 'GET', '/v1/audit-log');
    await expectStatus(404, base, keys.admin1, 'GET', `/v1/audit-log?accountId=${M2}`);
  });

  it('7. upgrading one vulnerable source package on the bullseye host closes exactly its fixed findings', async () => {
    const host = 'db-bullseye';
    const before = await listAllFindings(base, keys.member2, {
      resourceId: [{ comparison: 'EQUALS', value: host }],
    });
    const target = upgradeTarget(before);
    const { sourceName, fixed } = target;
    // Which findings the upgrade fixes, decided by dpkg's own version comparison (not vigil's).
    const ofSource = (f: Finding): boolean =>
      vulnerablePackages(f).every((p) => (p.sourceName ?? p.name) === sourceName);
    const closes = (f: Finding): boolean =>
      ofSource(f) &&
      vulnerablePackages(f).every(
        (p) => p.fixedInVersion !== 'NotAvailable' && dpkgGe(fixed, p.fixedInVersion),
      );
    const expectedClosed = ids(before.filter(closes));
    expect(expectedClosed).toContain(target.finding.id);

    const upgraded = upgradeSourcePackage(inventories.bullseye as Inventory, sourceName, fixed);
    const summary = await post<{ closed: number; created: number }>(
      keys.member2,
      `/v1/accounts/${M2}/resources/${host}/inventory`,
      upgraded,
      200,
    );
    expect(summary).toMatchObject({ closed: expectedClosed.length, created: 0 });
    const closedOne = await get<Finding>(keys.member2, `/v1/findings/${target.finding.id}`);
    expect(closedOne.status).toBe('CLOSED');
    expect(closedOne.closedAt).toBeTruthy();
    const after = await listAllFindings(base, keys.member2, {
      resourceId: [{ comparison: 'EQUALS', value: host }],
    });
    expect(ids(after)).toEqual(ids(before));
    for (const f of after)
      expect([f.id, f.status]).toEqual([f.id, expectedClosed.includes(f.id) ? 'CLOSED' : 'ACTIVE']);
  });

  it('8. CSV and JSON reports by the delegated admin hold exactly the ACTIVE findings', async () => {
    const active = await listAllFindings(base, keys.root, ACTIVE);
    expect(active.length).toBeGreaterThan(0);
    expect(active.length).toBeLessThan((await listAllFindings(base, keys.root)).length);
    const expected = {
      CSV: active
        .flatMap(csvRowsOfFinding)
        .map((r) => r.join(' '))
        .sort(),
      JSON: active.map((f) => rowOfFinding(f).join(' ')).sort(),
    };
    for (const format of ['CSV', 'JSON'] as const) {
      const report = await requestReport(base, keys.root, { format, filter: ACTIVE });
      expect(report.job).toMatchObject({ status: 'SUCCEEDED' });
      expect(report.content.status).toBe(200);
      // Another account's key cannot fetch it: reports are scoped like findings.
      await expectStatus(404, base, keys.member1, 'GET', `/v1/reports/${report.reportId}/content`);
      const rows =
        format === 'CSV' ? csvReportRows(report.content.text) : jsonReportRows(report.content.text);
      expect(rows.map((r) => r.join(' ')).sort(), format).toEqual(expected[format]);
    }
  });

  it('9. SIGTERM stops the server cleanly (exit code 0)', async () => {
    const s = server as ServerProcess;
    server = undefined;
    expect(await s.stop()).toBe(0);
  });
});
