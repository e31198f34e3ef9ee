import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { buildInventory } from '../catalog/inventory-builder.js';
import type { Inventory } from '../core/inventory.js';
import { DirectoryResolver, HOST_EXCLUDES } from '../source/directory/directory-resolver.js';

/**
 * The host's inventory, built by THE inventory builder the CLI uses (`vigil scan host`): the same
 * resolver over the root with the live-host excludes (/proc, /sys, /run, /tmp, caches), so the server
 * matches exactly the packages `vigil scan fs` sees on the same root.
 */
export async function hostInventory(root: string, hostname: string): Promise<Inventory> {
  const resolver = new DirectoryResolver(root, { exclude: HOST_EXCLUDES });
  return buildInventory(resolver, { type: 'host', target: root === '/' ? hostname : root });
}

/**
 * `inventoryHash` of the contract: SHA-256 (hex) of the inventory's canonical JSON, taken as RFC 8785
 * (JSON Canonicalization Scheme: sorted keys, no whitespace, ECMAScript number form), over exactly the
 * object that is sent. Any server can recompute it from the body it stored.
 */
export function inventoryHash(inventory: Inventory): string {
  const text = canonicalize(inventory);
  if (text === undefined) throw new TypeError('inventory has no JSON form');
  return createHash('sha256').update(text).digest('hex');
}
