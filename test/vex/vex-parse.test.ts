import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { vexSuppressor } from '../../src/findings/vex/vex-matcher.js';
import { parseVexDocument, parseVexText } from '../../src/findings/vex/vex-parse.js';
import { purlCovers } from '../../src/findings/vex/vex-purl-match.js';
import { cyclonedxVexExamples, expectedSuppressed, readTestdata } from './vex-examples.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
}

const OPENVEX = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.com/vex/1',
  author: 'someone',
  timestamp: '2026-01-01T00:00:00Z',
  version: 1,
  statements: [
    { vulnerability: { name: 'CVE-2024-0001' }, products: [{ '@id': 'pkg:npm/a@1.0.0' }], status: 'fixed' },
  ],
};

/** A package finding as the scan service shapes one, with only what VEX matching reads. */
function finding(id: string, vuln: string, aliases: string[], purl: string, version: string): Finding {
  return {
    id,
    packageVulnerabilityDetails: {
      vulnerabilityId: vuln,
      relatedVulnerabilities: aliases,
      vulnerablePackages: [{ purl, version }],
    },
    resources: [{ id: 'r', type: 'HOST', details: {} }],
  } as unknown as Finding;
}

describe('VEX documents: both formats parse, bad ones are refused with stable codes', () => {
  it('every CycloneDX VEX example of the CycloneDX project parses, one statement per vulnerability', async () => {
    const examples = await cyclonedxVexExamples();
    const vex = [...examples].filter(([name]) => /vex[^/]*\.json$/.test(name));
    expect(vex.length).toBeGreaterThanOrEqual(25);
    for (const [name, text] of vex) {
      const raw = JSON.parse(text) as { vulnerabilities: Array<{ analysis?: { state?: string } }> };
      const doc = await parseVexText(text);
      expect(doc.format, name).toBe('cyclonedx');
      expect(
        doc.statements.map((s) => s.status),
        name,
      ).toEqual(
        raw.vulnerabilities.map(
          (v) =>
            ({
              not_affected: 'not_affected',
              false_positive: 'not_affected',
              resolved: 'fixed',
              exploitable: 'affected',
              in_triage: 'under_investigation',
            })[v.analysis?.state ?? 'exploitable'],
        ),
      );
    }
    // The example that names its product by a BOM-Link to a purl bom-ref maps to that package.
    const linked = await parseVexText(examples.get('VEX/vex.json') ?? '');
    expect(linked.statements[0]?.products[0]?.purls).toEqual([
      'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar',
    ]);
    expect(linked.statements[0]?.vulnerabilityIds).toEqual([
      'CVE-2020-25649',
      'SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302',
    ]);
  });

  it('OpenVEX documents in testdata parse with their author, @id and inherited timestamps', async () => {
    const doc = await parseVexText(readTestdata('jackson-openvex.json'));
    expect(doc).toMatchObject({
      format: 'openvex',
      specVersion: 'v0.2.0',
      vexId: 'https://vigil.example/vex/jackson-2026-001',
      author: 'vigil test suite',
    });
    expect(doc.statements).toHaveLength(8);
    expect(doc.statements[0]?.timestamp).toBe('2026-01-10T09:00:00Z');
    expect(doc.statements[7]?.products[0]?.subcomponents).toEqual([
      'pkg:maven/com.fasterxml.jackson.core/jackson-core@2.10.0',
    ]);
  });

  it('malformed documents and unknown versions are VEX_INVALID / VEX_UNSUPPORTED_VERSION', async () => {
    const { author: _a, ...noAuthor } = OPENVEX;
    const st = OPENVEX.statements[0];
    const cases: Array<[unknown, string]> = [
      [noAuthor, 'VEX_INVALID'],
      [{ ...OPENVEX, statements: [{ ...st, status: 'not_affected' }] }, 'VEX_INVALID'],
      [{ ...OPENVEX, statements: [{ ...st, status: 'maybe' }] }, 'VEX_INVALID'],
      [{ ...OPENVEX, statements: [{ ...st, products: [] }] }, 'VEX_INVALID'],
      [{ ...OPENVEX, timestamp: '2026-02-30T00:00:00Z' }, 'VEX_INVALID'],
      [{ ...OPENVEX, '@context': 'https://openvex.dev/ns/v9.0.0' }, 'VEX_UNSUPPORTED_VERSION'],
      [{ bomFormat: 'CycloneDX', specVersion: '1.3', version: 1, components: [] }, 'VEX_UNSUPPORTED_VERSION'],
      [
        {
          bomFormat: 'CycloneDX',
          specVersion: '1.5',
          version: 1,
          vulnerabilities: [{ id: 'CVE-1', analysis: { state: 'fine' }, affects: [{ ref: 'x' }] }],
        },
        'VEX_INVALID',
      ],
      [{ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [] }, 'VEX_INVALID'],
      [{ spdxVersion: 'SPDX-2.3' }, 'VEX_INVALID'],
      [[1, 2], 'VEX_INVALID'],
    ];
    for (const [doc, code] of cases)
      expect(await codeOf(parseVexDocument(doc)), JSON.stringify(doc)).toBe(code);
    expect(await codeOf(parseVexText('{"@context": '))).toBe('VEX_INVALID');
    expect(await codeOf(parseVexText('['.repeat(500)))).toBe('VEX_INVALID');
  });
});

