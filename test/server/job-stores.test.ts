import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCliAction } from '../../src/accounts/audit/audit-entry.js';
import { listAuditLog } from '../../src/accounts/audit/audit-query.js';
import { ValidationError } from '../../src/core/errors/validation-error.js';
import { listReportHeaders } from '../../src/reports/exports/report-list.js';
import {
  claimNextReport,
  findReportContent,
  findReportHeader,
  insertReport,
  markReportFailed,
  markReportSucceeded,
  purgeReportsBefore,
  requeueRunningReports,
} from '../../src/reports/exports/report-store.js';
import type { ReportRequest } from '../../src/reports/exports/report-types.js';
import { claimFairScan, queuedScanTurns } from '../../src/scan/scan-claim.js';
import { failScan, getScan, listScans, queueScan, requeueRunningScans } from '../../src/scan/scan-store.js';
import {
  claimNewestUpload,
  deleteUpload,
  hostsWaitingSince,
  releaseUpload,
  requeueStaleUploads,
  storeUpload,
  unfinishedUploads,
  uploadStillNewest,
  uploadWaits,
  waitingUploads,
} from '../../src/resources/queued-upload-store.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { BACKENDS } from './service-db-backends.js';

// The job tables' repositories (scans, reports, queued uploads) and CLI audit entries, on SQLite and PostgreSQL
// (test/server/service-repositories.contract.test.ts lists what runs where).

