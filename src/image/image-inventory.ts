import { CATALOGERS } from '../catalog/cataloger-registry.js';
import type { Inventory } from '../core/inventory.js';
import { buildInventory, type InventoryOptions } from '../scan/inventory-service.js';
import { openImage, type ImageOpenOptions, type OpenedImageStats } from './image-open.js';
import { attributeLayers } from './layer-attribution.js';

export interface ImageInventoryOptions extends ImageOpenOptions {
  onProgress?: InventoryOptions['onProgress'];
  now?: Date;
  /** Receives the open's counters (layers read vs. from cache, registry fetches). */
  onStats?: (stats: OpenedImageStats) => void;
}

/**
 * The inventory of an image: its merged layers cataloged like a directory, source
 * `{ type: 'image', target: ref, image: metadata }`, every package attributed to the layer that added it.
 */
export async function inventoryImage(ref: string, opts: ImageInventoryOptions = {}): Promise<Inventory> {
  const catalogers = opts.catalogers ?? CATALOGERS;
  const image = await openImage(ref, { ...opts, catalogers });
  try {
    const inv = await buildInventory(
      image.resolver,
      { type: 'image', target: ref, image: { ...image.metadata } },
      {
        catalogers,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.now ? { now: opts.now } : {}),
      },
    );
    await attributeLayers(
      inv.packages,
      image.resolver,
      catalogers,
      image.metadata.layers.map((l) => l.digest),
      inv.os,
    );
    opts.onStats?.(image.stats);
    return inv;
  } finally {
    await image.close();
  }
}
