import type { Inventory } from '../core/inventory.js';
import { NotFoundError } from '../core/errors/not-found-error.js';
import { ValidationError } from '../core/errors/validation-error.js';
import type { StoreContext } from '../store/store-context.js';
import { resourceRow } from './resource-store.js';

export interface StoredPackage {
  name: string;
  version: string;
  ecosystem: string;
  purl: string;
  filePath?: string;
  layerDigest?: string;
  sourceName?: string;
  sourceVersion?: string;
  foundBy?: string;
}

export interface PackagePage {
  packages: StoredPackage[];
  total: number;
  nextToken?: string;
}

function view(p: Inventory['packages'][number]): StoredPackage {
  return {
    name: p.name,
    version: p.version,
    ecosystem: p.ecosystem,
    purl: p.purl,
    ...(p.filePath ? { filePath: p.filePath } : {}),
    ...(p.layerDigest ? { layerDigest: p.layerDigest } : {}),
    ...(p.sourceName ? { sourceName: p.sourceName } : {}),
    ...(p.sourceVersion ? { sourceVersion: p.sourceVersion } : {}),
    ...(p.foundBy ? { foundBy: p.foundBy } : {}),
  };
}

/**
 * The stored inventory of a live resource (its last scan), filtered by a case-insensitive substring of
 * name, version or purl, sorted by name and version, one page from `offset`. A resource with no
 * stored inventory has no packages; a deleted or unknown one is NOT_FOUND.
 */
export async function resourcePackages(
  ctx: StoreContext,
  q: { accountId: string; resourceId: string; search?: string; limit: number; offset: number },
): Promise<PackagePage> {
  const resource = await resourceRow(ctx.db, q.accountId, q.resourceId);
  if (!resource || resource.deleted_at) throw new NotFoundError(`resource ${q.resourceId}`);
  const row = await ctx.db
    .selectFrom('inventories')
    .select('inventory_json')
    .where('account_id', '=', q.accountId)
    .where('resource_id', '=', q.resourceId)
    .executeTakeFirst();
  const all = row ? (JSON.parse(row.inventory_json) as Inventory).packages : [];
  const needle = q.search?.toLowerCase();
  const hits = (
    needle ? all.filter((p) => `${p.name} ${p.version} ${p.purl}`.toLowerCase().includes(needle)) : all
  )
    .map(view)
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  if (q.offset > hits.length) throw new ValidationError('nextToken is past the end of the packages');
  const next = q.offset + q.limit;
  return {
    packages: hits.slice(q.offset, next),
    total: hits.length,
    ...(next < hits.length ? { nextToken: String(next) } : {}),
  };
}