describe('VEX matching', () => {
  it('purls: a statement without version or qualifiers covers every version and qualifier set', () => {
    const pkg = 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12';
    expect(purlCovers('pkg:deb/debian/openssl', pkg)).toBe(true);
    expect(purlCovers('pkg:deb/debian/openssl@3.0.15-1~deb12u1', pkg)).toBe(true);
    expect(purlCovers('pkg:deb/debian/openssl?arch=amd64', pkg)).toBe(true);
    expect(purlCovers('pkg:deb/debian/openssl?arch=arm64', pkg)).toBe(false);
    expect(purlCovers('pkg:deb/debian/openssl@3.0.14-1~deb12u1', pkg)).toBe(false);
    expect(purlCovers('pkg:deb/debian/libssl3', pkg)).toBe(false);
    expect(purlCovers('pkg:deb/ubuntu/openssl', pkg)).toBe(false);
    expect(purlCovers('not a purl', pkg)).toBe(false);
  });

  it('an image product covers its packages; subcomponents narrow it to the named ones', async () => {
    const pkg = 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12';
    const f = {
      ...finding('i', 'CVE-2024-5535', [], pkg, '3.0.15-1~deb12u1'),
      resources: [
        {
          id: 'sha256:abc',
          type: 'CONTAINER_IMAGE',
          details: { repositoryName: 'registry.example/team/app' },
        },
      ],
    } as Finding;
    const image = 'pkg:oci/app@sha256%3Aabc?repository_url=registry.example%2Fteam%2Fapp';
    const verdict = async (product: Record<string, unknown>): Promise<boolean> => {
      const content = await parseVexDocument({
        ...OPENVEX,
        statements: [{ vulnerability: { name: 'CVE-2024-5535' }, products: [product], status: 'fixed' }],
      });
      return vexSuppressor([{ documentId: 'x', content }])(f) !== undefined;
    };
    expect(await verdict({ '@id': image })).toBe(true);
    expect(await verdict({ '@id': 'pkg:oci/app' })).toBe(true);
    expect(await verdict({ '@id': image, subcomponents: [{ '@id': 'pkg:deb/debian/openssl' }] })).toBe(true);
    expect(await verdict({ '@id': image, subcomponents: [{ '@id': 'pkg:deb/debian/libc6' }] })).toBe(false);
    expect(await verdict({ '@id': 'pkg:oci/app@sha256%3Aother' })).toBe(false);
    expect(await verdict({ '@id': 'pkg:oci/app?repository_url=elsewhere.example%2Fapp' })).toBe(false);
  });

  it('latest statement wins across documents; aliases match; only not_affected/fixed suppress', async () => {
    const texts = ['jackson-openvex.json', 'jackson-openvex-later.json', 'jackson-cyclonedx.json'].map(
      readTestdata,
    );
    const databind = 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar';
    const findings = [
      finding('a', 'CVE-2020-36518', ['GHSA-57j2-w4cx-62h2'], databind, '2.10.0'),
      finding('b', 'CVE-2022-42003', ['GHSA-jjjh-jjxp-wpff'], databind, '2.10.0'),
      finding('c', 'CVE-2021-46877', ['GHSA-3x8x-79m2-3w2w'], databind, '2.10.0'),
      finding('d', 'CVE-2022-42004', ['GHSA-rgv9-q543-rqg4'], databind, '2.10.0'),
      finding('e', 'CVE-2020-25649', ['GHSA-288c-cq4h-88gq'], databind, '2.10.0'),
      finding(
        'f',
        'CVE-2020-36518',
        [],
        'pkg:maven/com.fasterxml.jackson.core/jackson-core@2.10.0',
        '2.10.0',
      ),
    ];
    const docs = await Promise.all(
      texts.map((t, i) => parseVexText(t).then((content) => ({ documentId: `d${i}`, content }))),
    );
    const suppressedBy = (n: number): string[] => {
      const m = vexSuppressor(docs.slice(0, n));
      return findings.filter((f) => m(f)).map((f) => f.id);
    };
    const raws = texts.map((t) => JSON.parse(t) as Record<string, unknown>);
    // The first document alone: 36518 (not_affected) and 42003 (fixed, by its GHSA alias, no version).
    expect(suppressedBy(1)).toEqual(['a', 'b']);
    expect(suppressedBy(1)).toEqual(expectedSuppressed(raws.slice(0, 1), findings));
    // The later document flips 46877 (its own statement said affected at 01-12; this one is 02-01).
    expect(suppressedBy(2)).toEqual(['a', 'b', 'c']);
    expect(suppressedBy(2)).toEqual(expectedSuppressed(raws.slice(0, 2), findings));
    // The CycloneDX one (01-20) says 42004 not_affected and 36518 exploitable: later than the first
    // document's 36518 statement, so 36518 is no longer suppressed.
    expect(suppressedBy(3)).toEqual(['b', 'c', 'd']);
    expect(suppressedBy(3)).toEqual(expectedSuppressed(raws, findings));
    const v = vexSuppressor(docs)(findings[3] as Finding);
    expect(v).toMatchObject({
      by: 'vex:d2#0',
      suppression: {
        reason:
          'VEX not_affected (code_not_reachable): DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS is off everywhere.',
        source: {
          type: 'VEX',
          format: 'cyclonedx',
          author: 'vigil test suite',
          statementIndex: 0,
          product: 'databind',
        },
      },
    });
  });
});
