import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceContext } from '../../src/jobs/service-context.js';
import { applyRematch } from '../../src/scan/scan-apply.js';
import { listFindingAggregationsOperation } from '../../src/server/inspector2/aggregation-operations.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { tarBytes, writeOciLayout } from '../image/fixtures/oci-layout-writer.js';
import { push, startRegistry, type RunningRegistry } from '../image/fixtures/registry-server.js';
import { openMatchingDb } from '../matching/fixtures/matching-db.js';
import { call, LOOPBACK_EGRESS, seedAndListen, type Seeded } from '../server/api-server.js';
import { BACKENDS } from '../server/service-db-backends.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';

/**
 * Images built FROM another image, pushed with skopeo to Debian's docker-registry and scanned by a real
 * vigil server on each backend: findings whose package lies in the base's layers name the base and say
 * to rebuild on a newer one, findings of the top layer do not; the IMAGE_LAYER aggregation equals the
 * counts of the findings list; an image of Debian sid (no vulnerability data) is UNSUPPORTED_OS with
 * its npm package still matched.
 */
const A = '/v1/accounts/acct-a';
let tmp: string;
let vulns: VulnDb;
let reg: RunningRegistry;
const layouts: Record<string, string> = {};
const cacheBefore = process.env['VIGIL_CACHE_DIR'];

const lodash = (version: string): Promise<Buffer> =>
  tarBytes([
    {
      name: 'usr/lib/node_modules/lodash/package.json',
      body: JSON.stringify({ name: 'lodash', version }),
    },
  ]);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-base-layers-'));
  process.env['VIGIL_CACHE_DIR'] = join(tmp, 'cache');
  vulns = await openMatchingDb();
  const root = await debianRootfs({ suite: 'bookworm' });
  // glibc set back to bookworm's first version, so the base layer has findings.
  const status = readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8').replace(
    /^(Package: (?:libc6|libc-bin)\n(?:(?!\n\n)[\s\S])*?^Version: ).+$/gm,
    '$12.36-9',
  );
  const osRelease = readFileSync(join(root, 'usr/lib/os-release'), 'utf8');
  const os = await tarBytes([
    { name: 'etc/os-release', body: osRelease },
    { name: 'var/lib/dpkg/status', body: status },
  ]);
  const sidRelease =
    'PRETTY_NAME="Debian GNU/Linux sid"\nNAME="Debian GNU/Linux"\nID=debian\nVERSION_CODENAME=sid\n';
  const sid = await tarBytes([
    { name: 'etc/os-release', body: sidRelease },
    { name: 'var/lib/dpkg/status', body: status },
  ]);
  const app = await lodash('4.17.15');
  layouts['base'] = writeOciLayout(join(tmp, 'base'), [{ tar: os }], 'v1').dir;
  layouts['app'] = writeOciLayout(join(tmp, 'app'), [{ tar: os }, { tar: app }], 'v1').dir;
  layouts['sid'] = writeOciLayout(join(tmp, 'sid'), [{ tar: sid }, { tar: app }], 'v1').dir;
  reg = await startRegistry('none');
  await push(layouts['base'], 'v1', reg, 'team/base:bookworm');
  await push(layouts['app'], 'v1', reg, 'team/app:1.0');
  await push(layouts['sid'], 'v1', reg, 'team/sid:1.0');
}, 600_000);

afterAll(async () => {
  await reg?.stop();
  await vulns?.close();
  rmSync(tmp, { recursive: true, force: true });
  if (cacheBefore === undefined) delete process.env['VIGIL_CACHE_DIR'];
  else process.env['VIGIL_CACHE_DIR'] = cacheBefore;
});

