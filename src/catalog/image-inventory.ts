import { CATALOGERS } from './cataloger-registry.js';
import type { Inventory } from '../core/inventory.js';
import { buildInventory, type InventoryOptions } from './inventory-builder.js';
import { openImage, type ImageOpenOptions, type OpenedImageStats } from '../source/image/image-open.js';
import type { FileInterest } from '../source/image/layer/keep-policy.js';
import type { Cataloger } from './cataloger.js';
import { attributeLayers } from './layer-attribution.js';

/** Files read beside the catalogers' globs: OS detection, and siblings (dpkg file lists, dist-info RECORD). */
export const READER_INTERESTS: readonly FileInterest[] = [
  {
    name: 'os-detection',
    version: 1,
    globs: [
      'etc/os-release',
      'usr/lib/os-release',
      'etc/*-release',
      'etc/debian_version',
      'etc/alpine-release',
    ],
    tags: [],
  },
  {
    name: 'cataloger-siblings',
    version: 1,
    globs: [
      'var/lib/dpkg/info/*.list',
      'var/lib/dpkg/status.d/*',
      '**/*.dist-info/*',
      '**/*.egg-info',
      '**/*.egg-info/*',
    ],
    tags: [],
  },
];

export interface ImageInventoryOptions extends Omit<ImageOpenOptions, 'interests'> {
  /** Catalogers to run; their globs decide which bodies the layers keep. Default the full registry. */
  catalogers?: readonly Cataloger[];
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
  const image = await openImage(ref, { ...opts, interests: [...catalogers, ...READER_INTERESTS] });
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
