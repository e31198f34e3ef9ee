import type { OsInfo } from './os-info.js';
import type { Package } from './package.js';
import type { Unknown } from './unknown.js';

export const INVENTORY_SCHEMA_VERSION = 1;

export interface InventorySource {
  type: 'directory' | 'image' | 'host' | 'sbom';
  /** What was asked for: a path, an image reference, an SBOM file. */
  target: string;
  /** Image facts (digest, repository, tags, layers, config) when type = image. */
  image?: Record<string, unknown>;
}

/** Everything one scan of one root saw: the input to matching, SBOM export and the server's inventory store. */
export interface Inventory {
  schemaVersion: typeof INVENTORY_SCHEMA_VERSION;
  source: InventorySource;
  os?: OsInfo;
  packages: Package[];
  unknowns: Unknown[];
  /** Cataloger name → version; part of cache keys and of every report's provenance. */
  catalogers: Record<string, number>;
  createdAt: string;
}
