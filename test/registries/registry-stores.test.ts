import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { coverageStatistics, listCoverage } from '../../src/resources/coverage/coverage-query.js';
import { expireLapsedImages } from '../../src/resources/registries/image-window-sweep.js';
import { registryImage } from '../../src/resources/registries/registry-image-store.js';
import {
  parseRegistryEvents,
  type RegistryEvent,
} from '../../src/resources/registries/registry-event-parse.js';
import {
  createRegistry,
  registryOfNotification,
  registryRow,
} from '../../src/resources/registries/registry-store.js';
import { updateImageScanning } from '../../src/scan/image-scanning-update.js';
import { applyRegistryEvents } from '../../src/scan/registry-events.js';
import { rematchFromImportLog } from '../../src/scan/rematch-from-log.js';
import { applyFinishedScan, storedInventory } from '../../src/scan/scan-apply.js';
import {
  recordWatchedFailure,
  watchedAskOf,
  watchedDetailsForApply,
} from '../../src/scan/watched-image-scan.js';
import { WorkerPool } from '../../src/scan/worker-pool.js';
import { RegistryAuthError } from '../../src/source/image/errors/registry-auth-error.js';
import { SecretBox } from '../../src/store/secret-box.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { hostInventory } from '../server/rematch-data.js';
import { BACKENDS } from '../server/service-db-backends.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';

/**
 * The registries' repositories and the image lifecycle on both backends, without a registry: events
 * as a registry posts them, scans applied as the worker applies them (matched by the real scan
 * service), data changes re-matched from the import log, and the rescan window checked with a moved
 * clock. The real registry, server and skopeo run in registry-notifications.test.ts.
 */
const ACCOUNT = 'acct-1';
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const DAY = 24 * 3600 * 1000;
const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const D_CONT = digest(1);
const D_PUSH = digest(2);
const D_OTHER = digest(3);

function record(id: string, source: string, modified: string): string {
  return JSON.stringify({
    schema_version: '1.6.0',
    id,
    modified,
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: source },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '9.0-1' }] }],
      },
    ],
  });
}

function imageInventory(d: string): Inventory {
  const inv = hostInventory({ id: d, release: '12', sources: ['alpha', 'beta', 'gamma'] }, new Map());
  return { ...inv, source: { type: 'image', target: d, image: { digest: d } } };
}

