import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData } from '../fixtures/shared-data.js';
import type { Inventory } from '../../src/core/inventory.js';
import { cyclonedxJsonWriter } from '../../src/reports/formats/sbom/cyclonedx-json-writer.js';
import { isSupportedPurlType, packageFromPurl } from '../../src/catalog/sbom-input/purl-package.js';
import { readSbomInventory } from '../../src/catalog/sbom-input/sbom-inventory.js';

type Json = Record<string, unknown>;
const tmp = mkdtempSync(join(tmpdir(), 'vigil-sbom-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function examples(dir: string): string[] {
  return readdirSync(sharedData('examples', dir))
    .filter(
      (f) => f.endsWith('.json') && readFileSync(sharedData('examples', dir, f), 'utf8').includes('"pkg:'),
    )
    .map((f) => sharedData('examples', dir, f));
}

function supported(purl: unknown): purl is string {
  if (typeof purl !== 'string') return false;
  try {
    const p = PackageURL.fromString(purl);
    return isSupportedPurlType(p.type) && Boolean(p.version);
  } catch {
    return false;
  }
}

/** Independent of the readers: unique supported purls by a plain walk of the JSON. */
function cyclonedxPurls(doc: Json): Set<string> {
  const found = new Set<string>();
  const walk = (list: unknown): void => {
    for (const c of (Array.isArray(list) ? list : []) as Json[]) {
      if (c['type'] !== 'operating-system' && supported(c['purl'])) found.add(c['purl']);
      walk(c['components']);
    }
  };
  walk(doc['components']);
  return found;
}

function spdxPurls(doc: Json): Set<string> {
  const found = new Set<string>();
  for (const p of (doc['packages'] ?? []) as Json[])
    for (const r of (p['externalRefs'] ?? []) as Json[])
      if (r['referenceType'] === 'purl' && supported(r['referenceLocator'])) found.add(r['referenceLocator']);
  return found;
}

describe('readSbomInventory on the shared examples', () => {
  const cdx = examples('cyclonedx');
  const spdx = examples('spdx').filter((f) => !f.includes('spdx3'));

  it('finds CycloneDX and SPDX examples with purls', () => {
    expect(cdx.length).toBeGreaterThanOrEqual(4);
    expect(spdx.length).toBeGreaterThanOrEqual(1);
  });

  it.each(cdx)('CycloneDX %s: one package per supported purl', async (file) => {
    const expected = cyclonedxPurls(JSON.parse(readFileSync(file, 'utf8')) as Json);
    const inv = await readSbomInventory(file);
    expect(inv.source).toEqual({ type: 'sbom', target: file });
    expect(inv.packages.length).toBe(expected.size);
    expect(inv.packages.length).toBeGreaterThan(0);
    expect(new Set(inv.packages.map((p) => p.purl))).toEqual(expected);
    expect(new Set(inv.packages.map((p) => p.id)).size).toBe(inv.packages.length);
    for (const p of inv.packages) {
      expect(p).toMatchObject({ foundBy: 'sbom-cyclonedx', scope: 'declared', filePath: file });
    }
  });

  it.each(spdx)('SPDX %s: one package per supported purl', async (file) => {
    const expected = spdxPurls(JSON.parse(readFileSync(file, 'utf8')) as Json);
    const inv = await readSbomInventory(file);
    expect(inv.packages.length).toBe(expected.size);
    expect(new Set(inv.packages.map((p) => p.purl))).toEqual(expected);
    for (const p of inv.packages) expect(p.foundBy).toBe('sbom-spdx');
  });

  it('names packages by vigil conventions (maven group:artifact, npm scope/name)', async () => {
    const dropwizard = await readSbomInventory(cdx.find((f) => f.includes('dropwizard')) as string);
    const maven = dropwizard.packages.filter((p) => p.ecosystem === 'maven');
    expect(maven.length).toBeGreaterThan(0);
    for (const p of maven) expect(p.name).toMatch(/^[^:]+:[^:]+$/);
    const juice = await readSbomInventory(cdx.find((f) => f.includes('juice-shop')) as string);
    expect(juice.packages.some((p) => p.ecosystem === 'npm' && /^@[^/]+\/[^/]+$/.test(p.name))).toBe(true);
  });

  it('rejects SPDX 3 JSON-LD with SBOM_INVALID', async () => {
    const spdx3 = examples('spdx').find((f) => f.includes('spdx3'));
    if (spdx3) await expect(readSbomInventory(spdx3)).rejects.toMatchObject({ code: 'SBOM_INVALID' });
  });
});

describe('round trip through vigil’s own CycloneDX writer', () => {
  const inventory = JSON.parse(
    readFileSync(
      new URL('../../src/reports/formats/sbom/testdata/sample-inventory.json', import.meta.url),
      'utf8',
    ),
  ) as Inventory;

  it('reads back the same purls, names, versions, sources and OS', async () => {
    const file = join(tmp, 'vigil.cdx.json');
    writeFileSync(file, cyclonedxJsonWriter.write(inventory, { toolName: 'vigil', toolVersion: '0.1.0' }));
    const back = await readSbomInventory(file);
    const key = (p: { purl: string; name: string; version: string; ecosystem: string }): string =>
      `${p.purl} ${p.ecosystem} ${p.name} ${p.version}`;
    expect([...new Set(back.packages.map(key))].sort()).toEqual(
      [...new Set(inventory.packages.map(key))].sort(),
    );
    const libssl = back.packages.find((p) => p.name === 'libssl3');
    expect(libssl).toMatchObject({ sourceName: 'openssl', sourceVersion: '3.0.15-1~deb12u1', arch: 'amd64' });
    expect(back.os).toMatchObject({ id: 'debian', versionId: '12', release: '12' });
  });
});

describe('purl → package', () => {
  it('takes the OS from the distro qualifier and normalizes PyPI names', () => {
    const deb = packageFromPurl('pkg:deb/debian/curl@7.88.1-10?distro=debian-12', '/x', 'sbom-spdx');
    expect(deb).toMatchObject({ ok: true, os: { id: 'debian', versionId: '12', release: '12' } });
    const py = packageFromPurl('pkg:pypi/PyYAML@6.0', '/x', 'sbom-spdx');
    expect(py).toMatchObject({ ok: true, pkg: { name: 'pyyaml', ecosystem: 'pypi' } });
  });

  it('counts other purl types as unsupported unknowns', () => {
    expect(packageFromPurl('pkg:github/actions/checkout@v4', '/x', 'sbom-spdx')).toMatchObject({
      ok: false,
      reason: 'unsupported',
    });
  });
});

describe('invalid input', () => {
  it.each([
    ['malformed JSON', '{"bomFormat": "CycloneDX", '],
    ['unknown format', '{"hello": "world"}'],
    ['old CycloneDX', '{"bomFormat": "CycloneDX", "specVersion": "1.1"}'],
  ])('%s → SBOM_INVALID', async (name, text) => {
    const file = join(tmp, `${name.replace(/ /g, '-')}.json`);
    writeFileSync(file, text);
    await expect(readSbomInventory(file)).rejects.toMatchObject({ code: 'SBOM_INVALID' });
  });

  it('missing and oversized files → SBOM_INVALID', async () => {
    await expect(readSbomInventory(join(tmp, 'nope.json'))).rejects.toMatchObject({ code: 'SBOM_INVALID' });
    const file = join(tmp, 'big.json');
    writeFileSync(file, '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}');
    await expect(readSbomInventory(file, 10)).rejects.toMatchObject({ code: 'SBOM_INVALID' });
  });
});