const T0 = Date.parse('2026-04-01T00:00:00.000Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();

async function seedAccounts(db: ServiceDb, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await db.kysely
      .insertInto('accounts')
      .values({
        id,
        name: id,
        organization_id: null,
        host_scanning: 1,
        image_scanning: 1,
        network_scanning: 1,
        created_at: iso(0),
      })
      .execute();
  }
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'service repositories on %s',
  (_name, make) => {
    const backend = make();
    let db: ServiceDb;
    let clock = T0;
    const ctx = (): StoreContext => ({ db: db.kysely, dialect: db.dialect, now: () => new Date(clock) });

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      await seedAccounts(db, ['acct-a', 'acct-b']);
    });
    afterAll(async () => {
      await db.close();
      await backend.teardown();
    });

    describe('scan store', () => {
      const queued: string[] = [];
      it('queues scans and reads them back per account, newest first, with the request as sent', async () => {
        for (const [i, account] of ['acct-a', 'acct-a', 'acct-b', 'acct-a'].entries()) {
          clock = T0 + (i + 1) * 1000;
          queued.push(
            await queueScan(ctx(), {
              accountId: account,
              kind: 'image',
              request: { image: `r/ü:${i}`, n: [i] },
            }),
          );
        }
        const [a0, a1, b0, a2] = queued as [string, string, string, string];
        expect((await listScans(db.kysely, 'acct-a', { limit: 10 })).map((s) => s.scanId)).toEqual([
          a2,
          a1,
          a0,
        ]);
        expect((await listScans(db.kysely, 'acct-a', { limit: 2 })).map((s) => s.scanId)).toEqual([a2, a1]);
        expect(await getScan(db.kysely, 'acct-a', a0)).toMatchObject({
          scanId: a0,
          accountId: 'acct-a',
          kind: 'image',
          status: 'QUEUED',
          request: { image: 'r/ü:0', n: [0] },
          summary: null,
          error: null,
          createdAt: iso(1),
          startedAt: null,
        });
        // Another account's scan id is simply not there.
        expect(await getScan(db.kysely, 'acct-a', b0)).toBeUndefined();
      });

      it('queue mode sends waiting scans in turns across accounts, at most perAccount of each', async () => {
        const [a0, a1, b0] = queued as [string, string, string, string];
        const ids = async (perAccount: number, limit: number): Promise<string[]> =>
          (await queuedScanTurns(ctx(), perAccount, limit)).map((s) => s.id);
        // acct-a's second scan is older than acct-b's first, yet acct-b's first goes before it.
        expect(await ids(2, 10)).toEqual([a0, b0, a1]);
        expect(await ids(1, 10)).toEqual([a0, b0]);
        expect(await ids(2, 2)).toEqual([a0, b0]);
      });

      it('concurrent claims take each queued scan exactly once, oldest first when alone', async () => {
        clock = T0 + 60_000;
        const claims = await Promise.all(
          Array.from({ length: 6 }, () => claimFairScan(ctx(), { maxPerAccount: 10 })),
        );
        const claimed = claims.filter((c) => c !== undefined).map((c) => c.id);
        expect(claimed.sort()).toEqual([...queued].sort());
        expect(claims.filter((c) => c === undefined)).toHaveLength(2);
        expect(await listScans(db.kysely, 'acct-a', { status: 'RUNNING', limit: 10 })).toHaveLength(3);
        expect((await getScan(db.kysely, 'acct-b', queued[2] ?? ''))?.startedAt).toBe(iso(60));
        expect(await claimFairScan(ctx(), { maxPerAccount: 10 })).toBeUndefined();
      });

      it('a failed scan keeps only vigil’s own error; a restart puts RUNNING scans back in the queue', async () => {
        const [a0, a1, b0, a2] = queued as [string, string, string, string];
        await failScan(ctx(), a0, new ValidationError('image reference is not valid'));
        await failScan(ctx(), a1, new Error('ENOENT /var/lib/secret/path'));
        expect((await getScan(db.kysely, 'acct-a', a0))?.error).toEqual({
          code: 'VALIDATION',
          message: 'image reference is not valid',
        });
        expect((await getScan(db.kysely, 'acct-a', a1))?.error).toEqual({
          code: 'INTERNAL',
          message: 'internal error',
        });
        await requeueRunningScans(db.kysely);
        expect((await listScans(db.kysely, 'acct-a', { status: 'FAILED', limit: 10 })).length).toBe(2);
        const requeued = [await getScan(db.kysely, 'acct-b', b0), await getScan(db.kysely, 'acct-a', a2)];
        expect(requeued.map((s) => [s?.status, s?.startedAt])).toEqual([
          ['QUEUED', null],
          ['QUEUED', null],
        ]);
        // Round-robin over accounts (scan-claim.ts): after acct-a, acct-b's turn, though a2 is older.
        expect((await claimFairScan(ctx(), { maxPerAccount: 10, lastServed: 'acct-a' }))?.id).toBe(b0);
      });
    });

    describe('report store', () => {
      const owner = { accountId: 'acct-a', keyId: 'key-1', visibleAccountIds: ['acct-a', 'acct-b'] };
      const request: ReportRequest = { kind: 'findings', format: 'CSV', filter: {} };
      const ids: string[] = [];

      it('concurrent claims run each queued report once; only a RUNNING report finishes', async () => {
        for (let i = 0; i < 3; i++) ids.push(await insertReport(db.kysely, owner, request, iso(100 + i)));
        const claims = await Promise.all(
          Array.from({ length: 5 }, () => claimNextReport(db.kysely, iso(200))),
        );
        expect(claims.flatMap((c) => (c ? [c.id] : [])).sort()).toEqual([...ids].sort());
        const [r0, r1, r2] = ids as [string, string, string];
        expect(await findReportHeader(db.kysely, r0)).toMatchObject({
          status: 'RUNNING',
          started_at: iso(200),
          scope_json: '["acct-a","acct-b"]',
          request_json: JSON.stringify(request),
        });
        const content = 'vulnerabilityId,package\nCVE-2024-1,libü\n';
        await markReportSucceeded(db.kysely, r0, { content, contentType: 'text/csv' }, iso(201));
        await markReportFailed(db.kysely, r1, { code: 'REPORT_TOO_LARGE', message: 'too large' }, iso(202));
        // A finished report is not finished again (a late worker after a requeue).
        await markReportFailed(db.kysely, r0, { code: 'INTERNAL', message: 'late' }, iso(203));
        expect(await findReportHeader(db.kysely, r0)).toMatchObject({
          status: 'SUCCEEDED',
          size: Buffer.byteLength(content),
          content_type: 'text/csv',
          finished_at: iso(201),
          error_json: null,
        });
        expect(await findReportContent(db.kysely, r0)).toBe(content);
        expect((await findReportHeader(db.kysely, r1))?.error_json).toBe(
          '{"code":"REPORT_TOO_LARGE","message":"too large"}',
        );
        expect(await requeueRunningReports(db.kysely)).toBe(1);
        expect(await findReportHeader(db.kysely, r2)).toMatchObject({ status: 'QUEUED', started_at: null });
      });

      it('purges finished reports requested before the cutoff, never queued or running ones', async () => {
        const late = await insertReport(db.kysely, owner, request, iso(300));
        expect(await purgeReportsBefore(db.kysely, iso(250))).toBe(2);
        expect(await findReportHeader(db.kysely, ids[0] ?? '')).toBeUndefined();
        expect(await findReportHeader(db.kysely, ids[2] ?? '')).toMatchObject({ status: 'QUEUED' });
        expect(await findReportHeader(db.kysely, late)).toMatchObject({ status: 'QUEUED' });
        expect(await findReportContent(db.kysely, 'no-such-report')).toBeNull();
      });

      it('lists the newest report headers of the given accounts, without content', async () => {
        const other = await insertReport(db.kysely, { ...owner, accountId: 'acct-b' }, request, iso(400));
        const mine = await listReportHeaders(db.kysely, ['acct-a'], 10);
        expect(mine.map((r) => r.created_at)).toEqual([iso(300), iso(102)]);
        expect(mine.every((r) => !('content' in r))).toBe(true);
        expect((await listReportHeaders(db.kysely, ['acct-a', 'acct-b'], 2)).map((r) => r.id)[0]).toBe(other);
        expect(await listReportHeaders(db.kysely, [], 10)).toEqual([]);
      });
    });

    describe('audit log', () => {
      it('CLI actions are recorded without a key and read back newest first, page by page', async () => {
        for (const keyId of ['k1', 'k2', 'k3'])
          await auditCliAction(db.kysely, 'admin revoke-key', 'acct-b', { keyId }, { reason: 'rotated' });
        const first = await listAuditLog(db.kysely, { accountIds: ['acct-b'], limit: 2 });
        expect(first.entries.map((e) => e.target)).toEqual([{ keyId: 'k3' }, { keyId: 'k2' }]);
        expect(first.entries[0]).toMatchObject({
          keyId: null,
          accountId: 'acct-b',
          action: 'CLI vigil admin revoke-key',
          result: 'OK',
          details: { reason: 'rotated' },
        });
        expect(typeof first.entries[0]?.seq).toBe('number');
        const rest = await listAuditLog(db.kysely, {
          accountIds: ['acct-b'],
          limit: 2,
          nextToken: first.nextToken ?? '',
        });
        expect(rest.entries.map((e) => e.target)).toEqual([{ keyId: 'k1' }]);
        expect(rest.nextToken).toBeUndefined();
        expect((await listAuditLog(db.kysely, { accountIds: ['acct-a'], limit: 5 })).entries).toEqual([]);
      });
    });

    describe('queued uploads (queue mode: an inventory waiting for its inventory-match job)', () => {
      const host = { accountId: 'acct-a', resourceId: 'i-up' };
      const upload = (hash: string, receivedAt: number) =>
        storeUpload(db.kysely, {
          ...host,
          kind: 'checkin',
          receivedAt: new Date(receivedAt),
          inventoryHash: hash,
          body: '{}',
        });

      it('claims the newest upload of a host, deleting the older ones it supersedes; a repeat claims nothing', async () => {
        const older = await upload('h-1', T0);
        const newer = await upload('h-2', T0);
        expect(await unfinishedUploads(db.kysely)).toBe(2);
        expect(await uploadWaits(db.kysely, host, 'h-1')).toBe(true);
        expect(await uploadWaits(db.kysely, host, 'h-3')).toBe(false);
        expect(await waitingUploads(db.kysely)).toMatchObject({ oldest: iso(0) });
        const claimed = await claimNewestUpload(db.kysely, host, new Date(T0 + 1000));
        expect(claimed).toMatchObject({ id: newer, state: 'RUNNING', inventory_hash: 'h-2' });
        expect(await unfinishedUploads(db.kysely)).toBe(1);
        expect(await uploadWaits(db.kysely, host, 'h-1')).toBe(false);
        expect(await claimNewestUpload(db.kysely, host, new Date(T0 + 2000))).toBeUndefined();
        if (!claimed) throw new Error('nothing claimed');
        expect(await uploadStillNewest(db.kysely, claimed)).toBe(true);
        // One more arrives while the claimed one is matched: the claimed one is not the newest any more.
        const newest = await upload('h-3', T0 + 3000);
        expect(await uploadStillNewest(db.kysely, claimed)).toBe(false);
        await deleteUpload(db.kysely, claimed.id);
        expect(older).not.toBe(newer);
        expect((await claimNewestUpload(db.kysely, host, new Date(T0 + 4000)))?.id).toBe(newest);
      });

      it('a released or stale upload waits again; the feeder finds hosts waiting since before a time', async () => {
        const [row] = await db.kysely.selectFrom('queued_uploads').selectAll().execute();
        if (!row) throw new Error('no row');
        expect(row.state).toBe('RUNNING');
        await releaseUpload(db.kysely, row.id);
        expect(await hostsWaitingSince(db.kysely, new Date(T0 + 10_000), 10)).toEqual([host]);
        expect(await hostsWaitingSince(db.kysely, new Date(T0), 10)).toEqual([]);
        await claimNewestUpload(db.kysely, host, new Date(T0 + 5000));
        await requeueStaleUploads(db.kysely, new Date(T0 + 5000));
        expect(Number((await waitingUploads(db.kysely)).n)).toBe(0);
        await requeueStaleUploads(db.kysely, new Date(T0 + 6000));
        expect(Number((await waitingUploads(db.kysely)).n)).toBe(1);
        await deleteUpload(db.kysely, row.id);
        expect(await unfinishedUploads(db.kysely)).toBe(0);
      });
    });
  },
);
