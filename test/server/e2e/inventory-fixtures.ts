import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inventory } from '../../../src/core/inventory.js';
import { buildCli, runCli } from '../../cli/built-cli.js';

/**
 * The vigil inventory JSON of a root filesystem, made by the CLI a host agent would run
 * (`vigil sbom ROOTFS --format json`): the document POST …/inventory accepts.
 */
export async function inventoryOfRootfs(rootfs: string): Promise<Inventory> {
  await buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-inv-'));
  try {
    const out = join(dir, 'inventory.json');
    const r = await runCli(['sbom', rootfs, '--format', 'json', '--output', out]);
    if (r.code !== 0) throw new Error(`vigil sbom exited ${r.code}: ${r.stderr}`);
    return JSON.parse(readFileSync(out, 'utf8')) as Inventory;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same inventory after `apt-get upgrade` of one Debian source package to `version`: every binary
 * built from it gets the new version and source version (Debian matching compares the source version).
 */
export function upgradeSourcePackage(inv: Inventory, sourceName: string, version: string): Inventory {
  let touched = 0;
  const packages = inv.packages.map((p) => {
    if (p.ecosystem !== 'deb' || (p.sourceName ?? p.name) !== sourceName) return p;
    touched++;
    return {
      ...p,
      version,
      sourceVersion: version,
      purl: p.purl.replace(/@[^?]*/, `@${encodeURIComponent(version)}`),
    };
  });
  if (touched === 0) throw new Error(`no deb package built from ${sourceName} in the inventory`);
  return { ...inv, packages, createdAt: new Date().toISOString() };
}
