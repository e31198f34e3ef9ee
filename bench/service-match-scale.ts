import type { Inventory } from '../src/core/inventory.js';
import type { Package } from '../src/core/package.js';
import { scanTarget } from '../src/scan/scan-service.js';
import type { VulnDb } from '../src/vulndb/vuln-db.js';
import type { BenchRow } from './bench-suite.js';
import { peakRssKb } from './service-fleet.js';
import { rng } from './service-inventories.js';

/** Every this-many packages of a host is one named by an npm advisory (the rest have none). */
const VULNERABLE_EVERY = 40;
/** Hosts differ, but copies of one package in several node_modules folders are normal: names repeat. */
const DISTINCT_NAME_RATIO = 0.6;

/** npm package names that the vulnerability DB has advisories for: the vulnerable part of each host. */
export async function advisoryNames(vuln: VulnDb): Promise<string[]> {
  const rows = await vuln.kysely
    .selectFrom('affected')
    .select('package_name')
    .distinct()
    .where('ecosystem', '=', 'npm')
    .orderBy('package_name')
    .execute();
  return rows.map((r) => r.package_name);
}

/** A seeded npm inventory of `n` packages: a node_modules tree of a big application host. */
export function npmInventory(names: readonly string[], seed: number, n: number, target: string): Inventory {
  const r = rng(seed);
  const distinct = Math.max(1, Math.round(n * DISTINCT_NAME_RATIO));
  const packages: Package[] = [];
  for (let i = 0; i < n; i++) {
    const advisory = names.length > 0 && i % VULNERABLE_EVERY === 0;
    const name = advisory
      ? (names[Math.floor(r() * names.length)] as string)
      : `bench-${seed}-${Math.floor(r() * distinct)}`;
    const version = advisory ? `0.${Math.floor(r() * 3)}.0` : `${1 + Math.floor(r() * 5)}.${i % 10}.0`;
    const filePath = `/srv/app/node_modules/${name}-${i}/package.json`;
    packages.push({
      id: `npm:${name}@${version}:${i}`,
      name,
      version,
      ecosystem: 'npm',
      purl: `pkg:npm/${name.replace('@', '%40')}@${version}`,
      filePath,
      foundBy: 'npm-package-lock',
      scope: 'installed',
    });
  }
  return {
    schemaVersion: 1,
    source: { type: 'host', target },
    packages,
    unknowns: [],
    catalogers: { 'npm-package-lock': 1 },
    createdAt: new Date().toISOString(),
  };
}

/**
 * Matching alone (THE scan service in-process, no HTTP, no service DB) by inventory size: a linear
 * matcher takes about twice as long for twice the packages.
 */
export async function matchingScale(vuln: VulnDb, sizes: readonly number[]): Promise<BenchRow[]> {
  const names = await advisoryNames(vuln);
  const rows: BenchRow[] = [];
  let first: { n: number; ms: number } | undefined;
  for (const n of sizes) {
    const inventory = npmInventory(names, 7, n, `scale-${n}`);
    const t = process.hrtime.bigint();
    const r = await scanTarget({ kind: 'inventory', inventory }, { store: vuln.store });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    first ??= { n, ms };
    const perK = (ms / n) * 1000;
    rows.push({
      workload: `match ${n} npm packages in-process (scanTarget)`,
      results: [
        {
          tool: 'vigil',
          wallMs: ms,
          peakRssKb: peakRssKb(),
          note:
            `${r.findings.length} findings, ${perK.toFixed(1)} ms per 1000 packages; ` +
            `time ×${(ms / first.ms).toFixed(1)} for packages ×${(n / first.n).toFixed(1)}`,
        },
      ],
    });
  }
  return rows;
}
