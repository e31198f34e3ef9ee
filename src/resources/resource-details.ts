import type { Inventory } from '../core/inventory.js';
import type { FindingResource } from '../findings/finding-types.js';

/**
 * THE builder of a resource's details from an inventory, for the CLI's findings, the API's inventory
 * submissions and the server's image scans alike. Only selected facts: an image config's Env may hold
 * secrets and must not travel with every finding.
 */
export function resourceOfInventory(inv: Inventory, opts: { id?: string; now?: Date } = {}): FindingResource {
  if (inv.source.type === 'image') return imageResource(inv);
  return {
    id: opts.id ?? `${inv.source.type}:${inv.source.target}`,
    type: 'HOST',
    details: hostDetails(inv, opts.now),
  };
}

/**
 * A host's details: OS, where the inventory came from and when. An SBOM names no host, so it carries
 * no name (a name reported earlier is kept: the store merges details).
 */
export function hostDetails(inv: Inventory, now?: Date): Record<string, unknown> {
  const os = inv.os
    ? { family: inv.os.id, version: inv.os.versionId ?? inv.os.release ?? inv.os.codename }
    : null;
  return {
    ...(inv.source.type === 'sbom' ? {} : { hostname: inv.source.target }),
    os,
    inventorySource: inv.source.type,
    ...(now ? { lastInventoryAt: now.toISOString() } : {}),
  };
}

/** A CONTAINER_IMAGE resource: its id is the manifest digest, so every tag of one image is one resource. */
export function imageResource(inv: Inventory): FindingResource {
  const img = inv.source.image ?? {};
  const str = (k: string): string | undefined => (typeof img[k] === 'string' ? img[k] : undefined);
  const config = (img['config'] ?? {}) as { os?: string; architecture?: string; variant?: string };
  const digest = str('digest') ?? str('configDigest') ?? inv.source.target;
  const registry = str('registry');
  const repository = str('repository');
  return {
    id: digest,
    type: 'CONTAINER_IMAGE',
    details: {
      repositoryName: registry && repository ? `${registry}/${repository}` : (repository ?? null),
      imageTags: Array.isArray(img['tags']) ? img['tags'] : [],
      imageHash: digest,
      registry: registry ?? null,
      platform: [config.os, config.architecture, config.variant].filter(Boolean).join('/') || null,
    },
  };
}
