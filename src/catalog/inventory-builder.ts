import { CATALOGERS } from './cataloger-registry.js';
import type { Cataloger } from './cataloger.js';
import { runCatalogers } from './catalog-runner.js';
import { detectOs } from './os/os-detector.js';
import { INVENTORY_SCHEMA_VERSION, type Inventory, type InventorySource } from '../core/inventory.js';
import type { Resolver } from '../source/resolver.js';

export interface InventoryOptions {
  catalogers?: readonly Cataloger[];
  onProgress?: (done: number, total: number, cataloger: string) => void;
  now?: Date;
}

/** The one way an inventory is built, whatever the source (directory, image, host): detect OS, catalog. */
export async function buildInventory(
  resolver: Resolver,
  source: InventorySource,
  opts: InventoryOptions = {},
): Promise<Inventory> {
  const os = await detectOs(resolver, opts.now ? { now: opts.now } : {});
  const result = await runCatalogers(resolver, opts.catalogers ?? CATALOGERS, {
    ...(os ? { os } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return {
    schemaVersion: INVENTORY_SCHEMA_VERSION,
    source,
    ...(os ? { os } : {}),
    packages: result.packages,
    unknowns: result.unknowns,
    catalogers: result.catalogers,
    createdAt: (opts.now ?? new Date()).toISOString(),
  };
}
