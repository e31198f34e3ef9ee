import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTarget } from '../../src/scan/scan-service.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { npmOracle } from './fixtures/ghsa-npm-oracle.js';
import { GHSA_OSV, openMatchingDb } from './fixtures/matching-db.js';
import { npmLsPackages, npmTree } from './fixtures/npm-tree.js';

let db: VulnDb;
beforeAll(async () => {
  db = await openMatchingDb();
});
afterAll(async () => {
  await db.close();
});

describe('npm matching equals npm semver over the GHSA records', () => {
  it('an installed tree with old lodash, minimist, express, …', async () => {
    const root = await npmTree();
    const installed = await npmLsPackages(join(root, 'app'));
    expect(installed.has('lodash@4.17.15')).toBe(true);
    const [result, oracle] = await Promise.all([
      scanTarget({ kind: 'directory', path: root }, { store: db.store }),
      npmOracle(GHSA_OSV, installed),
    ]);
    const npmPkgs = new Set(
      result.inventory.packages.filter((p) => p.ecosystem === 'npm').map((p) => `${p.name}@${p.version}`),
    );
    // vigil's inventory and npm's own view agree, so the comparison below is about matching alone.
    expect([...npmPkgs].sort()).toEqual([...installed].sort());
    const mine = new Set<string>();
    for (const f of result.findings) {
      for (const r of f.packageVulnerabilityDetails?.matches ?? []) {
        if (r.ecosystem === 'npm') mine.add(`${r.recordId} ${r.packageName} ${r.comparedVersion}`);
      }
    }
    expect([...mine].sort()).toEqual(oracle);
    expect(oracle.length).toBeGreaterThan(20);
    // Known anchors: lodash 4.17.15 prototype pollution / command injection, fixed in 4.17.19 / 4.17.21.
    const lodash = result.findings.filter((f) =>
      f.packageVulnerabilityDetails?.vulnerablePackages.some((p) => p.name === 'lodash'),
    );
    const byId = new Map(lodash.map((f) => [f.packageVulnerabilityDetails?.vulnerabilityId, f]));
    expect(
      byId.get('CVE-2021-23337')?.packageVulnerabilityDetails?.vulnerablePackages[0]?.fixedInVersion,
    ).toBe('4.17.21');
    expect(byId.get('CVE-2021-23337')?.packageVulnerabilityDetails?.relatedVulnerabilities).toContain(
      'GHSA-35jh-r3h4-6jhm',
    );
    expect(
      byId.get('CVE-2020-8203')?.packageVulnerabilityDetails?.vulnerablePackages[0]?.fixedInVersion,
    ).toBe('4.17.19');
    console.log(
      `npm: ${installed.size} packages, ${mine.size} (record, package, version) matches = oracle; ${result.findings.length} findings after alias merging`,
    );
  });
});