const push = (repository: string, d: string, tag: string, at: number): RegistryEvent => ({
  action: 'push',
  repository,
  digest: d,
  tag,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  at: new Date(at).toISOString(),
});

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'registries and watched images (%s)',
  (_n, make) => {
    const backend = make();
    let dir: string;
    let db: ServiceDb;
    let vulndb: VulnDb;
    let pool: WorkerPool;
    let clock = T0;
    const secrets = SecretBox.ephemeral();
    const ctx = (): StoreContext => ({ db: db.kysely, dialect: db.dialect, now: () => new Date(clock) });
    const feed = async (name: string, lines: string[]): Promise<void> => {
      const p = join(dir, `${backend.name}-${name}.jsonl`);
      writeFileSync(p, lines.join('\n') + '\n');
      await vulndb.import([await osvFeed(p, 'osv-test')]);
    };
    const coverage = async (): Promise<
      Record<string, { status: string; reason: string; message?: string }>
    > => {
      const page = await listCoverage(db.kysely, { accountIds: [ACCOUNT], criteria: {}, limit: 100 });
      return Object.fromEntries(
        page.coveredResources.map((c) => [
          c.resourceId,
          {
            status: c.scanStatus.statusCode,
            reason: c.scanStatus.reason,
            ...(c.scanStatus.message ? { message: c.scanStatus.message } : {}),
          },
        ]),
      );
    };
    const open = async (): Promise<Record<string, string[]>> => {
      const rows = await db.kysely
        .selectFrom('findings')
        .select(['resource_id', 'vulnerability_id'])
        .where('status', '<>', 'CLOSED')
        .orderBy('vulnerability_id')
        .execute();
      const out: Record<string, string[]> = {};
      for (const r of rows) (out[r.resource_id ?? ''] ??= []).push(r.vulnerability_id ?? '');
      return out;
    };
    /** Runs a queued watched scan as the scan worker does, the registry read replaced by the inventory. */
    const runScan = async (scanId: string): Promise<void> => {
      const row = await db.kysely
        .selectFrom('scans')
        .selectAll()
        .where('id', '=', scanId)
        .executeTakeFirstOrThrow();
      const ask = watchedAskOf(JSON.parse(row.request_json) as Record<string, unknown>);
      if (!ask) throw new Error('not a watched scan');
      const inventory = imageInventory(ask.digest);
      const resource = { id: ask.digest, type: 'CONTAINER_IMAGE' as const, details: {} };
      const scanned = await pool.run(
        {
          kind: 'scan-inventory',
          inventory,
          accountId: ACCOUNT,
          now: new Date(clock).toISOString(),
          resource,
        },
        AbortSignal.timeout(30_000),
      );
      const details = await watchedDetailsForApply(db.kysely, ACCOUNT, scanId, ask);
      await applyFinishedScan(db.kysely, {
        accountId: ACCOUNT,
        scan: { id: scanId, kind: 'image' },
        resource: { ...resource, details },
        inventory: storedInventory(inventory),
        findings: JSON.parse(scanned.findingsJson) as Finding[],
        now: new Date(clock),
      });
    };
    const queuedScans = async (): Promise<Array<{ id: string; digest: string }>> =>
      (
        await db.kysely
          .selectFrom('scans')
          .select(['id', 'request_json'])
          .where('status', '=', 'QUEUED')
          .execute()
      ).map((r) => ({ id: r.id, digest: String((JSON.parse(r.request_json) as { digest: string }).digest) }));

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-registry-stores-'));
      await backend.setup();
      db = (await backend.fresh()).db;
      vulndb = await openVulnDb(join(dir, `${backend.name}-vulndb.sqlite`));
      pool = new WorkerPool({ threads: 0, maxQueuedSubmissions: 0, vulns: vulndb.store });
      const created_at = new Date(T0).toISOString();
      await db.kysely
        .insertInto('accounts')
        .values({
          id: ACCOUNT,
          name: 'A',
          organization_id: null,
          host_scanning: 1,
          image_scanning: 1,
          network_scanning: 1,
          created_at,
        })
        .execute();
      await feed('a', [record('CVE-2099-0001', 'alpha', '2025-01-01T00:00:00Z')]);
    }, 120_000);
    afterAll(async () => {
      await pool.close();
      await vulndb.close();
      await db.close();
      await backend.teardown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a registry is found by its id and its secret only', async () => {
      const { registry, notificationSecret } = await createRegistry(
        db.kysely,
        secrets,
        ACCOUNT,
        {
          name: 'r',
          url: 'registry.example.test:5000',
          discovery: 'NOTIFICATIONS',
          credentials: { username: 'u', password: 'p' },
        },
        new Date(T0).toISOString(),
      );
      expect(await registryOfNotification(db.kysely, registry.id, notificationSecret)).toMatchObject({
        id: registry.id,
      });
      expect(await registryOfNotification(db.kysely, registry.id, `${notificationSecret}x`)).toBe('mismatch');
      expect(await registryOfNotification(db.kysely, registry.id, undefined)).toBe('mismatch');
      expect(await registryOfNotification(db.kysely, 'no-such-registry', notificationSecret)).toBeUndefined();
    });

    it('pushes: one scan per digest however many events, excluded repositories visible in coverage, SCAN_ON_PUSH vs CONTINUOUS_SCAN', async () => {
      const reg = await registryRow(
        db.kysely,
        ACCOUNT,
        (await db.kysely.selectFrom('registries').select('id').executeTakeFirstOrThrow()).id,
      );
      const change = await updateImageScanning(ctx(), ACCOUNT, {
        rules: [
          { repositoryFilter: 'cont/*', filterType: 'WILDCARD', scanFrequency: 'CONTINUOUS_SCAN' },
          { repositoryFilter: 'push/*', filterType: 'WILDCARD', scanFrequency: 'SCAN_ON_PUSH' },
        ],
        rescanDuration: 'DAYS_14',
      });
      expect(change).toMatchObject({
        imagesReevaluated: 0,
        scansQueued: 0,
        configuration: { rescanDuration: 'DAYS_14' },
      });
      // 200 identical pushes of one digest at once (as separate notifications), and one of each other image.
      const burst = await Promise.all(
        Array.from({ length: 200 }, () =>
          applyRegistryEvents(ctx(), reg, [push('cont/app', D_CONT, 'v1', T0)]),
        ),
      );
      expect(burst.reduce((n, o) => n + o.scansQueued, 0)).toBe(1);
      expect(burst.reduce((n, o) => n + o.deduplicated, 0)).toBe(199);
      const rest = await applyRegistryEvents(ctx(), reg, [
        push('push/app', D_PUSH, 'v1', T0),
        push('other/app', D_OTHER, 'v1', T0),
      ]);
      expect(rest).toMatchObject({ scansQueued: 1, excluded: 1 });
      expect((await queuedScans()).map((q) => q.digest).sort()).toEqual([D_CONT, D_PUSH]);
      expect(await coverage()).toMatchObject({
        [D_CONT]: { status: 'ACTIVE', reason: 'PENDING_INITIAL_SCAN' },
        [D_PUSH]: { status: 'ACTIVE', reason: 'PENDING_INITIAL_SCAN' },
        [D_OTHER]: {
          status: 'INACTIVE',
          reason: 'EXCLUDED_BY_RULE',
          message: expect.stringContaining('other/app') as unknown,
        },
      });

      const byRepo = await coverageStatistics(db.kysely, {
        accountIds: [ACCOUNT],
        criteria: {},
        groupBy: 'REPOSITORY_NAME',
      });
      expect(byRepo).toEqual({
        countsByGroup: ['cont/app', 'other/app', 'push/app'].map((r) => ({
          count: 1,
          groupKey: `registry.example.test:5000/${r}`,
        })),
        totalCounts: 3,
      });

      clock = T0 + 60_000;
      for (const q of await queuedScans()) await runScan(q.id);
      expect(await open()).toEqual({ [D_CONT]: ['CVE-2099-0001'], [D_PUSH]: ['CVE-2099-0001'] });
      expect(await coverage()).toMatchObject({
        [D_CONT]: { status: 'ACTIVE', reason: 'SUCCESSFUL' },
        [D_PUSH]: { status: 'INACTIVE', reason: 'SCAN_FREQUENCY_SCAN_ON_PUSH' },
      });
      // The finding names the image as its registry does: repository, tags, digest, push date.
      const f = await db.kysely
        .selectFrom('findings')
        .select(['last_observed_at', findingJson()])
        .where('resource_id', '=', D_CONT)
        .executeTakeFirstOrThrow();
      expect(findingOfRow(f).resources[0]?.details).toMatchObject({
        repositoryName: 'registry.example.test:5000/cont/app',
        imageTags: ['v1'],
        imageHash: D_CONT,
        pushedAt: new Date(T0).toISOString(),
      });
      // A later push of the same digest (a new tag) is a new push: scanned again; an old event is not.
      const again = await applyRegistryEvents(ctx(), reg, [
        push('cont/app', D_CONT, 'latest', T0 + 120_000),
        push('cont/app', D_CONT, 'v1', T0),
      ]);
      expect(again).toMatchObject({ scansQueued: 1, deduplicated: 1 });
      for (const q of await queuedScans()) await runScan(q.id);
    });

    it('new data re-matches CONTINUOUS_SCAN images in their window, never SCAN_ON_PUSH ones; a lapsed window closes findings', async () => {
      await rematchFromImportLog(ctx(), vulndb);
      clock = T0 + DAY;
      await feed('b', [record('CVE-2099-0002', 'beta', '2025-02-01T00:00:00Z')]);
      expect(await rematchFromImportLog(ctx(), vulndb)).toMatchObject({ mode: 'keys', created: 1 });
      expect(await open()).toEqual({
        [D_CONT]: ['CVE-2099-0001', 'CVE-2099-0002'],
        [D_PUSH]: ['CVE-2099-0001'],
      });

      // A pull moves the last pull date (shown with the image) but, without pull-date mode, not the window.
      const reg = await registryRow(
        db.kysely,
        ACCOUNT,
        (await db.kysely.selectFrom('registries').select('id').executeTakeFirstOrThrow()).id,
      );
      const pulledAt = new Date(T0 + 2 * DAY).toISOString();
      expect(
        await applyRegistryEvents(ctx(), reg, [
          { action: 'pull', repository: 'cont/app', digest: D_CONT, at: pulledAt },
        ]),
      ).toMatchObject({ pulls: 1 });
      const res = await db.kysely
        .selectFrom('resources')
        .select('details_json')
        .where('id', '=', D_CONT)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(res.details_json)).toMatchObject({
        lastPulledAt: pulledAt,
        imageTags: ['latest', 'v1'],
      });

      // 14 days after the last push: the sweep turns it INACTIVE and closes its findings.
      clock = T0 + 120_000 + 14 * DAY - 1000;
      expect(await expireLapsedImages(ctx())).toBe(0);
      clock = T0 + 120_000 + 14 * DAY + 1000;
      expect(await expireLapsedImages(ctx())).toBe(1);
      expect(await expireLapsedImages(ctx())).toBe(0);
      expect(await coverage()).toMatchObject({
        [D_CONT]: { status: 'INACTIVE', reason: 'SCAN_ELIGIBILITY_EXPIRED' },
      });
      expect(await open()).toEqual({ [D_PUSH]: ['CVE-2099-0001'] });
      await feed('c', [record('CVE-2099-0003', 'gamma', '2025-03-01T00:00:00Z')]);
      expect(await rematchFromImportLog(ctx(), vulndb)).toMatchObject({ rematched: 0, created: 0 });
      expect(await open()).toEqual({ [D_PUSH]: ['CVE-2099-0001'] });

      // Pull-date mode: a pull within 30 days brings it back into its window (and its re-matching).
      const widened = await updateImageScanning(ctx(), ACCOUNT, {
        rules: [
          { repositoryFilter: 'cont/*', filterType: 'WILDCARD', scanFrequency: 'CONTINUOUS_SCAN' },
          { repositoryFilter: 'push/*', filterType: 'WILDCARD', scanFrequency: 'SCAN_ON_PUSH' },
        ],
        rescanDuration: 'DAYS_14',
        pullDateRescanMode: 'LAST_PULL_DATE',
        pullDateRescanDuration: 'DAYS_30',
      });
      expect(widened.imagesReevaluated).toBe(3);
      expect(await coverage()).toMatchObject({ [D_CONT]: { status: 'ACTIVE', reason: 'SUCCESSFUL' } });
    });

    it('changed rules re-evaluate every image; a delete terminates one; a failed scan says why', async () => {
      const reg = await registryRow(
        db.kysely,
        ACCOUNT,
        (await db.kysely.selectFrom('registries').select('id').executeTakeFirstOrThrow()).id,
      );
      const change = await updateImageScanning(ctx(), ACCOUNT, {
        rules: [{ repositoryFilter: '*', filterType: 'WILDCARD', scanFrequency: 'SCAN_ON_PUSH' }],
        rescanDuration: 'DAYS_90',
      });
      // other/app is now included and was never scanned: queued.
      expect(change).toMatchObject({ imagesReevaluated: 3, scansQueued: 1 });
      const [queued] = await queuedScans();
      expect(queued?.digest).toBe(D_OTHER);
      await recordWatchedFailure(
        ctx(),
        ACCOUNT,
        { registryId: reg.id, digest: D_OTHER },
        new RegistryAuthError('refused (401)'),
      );
      const deleted = await applyRegistryEvents(ctx(), reg, [
        { action: 'delete', repository: 'push/app', digest: D_PUSH, at: new Date(clock).toISOString() },
      ]);
      expect(deleted).toMatchObject({ deleted: 1 });
      expect(await coverage()).toMatchObject({
        [D_CONT]: { status: 'INACTIVE', reason: 'SCAN_FREQUENCY_SCAN_ON_PUSH' },
        [D_PUSH]: { status: 'INACTIVE', reason: 'RESOURCE_TERMINATED' },
        [D_OTHER]: {
          status: 'INACTIVE',
          reason: 'ACCESS_DENIED',
          message: expect.stringContaining('REGISTRY_AUTH_FAILED') as unknown,
        },
      });
      expect(await open()).toEqual({});
    });

    it('a tag pushed onto a new digest leaves the old image, which stays; a late older event moves nothing back', async () => {
      const reg = await registryRow(
        db.kysely,
        ACCOUNT,
        (await db.kysely.selectFrom('registries').select('id').executeTakeFirstOrThrow()).id,
      );
      const [d1, d2] = ['e', 'f'].map((c) => `sha256:${c.repeat(64)}`) as [string, string];
      const tagsOf = async (d: string): Promise<string[]> =>
        JSON.parse((await registryImage(db.kysely, ACCOUNT, d))?.tags_json ?? 'null') as string[];
      await applyRegistryEvents(ctx(), reg, [push('cont/moving', d1, 'stable', T0 + 1000)]);
      await applyRegistryEvents(ctx(), reg, [push('cont/moving', d1, 'v1', T0 + 1000)]);
      await applyRegistryEvents(ctx(), reg, [push('cont/moving', d2, 'stable', T0 + 3000)]);
      expect(await tagsOf(d1)).toEqual(['v1']);
      expect(await tagsOf(d2)).toEqual(['stable']);
      expect((await registryImage(db.kysely, ACCOUNT, d1))?.deleted_at).toBeNull();
      await applyRegistryEvents(ctx(), reg, [push('cont/moving', d1, 'stable', T0 + 2000)]);
      expect(await tagsOf(d2)).toEqual(['stable']);
      expect(await tagsOf(d1)).toEqual(['v1']);
    });
  },
);

