import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../../test/fixtures/shared-data.js';
import { cyclonedxErrors, spdx23Errors } from '../../../../test/cli/sbom-checks.js';
import { UsageError } from '../../../core/errors/usage-error.js';
import type { Inventory } from '../../../core/inventory.js';
import { cyclonedxJsonWriter } from './cyclonedx-json-writer.js';
import { inventoryJsonWriter } from './inventory-json-writer.js';
import { SBOM_FORMATS, sbomFormat } from './sbom-formats.js';
import { spdxJsonWriter } from './spdx-json-writer.js';
import { TABLE_WIDTH, tableWriter } from './table-writer.js';

const inventory = JSON.parse(
  readFileSync(new URL('testdata/sample-inventory.json', import.meta.url), 'utf8'),
) as Inventory;
const ctx = { toolName: 'vigil', toolVersion: '0.1.0' };
const purls = inventory.packages.map((p) => p.purl).sort();

type Json = Record<string, unknown>;
const props = (c: Json): Record<string, string> =>
  Object.fromEntries(
    ((c['properties'] ?? []) as { name: string; value: string }[]).map((p) => [p.name, p.value]),
  );

describe('cyclonedx-json', () => {
  const text = cyclonedxJsonWriter.write(inventory, ctx);
  const bom = JSON.parse(text) as Json;
  const components = bom['components'] as Json[];

  it('validates against the CycloneDX 1.5 JSON schema (strict)', async () => {
    expect(await cyclonedxErrors(text)).toBeNull();
    expect(bom['specVersion']).toBe('1.5');
  });

  it('lists every package as a library with its purl, and the OS as operating-system', () => {
    const libs = components.filter((c) => c['type'] === 'library');
    expect(libs.map((c) => c['purl']).sort()).toEqual(purls);
    expect(new Set(libs.map((c) => c['bom-ref'])).size).toBe(inventory.packages.length);
    const os = components.filter((c) => c['type'] === 'operating-system');
    expect(os).toMatchObject([
      { name: 'debian', version: '12', description: 'Debian GNU/Linux 12 (bookworm)' },
    ]);
    expect((bom['metadata'] as Json)['component']).toMatchObject({ type: 'file', name: '/srv/rootfs' });
  });

  it('keeps provenance, source package and OS ownership as properties', () => {
    const yaml = components.find((c) => c['name'] === 'pyyaml') as Json;
    expect(props(yaml)).toMatchObject({
      'vigil:package:foundBy': 'python-installed',
      'vigil:package:filePath': '/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA',
      'vigil:package:osManagedBy': 'python3-yaml@6.0-3+b2',
    });
    const ssl = components.find((c) => c['name'] === 'libssl3') as Json;
    expect(props(ssl)['vigil:package:sourceName']).toBe('openssl');
    const babel = components.find((c) => String(c['name']).startsWith('@babel')) as Json;
    expect(props(babel)['vigil:package:layerDigest']).toMatch(/^sha256:/);
    const unknowns = ((bom['metadata'] as Json)['properties'] as { name: string; value: string }[]).filter(
      (p) => p.name === 'vigil:unknown',
    );
    expect(unknowns.map((u) => u.value.split(' ')[0])).toEqual(['parse-error', 'symlink-escape']);
  });
});

describe('cyclonedx-json in chunks', () => {
  const fixed = { ...ctx, documentId: '00000000-0000-4000-8000-000000000001' };
  /** The sample's packages many times over, with distinct ids: several chunks of each list. */
  function scaled(copies: number): Inventory {
    const packages = Array.from({ length: copies }, (_, i) =>
      inventory.packages.map((p) => ({ ...p, id: `${p.id}-${i}`, version: `${p.version}.${i}` })),
    ).flat();
    return { ...inventory, packages };
  }
  function withoutPackagesOrOs(): Inventory {
    const { os: _os, ...rest } = inventory;
    return { ...rest, packages: [], unknowns: [] };
  }
  const chunked = (inv: Inventory): string[] => [...(cyclonedxJsonWriter.chunks?.(inv, fixed) ?? [])];

  it.each([
    ['the sample', inventory],
    ['a thousand-odd packages', scaled(250)],
    ['no packages and no OS', withoutPackagesOrOs()],
  ])('joined, equal the library serializer for %s', (_name, inv) => {
    const chunks = chunked(inv);
    expect(chunks.join('')).toBe(cyclonedxJsonWriter.write(inv, fixed));
    if (inv.packages.length > 1000) expect(chunks.length).toBeGreaterThan(20);
  });

  it('give the library output whole when bom-refs repeat (the serializer renames them)', () => {
    const twice = { ...inventory, packages: [...inventory.packages, inventory.packages[0]!] };
    const chunks = chunked(twice);
    expect(chunks).toHaveLength(1);
    const refs = ((JSON.parse(chunks[0]!) as Json)['components'] as Json[]).map((c) => c['bom-ref']);
    expect(new Set(refs).size).toBe(refs.length);
  });
});

