import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTarget } from '../../src/scan/scan-service.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { semverOracle } from './fixtures/ghsa-npm-oracle.js';
import { GHSA_OSV, openMatchingDb } from './fixtures/matching-db.js';

const PROJECT = new URL('./testdata/go-app', import.meta.url).pathname;

let db: VulnDb;
beforeAll(async () => {
  db = await openMatchingDb();
});
afterAll(async () => {
  await db.close();
});

describe('Go modules: matching equals node-semver over the GHSA Go records', () => {
  it('a go.mod with old gin, jwt-go, x/net, x/crypto, yaml.v2 (pseudo-versions and +incompatible included)', async () => {
    const result = await scanTarget({ kind: 'directory', path: PROJECT }, { store: db.store });
    const mods = result.inventory.packages.filter((p) => p.ecosystem === 'golang');
    const installed = new Set(mods.map((p) => `${p.name}@${p.version}`));
    expect(installed.has('github.com/gin-gonic/gin@v1.6.0')).toBe(true);
    const oracle = await semverOracle(GHSA_OSV, 'Go', installed);
    const mine = new Set<string>();
    for (const f of result.findings) {
      for (const r of f.packageVulnerabilityDetails?.matches ?? []) {
        if (r.ecosystem === 'Go') mine.add(`${r.recordId} ${r.packageName} ${r.comparedVersion}`);
      }
    }
    expect([...mine].sort()).toEqual(oracle);
    expect(oracle.length).toBeGreaterThan(10);
    console.log(
      `Go: ${mods.length} modules, ${mine.size} (record, module, version) matches = oracle; ${result.findings.length} findings`,
    );
  });
});
