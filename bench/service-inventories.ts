import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { SeededRandom } from '../src/core/seeded-random.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inventory } from '../src/core/inventory.js';
import type { Package } from '../src/core/package.js';
import { scanTarget } from '../src/scan/scan-service.js';
import type { VulnStore } from '../src/vulndb/vuln-types.js';

const DPKG_STATUS = process.env['VIGIL_BENCH_DPKG_STATUS'] ?? '/var/lib/dpkg/status';

/** Mulberry32: a seeded PRNG, so every run submits the same fleet. */
export function rng(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.next();
}

/**
 * The package pool of the fleet: a real Debian dpkg status (this machine's, ~900 packages; a
 * debootstrap minbase has ~100, too few for 400-package hosts) cataloged by vigil's own directory
 * scan of a two-file root (the status file and /etc/os-release), so names, versions, purls and OS
 * facts are exactly what an agent would send.
 */
export async function basePackages(store: VulnStore): Promise<Inventory | { error: string }> {
  if (!existsSync(DPKG_STATUS) || !existsSync('/etc/os-release')) {
    return { error: `no dpkg status at ${DPKG_STATUS} (set VIGIL_BENCH_DPKG_STATUS)` };
  }
  const root = mkdtempSync(join(tmpdir(), 'vigil-bench-dpkg-'));
  try {
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
    copyFileSync('/etc/os-release', join(root, 'etc/os-release'));
    copyFileSync(DPKG_STATUS, join(root, 'var/lib/dpkg/status'));
    const { inventory } = await scanTarget({ kind: 'directory', path: root }, { store });
    return inventory;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Host `i` of the fleet: `size` packages drawn (seeded by i) from the pool, so hosts differ in what
 * they run and so in their findings, like a real fleet of differently provisioned machines.
 */
export function hostInventory(base: Inventory, i: number, size: number): Inventory {
  const r = rng(i + 1);
  const pool = [...base.packages];
  // Partial Fisher–Yates: the first `size` slots become a uniform random sample.
  const n = Math.min(size, pool.length);
  for (let k = 0; k < n; k++) {
    const j = k + Math.floor(r() * (pool.length - k));
    [pool[k], pool[j]] = [pool[j] as Package, pool[k] as Package];
  }
  const target = `host-${String(i).padStart(5, '0')}.bench.internal`;
  return { ...base, source: { type: 'host', target }, packages: pool.slice(0, n) };
}