describe('notification bodies', () => {
  it('reads distribution envelopes and Harbor webhooks; refuses anything else', () => {
    const at = new Date(T0);
    expect(() => parseRegistryEvents({ hello: 1 }, at)).toThrow(
      expect.objectContaining({ code: 'REGISTRY_EVENT_INVALID' }) as Error,
    );
    expect(() => parseRegistryEvents([], at)).toThrow(
      expect.objectContaining({ code: 'REGISTRY_EVENT_INVALID' }) as Error,
    );
    const parsed = parseRegistryEvents(
      {
        events: [
          {
            action: 'push',
            timestamp: '2026-06-01T00:00:00Z',
            target: { mediaType: 'application/octet-stream', digest: D_CONT, repository: 'a/b' },
          },
          {
            action: 'push',
            target: {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: 'sha256:short',
              repository: 'a/b',
            },
          },
          { action: 'mount', target: {} },
          {
            action: 'pull',
            target: {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: D_CONT,
              repository: 'a/b',
            },
            request: { useragent: 'vigil-scanner/1' },
          },
          {
            action: 'push',
            target: {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: D_CONT,
              repository: 'a/b',
              tag: 'v1',
            },
          },
        ],
      },
      at,
    );
    expect(parsed.events).toEqual([push('a/b', D_CONT, 'v1', T0)]);
    expect(parsed.ignored.map((i) => i.index)).toEqual([0, 1, 2, 3]);
  });
});