describe('spdx-json', () => {
  const doc = JSON.parse(spdxJsonWriter.write(inventory, ctx)) as Json;
  const packages = doc['packages'] as Json[];

  it('follows the SPDX 2.3 rules checked by the structural validator', () => {
    expect(spdx23Errors(doc)).toEqual([]);
  });

  it('has one package per inventory package with a PACKAGE-MANAGER purl, contained by the root', () => {
    const withPurl = packages.filter((p) => p['externalRefs']);
    const refs = withPurl.map((p) => (p['externalRefs'] as Json[])[0] as Json);
    expect(refs.every((r) => r['referenceCategory'] === 'PACKAGE-MANAGER')).toBe(true);
    expect(refs.map((r) => r['referenceLocator']).sort()).toEqual(purls);
    const rels = doc['relationships'] as Json[];
    const root = rels.find((r) => r['relationshipType'] === 'DESCRIBES')?.['relatedSpdxElement'];
    const contained = rels.filter((r) => r['spdxElementId'] === root && r['relationshipType'] === 'CONTAINS');
    expect(contained).toHaveLength(inventory.packages.length + 1); // + the operating system
  });

  it('keeps valid SPDX expressions and turns free text into defined LicenseRefs', () => {
    const babel = packages.find((p) => String(p['name']).startsWith('@babel')) as Json;
    expect(babel['licenseDeclared']).toBe('(MIT OR Apache-2.0)');
    const yaml = packages.find((p) => p['name'] === 'pyyaml') as Json;
    expect(yaml['licenseDeclared']).toMatch(/^\(MIT\) AND \(LicenseRef-[A-Za-z0-9.-]+\)$/);
    expect(doc['hasExtractedLicensingInfos']).toEqual([
      expect.objectContaining({ extractedText: 'Python Software Foundation License, with a twist' }),
    ]);
  });

  it('makes a new documentNamespace per document', () => {
    const again = JSON.parse(spdxJsonWriter.write(inventory, ctx)) as Json;
    expect(again['documentNamespace']).not.toBe(doc['documentNamespace']);
  });
});

describe('the SPDX structural validator itself', () => {
  // shared/ sits beside the clone (DESIGN: real data read-only).
  const dir = sharedData('examples/spdx');
  it.each([
    'example10__spdx2.3__hello-source.spdx.json',
    'example11__spdx2.3__sbom.spdx.json',
    'example14__spdx2.3__examplemaven-0.0.1-enriched.spdx.json',
  ])('accepts the official SPDX 2.3 example %s', (name) => {
    expect(spdx23Errors(JSON.parse(readFileSync(join(dir, name), 'utf8')) as Json)).toEqual([]);
  });

  it('rejects broken documents', () => {
    const doc = JSON.parse(spdxJsonWriter.write(inventory, ctx)) as Json;
    (doc['packages'] as Json[])[1]!['SPDXID'] = 'SPDXRef-has space';
    (doc['relationships'] as Json[]).push({
      spdxElementId: 'SPDXRef-DOCUMENT',
      relationshipType: 'CONTAINS',
      relatedSpdxElement: 'SPDXRef-nowhere',
    });
    doc['documentNamespace'] = 'not a uri#x';
    expect(spdx23Errors(doc)).toHaveLength(4); // bad id, dangling old id, dangling new id, namespace
  });
});

describe('table', () => {
  const text = tableWriter.write(inventory, ctx);

  it('fits in 100 columns and cuts long values with an ellipsis', () => {
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(TABLE_WIDTH);
    expect(text).toContain('@babel/helper-module-transf…  7.25.9-beta.1+build.2…');
    expect(text).toMatch(/\npyyaml +6\.0 +pypi +python-installed …dist-info\/METADATA\n/);
  });

  it('has a summary line and lists every unknown with its reason', () => {
    expect(text).toContain('6 packages (deb 2, maven 2, npm 1, pypi 1), 2 unknowns');
    expect(text).toMatch(/symlink-escape\s+\/etc\/evil/);
    expect(text).toMatch(/parse-error\s+\/var\/lib\/dpkg\/status.d\/garbage/);
  });
});

describe('format registry', () => {
  it('json is the inventory as is', () => {
    expect(JSON.parse(inventoryJsonWriter.write(inventory, ctx))).toEqual(inventory);
  });

  it('names every format once, loads the writer of each, and refuses unknown names as a usage error', async () => {
    const names = SBOM_FORMATS.map((f) => f.name);
    expect(names).toEqual(['table', 'cyclonedx-json', 'spdx-json', 'json']);
    const writers = await Promise.all(SBOM_FORMATS.map((f) => f.load()));
    expect(writers.map((w) => w.name)).toEqual(names);
    const fixed = { ...ctx, documentId: '00000000-0000-4000-8000-000000000000' };
    expect((await sbomFormat('cyclonedx-json').load()).write(inventory, fixed)).toBe(
      cyclonedxJsonWriter.write(inventory, fixed),
    );
    expect(() => sbomFormat('cyclonedx-xml')).toThrow(UsageError);
  });
});
