import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { openMatchingDb } from './fixtures/matching-db.js';

const CATALOG = new URL('../../src/catalog/', import.meta.url).pathname;

/** One project tree holding every lockfile format issue 11 added, from the catalogers' own testdata. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-new-locks-'));
  const copy = (from: string, to: string): void =>
    cpSync(join(CATALOG, from), join(root, to), { recursive: true });
  copy('python/testdata/uv/uv.lock', 'srv/uv-app/uv.lock');
  copy('python/testdata/pdm/pdm.lock', 'srv/pdm-app/pdm.lock');
  copy('npm/testdata/bun/bun.lock', 'srv/bun-app/bun.lock');
  copy('java/testdata/gradle/app/gradle.lockfile', 'srv/gradle-app/gradle.lockfile');
  copy('dotnet/testdata/central', 'srv/dotnet');
  copy('dotnet/testdata/classic/packages.config', 'srv/classic/packages.config');
  copy('dart/testdata/app/pubspec.lock', 'srv/dart/pubspec.lock');
  copy('elixir/testdata/app/mix.lock', 'srv/elixir/mix.lock');
  copy('swift/testdata/v2/Package.resolved', 'srv/swift/Package.resolved');
  copy('cpp/testdata/v05/conan.lock', 'srv/conan/conan.lock');
  return root;
}

/** Every (record or alias id, package name, file) the findings name. */
function hits(findings: Finding[]): Set<string> {
  const out = new Set<string>();
  for (const f of findings) {
    const d = f.packageVulnerabilityDetails;
    if (!d) continue;
    for (const p of d.vulnerablePackages)
      for (const id of [d.vulnerabilityId, ...d.relatedVulnerabilities])
        out.add(`${id} ${p.name} ${p.filePath ?? ''}`);
  }
  return out;
}

describe('the new lockfiles are matched against the real advisories in ../shared/data', () => {
  let db: VulnDb;
  beforeAll(async () => {
    db = await openMatchingDb();
  });
  afterAll(async () => {
    await db.close();
  });

  it('one real advisory per ecosystem the data has (PyPI, npm, Maven, NuGet)', async () => {
    const root = project();
    const r = await scanTarget({ kind: 'directory', path: root }, { store: db.store });
    const found = hits(r.findings);
    for (const expected of [
      'GHSA-mh33-7rrq-662w urllib3 /srv/uv-app/uv.lock', // urllib3 1.24.1 < 1.24.2
      'GHSA-mh33-7rrq-662w urllib3 /srv/pdm-app/pdm.lock', // urllib3 1.23 < 1.24.2
      'GHSA-p6mc-m468-83gw lodash /srv/bun-app/bun.lock', // lodash 4.17.15 < 4.17.19
      'GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core /srv/gradle-app/gradle.lockfile', // Log4Shell
      'GHSA-5crp-9r3c-p9vr Newtonsoft.Json /srv/dotnet/src/Web/Web.csproj', // central version 12.0.3
      'GHSA-5crp-9r3c-p9vr Newtonsoft.Json /srv/classic/packages.config', // 12.0.1
    ]) {
      expect(
        [...found].filter((h) => h === expected),
        expected,
      ).toEqual([expected]);
    }
    // CVE-2018-20060 is fixed in urllib3 1.23: the pdm lock's 1.23 is not affected by it.
    expect([...found].some((h) => h.startsWith('GHSA-www2-v7xj-xrc6 urllib3 /srv/pdm-app'))).toBe(false);
    // Dev-only packages are matched too (they are installed on developer and CI machines).
    expect(r.inventory.packages.filter((p) => p.ecosystem === 'pub')).toHaveLength(5);
  });

  it('the data has no Pub, Hex, SwiftURL or ConanCenter records: nothing is claimed for them', async () => {
    const r = await scanTarget({ kind: 'directory', path: project() }, { store: db.store });
    for (const eco of ['Pub', 'Hex', 'SwiftURL', 'ConanCenter'])
      expect(await db.store.affected(eco, ['http', 'plug', 'github.com/apple/swift-nio', 'openssl'])).toEqual(
        [],
      );
    const ecos = new Set(
      r.findings.flatMap((f) => f.packageVulnerabilityDetails?.matches.map((m) => m.ecosystem) ?? []),
    );
    expect([...ecos].filter((e) => ['Pub', 'Hex', 'SwiftURL', 'ConanCenter'].includes(e))).toEqual([]);
  });
});

/**
 * The four ecosystems without data here, wired end to end through the real importer and matcher with
 * hand-written OSV records (ids VIGIL-TEST-*, not real advisories) in the shapes osv.dev publishes.
 */
describe('Pub, Hex, SwiftURL and ConanCenter keys, with test records through the real importer', () => {
  let db: VulnDb;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-osv-new-'));
    const record = (id: string, ecosystem: string, name: string, fixed: string): object => ({
      schema_version: '1.6.0',
      id,
      modified: '2026-01-01T00:00:00Z',
      published: '2026-01-01T00:00:00Z',
      summary: 'test record',
      affected: [
        {
          package: { ecosystem, name },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
        },
      ],
    });
    const lines = [
      record('VIGIL-TEST-PUB-1', 'Pub', 'http', '1.0.0'),
      record('VIGIL-TEST-HEX-1', 'Hex', 'plug', '1.14.1'),
      record('VIGIL-TEST-SWIFT-1', 'SwiftURL', 'github.com/apple/swift-nio', '2.33.0'),
      record('VIGIL-TEST-CONAN-1', 'ConanCenter', 'openssl', '3.0.13'),
      record('VIGIL-TEST-HEX-2', 'Hex', 'plug', '1.13.0'), // fixed before 1.14.0: must not match
    ];
    const file = join(dir, 'test-records.osv.jsonl.gz');
    writeFileSync(file, gzipSync(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
    db = await openVulnDb(join(dir, 'vuln.sqlite'));
    await db.import([await osvFeed(file)]);
  });
  afterAll(async () => {
    await db.close();
  });

  it('each matches the package its lockfile names, by the ecosystem scheme', async () => {
    const r = await scanTarget({ kind: 'directory', path: project() }, { store: db.store });
    const matched = r.findings
      .flatMap((f) => f.packageVulnerabilityDetails?.matches ?? [])
      .map(
        (m) => `${m.recordId} ${m.ecosystem} ${m.packageName} ${m.comparedVersion} ${m.fixedVersion ?? ''}`,
      )
      .sort();
    expect(matched).toEqual([
      'VIGIL-TEST-CONAN-1 ConanCenter openssl 3.0.12 3.0.13',
      'VIGIL-TEST-HEX-1 Hex plug 1.14.0 1.14.1',
      'VIGIL-TEST-PUB-1 Pub http 0.13.4 1.0.0',
      'VIGIL-TEST-SWIFT-1 SwiftURL github.com/apple/swift-nio 2.32.0 2.33.0',
    ]);
  });
});
