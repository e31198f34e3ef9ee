import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_SCHEMA_VERSION, type Inventory } from '../../src/core/inventory.js';
import type { Package } from '../../src/core/package.js';
import { trackerFeed } from '../../src/feeds/debian-tracker/tracker-feed.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { sharedData } from '../fixtures/shared-data.js';

const REAL_SAMPLE = sharedData('debian/tracker-format-samples/vunnel__tracker-data-json.sample.json');
// The importer's own fixture: one made-up package in every no-DSA flavour (no-dsa, postponed, ignored, EOL).
const NODSA_SAMPLE = new URL('../../src/feeds/debian-tracker/testdata/tracker-nodsa.json', import.meta.url)
  .pathname;

let db: VulnDb;
let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-tracker-states-'));
  db = await openVulnDb(join(tmp, 'db.sqlite'));
  await db.import([await trackerFeed(REAL_SAMPLE), await trackerFeed(NODSA_SAMPLE)]);
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

function deb(name: string, version: string): Package {
  return {
    id: `${name}@${version}`,
    name,
    version,
    ecosystem: 'deb',
    purl: `pkg:deb/debian/${name}@${version}`,
    sourceName: name,
    sourceVersion: version,
    filePath: '/var/lib/dpkg/status',
    foundBy: 'dpkg-db',
    scope: 'installed',
  };
}

async function scan(release: string, codename: string, pkgs: Package[]): Promise<Finding[]> {
  const inventory: Inventory = {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    source: { type: 'directory', target: `/srv/${codename}` },
    os: { id: 'debian', idLike: [], versionId: release, release, codename, sources: ['/etc/os-release'] },
    packages: pkgs,
    unknowns: [],
    catalogers: {},
    createdAt: '2026-01-01T00:00:00Z',
  };
  return (await scanTarget({ kind: 'inventory', inventory }, { store: db.store })).findings;
}

function find(findings: readonly Finding[], id: string): Finding | undefined {
  return findings.find((f) => f.packageVulnerabilityDetails?.vulnerabilityId === id);
}

describe('Debian tracker states become findings (DESIGN §4)', () => {
  it('bookworm: fixed → YES with the fixed version; resolved below the installed version → none; no-dsa → NO', async () => {
    const f = await scan('12', 'bookworm', [
      deb('sope', '5.8.0-1'),
      deb('chromium', '98.0.4758.102-1'),
      deb('vigil-demo', '1.0-1'),
    ]);
    const sope = find(f, 'CVE-2025-53603');
    expect(sope?.fixAvailable).toBe('YES');
    expect(sope?.packageVulnerabilityDetails?.vulnerablePackages[0]?.fixedInVersion).toBe('5.8.0-1+deb12u1');
    expect(find(f, 'CVE-2022-0456')).toBeUndefined();
    const demo = find(f, 'CVE-2099-0001');
    expect(demo?.fixAvailable).toBe('NO');
    expect(demo?.packageVulnerabilityDetails?.matches[0]?.state).toBe('no-dsa');
    expect(demo?.packageVulnerabilityDetails?.vendorSeverity).toBe('low');
  });

  it('the fixed version itself is not affected', async () => {
    expect(
      find(await scan('12', 'bookworm', [deb('sope', '5.8.0-1+deb12u1')]), 'CVE-2025-53603'),
    ).toBeUndefined();
  });

  it('postponed (trixie) and ignored (bullseye) are reported without a fix, never dropped', async () => {
    const trixie = find(await scan('13', 'trixie', [deb('vigil-demo', '1.0-2')]), 'CVE-2099-0001');
    expect(trixie?.packageVulnerabilityDetails?.matches[0]?.state).toBe('postponed');
    expect(trixie?.fixAvailable).toBe('NO');
    const bullseye = find(await scan('11', 'bullseye', [deb('vigil-demo', '0.9-1')]), 'CVE-2099-0001');
    expect(bullseye?.packageVulnerabilityDetails?.matches[0]?.state).toBe('ignored');
    expect(bullseye?.fixAvailable).toBe('NO');
  });

  it('--ignore-unfixed semantics: only fixAvailable NO findings are the unfixed states', async () => {
    const f = await scan('12', 'bookworm', [deb('sope', '5.8.0-1'), deb('vigil-demo', '1.0-1')]);
    for (const x of f) {
      const states = x.packageVulnerabilityDetails?.matches.map((m) => m.state) ?? [];
      expect(x.fixAvailable === 'YES').toBe(states.includes('fixed'));
    }
  });
});
