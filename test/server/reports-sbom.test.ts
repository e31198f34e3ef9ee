import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import { cyclonedxJsonWriter } from '../../src/reports/formats/sbom/cyclonedx-json-writer.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { cyclonedxErrors, spdx23Errors } from '../cli/sbom-checks.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { finishedReport, queueReport, reportServer, type ReportServer } from './reports-client.js';
import { BACKENDS } from './service-db-backends.js';

type Json = Record<string, unknown>;
interface SbomDoc {
  reportId: string;
  format: string;
  resources: Array<{ accountId: string; resourceId: string; resourceType: string | null; sbom: Json }>;
  skipped: Array<{ accountId: string; resourceId: string; reason: string }>;
}

const sample = JSON.parse(
  readFileSync(
    new URL('../../src/reports/formats/sbom/testdata/sample-inventory.json', import.meta.url),
    'utf8',
  ),
) as Inventory;
const samplePurls = sample.packages.map((p) => p.purl).sort();
/** What a resource's SBOM must list: the CycloneDX reader merges the two jars sharing one purl. */
const expectedPurls: Record<string, string[]> = {
  'host-a1': samplePurls,
  'web-a2': [...new Set(samplePurls)],
  'host-b1': samplePurls,
};

const cdxPurls = (bom: Json): string[] =>
  (bom['components'] as Json[])
    .filter((c) => c['type'] === 'library')
    .map((c) => String(c['purl']))
    .sort();
const spdxPurls = (doc: Json): string[] =>
  (doc['packages'] as Json[])
    .flatMap((p) => (p['externalRefs'] as Json[] | undefined) ?? [])
    .filter((r) => r['referenceCategory'] === 'PACKAGE-MANAGER')
    .map((r) => String(r['referenceLocator']))
    .sort();
const where = (d: SbomDoc): string[] => d.resources.map((r) => `${r.accountId}/${r.resourceId}`);

