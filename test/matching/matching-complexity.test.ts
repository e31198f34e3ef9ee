import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import type { Package } from '../../src/core/package.js';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-match-complexity-'));
let vulns: VulnDb;

beforeAll(async () => {
  // A real vulnerability DB from two OSV records (two CVEs of `copied-pkg`), imported by vigil's importer.
  vulns = await openVulnDb(join(dir, 'vulndb.sqlite'));
  const osv = new URL('testdata/complexity-osv', import.meta.url).pathname;
  await vulns.import(await batchesForPaths([osv], 'osv'));
});
afterAll(async () => {
  await vulns.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads of package fields: a scan of the matches per package shows up as reads growing with n². */
let fieldReads = 0;
/** Steps of every array iteration (spread, for…of, Array.from): a list copied per element grows with n². */
let iterationSteps = 0;

function countedPackage(p: Package): Package {
  return new Proxy(p, {
    get(target, key, receiver) {
      fieldReads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/**
 * A node_modules tree of n packages: a quarter are copies of one vulnerable package (two CVEs), the
 * rest carry names that repeat three times each, as hoisting leaves them.
 */
function inventoryOf(n: number): Inventory {
  const packages = Array.from({ length: n }, (_, i) => {
    const name = i % 4 === 0 ? 'copied-pkg' : `lib-${i % Math.ceil(n / 4)}`;
    return countedPackage({
      id: `p${i}`,
      name,
      version: '1.0.0',
      ecosystem: 'npm',
      purl: `pkg:npm/${name}@1.0.0`,
      filePath: `/app/node_modules/${i}/${name}/package.json`,
      foundBy: 'npm-package-lock',
      scope: 'installed',
    });
  });
  const source = { type: 'host' as const, target: 'complexity' };
  return {
    schemaVersion: 1,
    source,
    packages,
    unknowns: [],
    catalogers: {},
    createdAt: '2026-01-01T00:00:00Z',
  };
}

/** THE scan service over n packages, counting work; the array iterator is swapped only for the scan. */
async function work(n: number): Promise<{ reads: number; steps: number; vulnerable: number[] }> {
  const inventory = inventoryOf(n);
  const original = Object.getOwnPropertyDescriptor(Array.prototype, Symbol.iterator) as PropertyDescriptor;
  fieldReads = 0;
  iterationSteps = 0;
  Object.defineProperty(Array.prototype, Symbol.iterator, {
    ...original,
    value: function* counted(this: unknown[]) {
      for (let i = 0; i < this.length; i++) {
        iterationSteps++;
        yield this[i];
      }
    },
  });
  let result;
  try {
    result = await scanTarget({ kind: 'inventory', inventory }, { store: vulns.store });
  } finally {
    Object.defineProperty(Array.prototype, Symbol.iterator, original);
  }
  const vulnerable = result.findings.map(
    (f) => f.packageVulnerabilityDetails?.vulnerablePackages.length ?? 0,
  );
  return { reads: fieldReads, steps: iterationSteps, vulnerable };
}

it('matching is linear in packages: twice the packages is about twice the work, not four times', async () => {
  const n = 3000;
  const small = await work(n);
  const large = await work(2 * n);
  // The scan is right at both sizes: two CVEs, each listing every installed copy.
  expect(small.vulnerable).toEqual([n / 4, n / 4]);
  expect(large.vulnerable).toEqual([n / 2, n / 2]);
  const growth = { reads: large.reads / small.reads, steps: large.steps / small.steps };
  // Linear work doubles (2.0); quadratic work quadruples. Both counters must see real work.
  expect(small.reads).toBeGreaterThan(n);
  expect(small.steps).toBeGreaterThan(n);
  expect(growth.reads).toBeLessThan(2.3);
  expect(growth.steps).toBeLessThan(2.3);
});