interface Agg {
  key?: Record<string, string>;
  severityCounts: { all: number };
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'base images and layers (%s)',
  (_n, make) => {
    const backend = make();
    let db: ServiceDb;
    let s: Seeded;
    let server: FastifyInstance;
    let base: string;

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 0);
      await s.app.close();
      server = await buildServer({ db, store: vulns.store, background: false, config: LOOPBACK_EGRESS });
      base = await server.listen({ port: 0, host: '127.0.0.1' });
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await db?.close();
      await backend.teardown();
    });

    const scan = async (reference: string): Promise<string> => {
      const r = await call(base, s.keys.adminA, 'POST', `${A}/image-scans`, { reference, insecure: true });
      expect(r.status).toBe(202);
      const id = (r.json as { scanId: string }).scanId;
      await server.vigil.tasks.find((t) => t.name === 'scan-worker')!.runOnce();
      const done = await call(base, s.keys.adminA, 'GET', `${A}/scans/${id}`);
      expect(done.json).toMatchObject({ status: 'SUCCEEDED' });
      return (done.json as { resourceId: string }).resourceId;
    };
    const findingsOf = async (digest: string): Promise<Finding[]> => {
      const filter = encodeURIComponent(
        JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: digest }] }),
      );
      const out: Finding[] = [];
      let token: string | undefined;
      do {
        const q = `/v1/findings?filter=${filter}&maxResults=100${token ? `&nextToken=${token}` : ''}`;
        const r = (await call(base, s.keys.readOnlyA, 'GET', q)).json as {
          findings: Finding[];
          nextToken?: string;
        };
        out.push(...r.findings);
        token = r.nextToken;
      } while (token);
      return out;
    };

    it('findings of the base layers name the base image and say rebuild; the top layer’s do not', async () => {
      const baseDigest = await scan(`${reg.host}/team/base:bookworm`);
      const appDigest = await scan(`${reg.host}/team/app:1.0`);
      const findings = await findingsOf(appDigest);
      const osLayer = (await findingsOf(baseDigest))[0]?.packageVulnerabilityDetails?.vulnerablePackages[0]
        ?.layerDigest;
      expect(osLayer).toMatch(/^sha256:/);
      const fromBase = findings.filter(
        (f) => f.packageVulnerabilityDetails?.vulnerablePackages[0]?.layerDigest === osLayer,
      );
      const top = findings.filter(
        (f) => f.packageVulnerabilityDetails?.vulnerablePackages[0]?.layerDigest !== osLayer,
      );
      expect(fromBase.length).toBeGreaterThan(5);
      expect(top.length).toBeGreaterThan(0);
      expect(top.every((f) => f.packageVulnerabilityDetails?.vulnerablePackages[0]?.name === 'lodash')).toBe(
        true,
      );
      const ref = { repositoryName: `${reg.host}/team/base`, imageTags: ['bookworm'], imageHash: baseDigest };
      for (const f of fromBase) {
        expect(f.packageVulnerabilityDetails?.baseImage).toEqual(ref);
        expect(f.remediation.recommendation.text).toContain(
          `base image ${reg.host}/team/base:bookworm@${baseDigest}: rebuild the image on a newer base image`,
        );
      }
      for (const f of top) {
        expect(f.packageVulnerabilityDetails?.baseImage).toBeUndefined();
        expect(f.remediation.recommendation.text).not.toContain('base image');
      }
      // The base itself has no base (its layers are no strict prefix of its own).
      expect((await findingsOf(baseDigest)).some((f) => f.packageVulnerabilityDetails?.baseImage)).toBe(
        false,
      );
    }, 180_000);

    it('a re-match keeps the hint: the same findings without it change nothing', async () => {
      const app = await call(
        base,
        s.keys.readOnlyA,
        'GET',
        `/v1/findings?maxResults=1&filter=${encodeURIComponent(
          JSON.stringify({ repositoryName: [{ comparison: 'EQUALS', value: `${reg.host}/team/app` }] }),
        )}`,
      );
      const resourceId = (app.json as { findings: Finding[] }).findings[0]?.resources[0]?.id ?? '';
      const rows = await db.kysely
        .selectFrom('findings')
        .select(['last_observed_at', findingJson(), 'identity_key'])
        .where('account_id', '=', 'acct-a')
        .where('resource_id', '=', resourceId)
        .execute();
      // A matched finding's id is its identity within the resource (the stored id is derived from it).
      const stored = rows.map((r) => ({ ...findingOfRow(r), id: r.identity_key }));
      // What the worker's matching gives back: the findings as matched, before any hint.
      const matched = stored.map((f): Finding => {
        const d = f.packageVulnerabilityDetails;
        if (!d?.baseImage) return f;
        const { baseImage: _b, ...rest } = d;
        const text = f.remediation.recommendation.text.replace(
          / The package comes from the base image .*$/,
          '',
        );
        return { ...f, packageVulnerabilityDetails: rest, remediation: { recommendation: { text } } };
      });
      expect(matched.filter((f) => f.packageVulnerabilityDetails?.baseImage).length).toBe(0);
      const inv = await db.kysely
        .selectFrom('inventories')
        .select('updated_at')
        .where('account_id', '=', 'acct-a')
        .where('resource_id', '=', resourceId)
        .executeTakeFirstOrThrow();
      const changes = await applyRematch(db.kysely, db.dialect, {
        accountId: 'acct-a',
        resourceId,
        inventoryUpdatedAt: inv.updated_at,
        findings: matched,
        now: new Date(),
      });
      expect(changes?.updated).toEqual([]);
      expect(changes?.closed).toEqual([]);
      expect(changes?.created).toEqual([]);
      const after = await findingsOf(resourceId);
      expect(after.filter((f) => f.packageVulnerabilityDetails?.baseImage).length).toBe(
        stored.filter((f) => f.packageVulnerabilityDetails?.baseImage).length,
      );
    }, 60_000);

    it('IMAGE_LAYER counts equal the findings list, on /v1 and Inspector2', async () => {
      const r = await call(
        base,
        s.keys.readOnlyA,
        'GET',
        '/v1/findings/aggregations?groupBy=IMAGE_LAYER&maxResults=500',
      );
      expect(r.status).toBe(200);
      const groups = (r.json as { groups: Agg[] }).groups;
      const got = Object.fromEntries(
        groups.map((g) => [
          `${g.key?.['resourceId']} ${g.key?.['layerDigest']} ${g.key?.['repositoryName']}`,
          g,
        ]),
      );
      const expected: Record<string, number> = {};
      for (const digest of new Set(groups.map((g) => g.key?.['resourceId'] ?? ''))) {
        for (const f of await findingsOf(digest)) {
          if (f.status !== 'ACTIVE') continue;
          const layer = f.packageVulnerabilityDetails?.vulnerablePackages[0]?.layerDigest;
          const k = `${digest} ${layer} ${String(f.resources[0]?.details['repositoryName'])}`;
          expected[k] = (expected[k] ?? 0) + 1;
        }
      }
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(3);
      expect(Object.fromEntries(Object.entries(got).map(([k, g]) => [k, g.severityCounts.all]))).toEqual(
        expected,
      );
      // Inspector2's ListFindingAggregations (the operation as its route runs it) answers the same groups.
      const aws = await listFindingAggregationsOperation.run({
        ctx: { db: db.kysely } as unknown as ServiceContext,
        principal: { keyId: 'k', role: 'member', accountId: 'acct-a', visibleAccountIds: ['acct-a'] },
        region: 'us-east-1',
        input: { aggregationType: 'IMAGE_LAYER', maxResults: 100 },
        baseUrl: base,
      });
      const layers = (
        aws['responses'] as Array<{
          imageLayerAggregation: {
            resourceId: string;
            layerHash: string;
            repository: string;
            severityCounts: { all: number };
          };
        }>
      ).map((x) => x.imageLayerAggregation);
      expect(
        Object.fromEntries(
          layers.map((l) => [`${l.resourceId} ${l.layerHash} ${l.repository}`, l.severityCounts.all]),
        ),
      ).toEqual(expected);
    }, 120_000);

    it('an image of Debian sid is UNSUPPORTED_OS with its npm package still matched', async () => {
      const digest = await scan(`${reg.host}/team/sid:1.0`);
      const filter = encodeURIComponent(
        JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: digest }] }),
      );
      const cov = (await call(base, s.keys.readOnlyA, 'GET', `/v1/coverage?filter=${filter}`)).json as {
        coveredResources: Array<{ scanStatus: { statusCode: string; reason: string; message?: string } }>;
      };
      expect(cov.coveredResources[0]?.scanStatus).toMatchObject({ reason: 'UNSUPPORTED_OS' });
      expect(cov.coveredResources[0]?.scanStatus.message).toMatch(/its 1 language packages were matched$/);
      const findings = await findingsOf(digest);
      expect(findings.length).toBeGreaterThan(0);
      expect(
        new Set(findings.map((f) => f.packageVulnerabilityDetails?.vulnerablePackages[0]?.name)),
      ).toEqual(new Set(['lodash']));
    }, 120_000);
  },
);