describe.each(BACKENDS.map((make) => [make().name, make] as const))('SBOM export on %s', (_n, make) => {
  const backend = make();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sbom-report-'));
  let db: ServiceDb;
  let vulns: VulnDb;
  let seeded: Seeded;
  let s: ReportServer;

  const sbomReport = async (key: string, body: unknown): Promise<SbomDoc> => {
    const id = await queueReport(s.base, key, '/v1/reports/sbom', body);
    const d = await finishedReport(s, key, id);
    expect(d.contentType).toBe('application/json; charset=utf-8');
    const doc = JSON.parse(d.text) as SbomDoc;
    expect(doc.reportId).toBe(id);
    return doc;
  };

  beforeAll(async () => {
    await backend.setup();
    db = (await backend.fresh()).db;
    vulns = await openVulnDb(join(dir, 'vulndb.sqlite'));
    await vulns.import(await batchesForPaths([new URL('testdata/osv', import.meta.url).pathname], 'osv'));
    seeded = await seedAndListen(db, 0);
    await seeded.app.close();
    s = await reportServer(db, vulns.store);
    // Inventories arrive the way agents send them: vigil JSON, and a CycloneDX SBOM.
    const submit = async (key: string, account: string, resource: string, body: unknown): Promise<void> => {
      const path = `/v1/accounts/${account}/resources/${resource}/inventory`;
      expect((await call(s.base, key, 'POST', path, body)).status).toBe(200);
    };
    const cdx = JSON.parse(
      cyclonedxJsonWriter.write(sample, { toolName: 'agent', toolVersion: '1' }),
    ) as Json;
    await submit(seeded.keys.memberA, 'acct-a', 'host-a1', sample);
    await submit(seeded.keys.memberA, 'acct-a', 'web-a2', cdx);
    await submit(seeded.keys.memberA, 'acct-a', 'gone-a3', sample);
    await submit(seeded.keys.memberB, 'acct-b', 'host-b1', sample);
    const del = await call(s.base, seeded.keys.adminA, 'DELETE', '/v1/accounts/acct-a/resources/gone-a3');
    expect(del.status).toBeLessThan(300);
    // A row no route writes (a damaged inventory): the export must name it, not fail or drop it silently.
    await db.kysely
      .insertInto('inventories')
      .values({
        account_id: 'acct-a',
        resource_id: 'corrupt-a4',
        inventory_json: '{"packages":',
        updated_at: '',
      })
      .execute();
  }, 120_000);
  afterAll(async () => {
    await s.app.close();
    await db.close();
    await vulns.close();
    await backend.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CycloneDX 1.5: one schema-valid document per live resource of the key’s account', async () => {
    const doc = await sbomReport(seeded.keys.memberA, { format: 'CYCLONEDX_1_5' });
    expect(doc.format).toBe('CYCLONEDX_1_5');
    expect(where(doc)).toEqual(['acct-a/host-a1', 'acct-a/web-a2']);
    expect(doc.resources.map((r) => r.resourceType)).toEqual(['HOST', 'HOST']);
    for (const r of doc.resources) {
      expect(await cyclonedxErrors(JSON.stringify(r.sbom))).toBeNull();
      expect(r.sbom['specVersion']).toBe('1.5');
      expect(cdxPurls(r.sbom)).toEqual(expectedPurls[r.resourceId]);
    }
    expect(doc.skipped).toEqual([
      { accountId: 'acct-a', resourceId: 'corrupt-a4', reason: 'INVENTORY_UNREADABLE' },
    ]);
  });

  it('SPDX 2.3 for the resources a filter names, passing the structural checks', async () => {
    const resourceFilter = { resourceId: [{ comparison: 'EQUALS', value: 'web-a2' }] };
    const doc = await sbomReport(seeded.keys.memberA, { format: 'SPDX_2_3', resourceFilter });
    expect(where(doc)).toEqual(['acct-a/web-a2']);
    const spdx = doc.resources[0]!.sbom;
    expect(spdx23Errors(spdx)).toEqual([]);
    expect(spdxPurls(spdx)).toEqual(expectedPurls['web-a2']);
    const status = await call(s.base, seeded.keys.memberA, 'GET', `/v1/reports/${doc.reportId}`);
    expect(status.json).toMatchObject({ kind: 'SBOM', format: 'SPDX_2_3', resourceFilter });
  });

  it('a delegated admin exports every member account; accountId and resourceType filters narrow it', async () => {
    const key = seeded.keys.orgAdmin;
    const all = await sbomReport(key, { format: 'SPDX_2_3' });
    expect(where(all)).toEqual(['acct-a/host-a1', 'acct-a/web-a2', 'acct-b/host-b1']);
    for (const r of all.resources) {
      expect(spdx23Errors(r.sbom)).toEqual([]);
      expect(spdxPurls(r.sbom)).toEqual(expectedPurls[r.resourceId]);
    }
    const b = await sbomReport(key, {
      format: 'CYCLONEDX_1_5',
      resourceFilter: { accountId: [{ comparison: 'PREFIX', value: 'acct-b' }] },
    });
    expect(where(b)).toEqual(['acct-b/host-b1']);
    const images = await sbomReport(key, {
      format: 'CYCLONEDX_1_5',
      resourceFilter: { resourceType: [{ comparison: 'EQUALS', value: 'CONTAINER_IMAGE' }] },
    });
    expect(images.resources).toEqual([]);
  });

  it('resourceTags filters read the tags the resource has now', async () => {
    const key = seeded.keys.memberA;
    const patch = await call(s.base, seeded.keys.adminA, 'PATCH', '/v1/accounts/acct-a/resources/web-a2', {
      tags: { env: 'prod' },
    });
    expect(patch.status).toBe(200);
    const prod = await sbomReport(key, {
      format: 'CYCLONEDX_1_5',
      resourceFilter: { resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'prod' }] },
    });
    expect(where(prod)).toEqual(['acct-a/web-a2']);
    const dev = await sbomReport(key, {
      format: 'CYCLONEDX_1_5',
      resourceFilter: { resourceTags: [{ comparison: 'EQUALS', key: 'env', value: 'dev' }] },
    });
    expect(dev.resources).toEqual([]);
  });

  it('another account’s keys get 404; malformed filters and formats get 400', async () => {
    const id = await queueReport(s.base, seeded.keys.memberB, '/v1/reports/sbom', { format: 'SPDX_2_3' });
    await s.runWorker();
    expect((await call(s.base, seeded.keys.memberA, 'GET', `/v1/reports/${id}`)).status).toBe(404);
    expect((await call(s.base, seeded.keys.adminB, 'GET', `/v1/reports/${id}`)).status).toBe(200);
    for (const body of [
      { format: 'SPDX_2_2' },
      { format: 'SPDX_2_3', resourceFilter: { resourceID: [{ comparison: 'EQUALS', value: 'x' }] } },
      { format: 'SPDX_2_3', resourceFilter: { severity: [{ comparison: 'EQUALS', value: 'HIGH' }] } },
      { format: 'SPDX_2_3', resourceFilter: { resourceId: [{ comparison: 'LIKE', value: 'x' }] } },
    ]) {
      const r = await call(s.base, seeded.keys.memberA, 'POST', '/v1/reports/sbom', body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
    }
  });
});
