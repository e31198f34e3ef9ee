import { NotFoundError } from '../core/errors/not-found-error.js';
import type { ResourceType } from '../findings/finding-types.js';
import type { StoreContext } from '../store/store-context.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { DetailsTooLargeError } from './details-too-large-error.js';
import { InvalidTagsError } from './invalid-tags-error.js';
import { ResourceExistsError } from './resource-exists-error.js';
import {
  deleteResource,
  insertResource,
  replaceTags,
  resourceRow,
  resourceView,
  type ResourceView,
} from './resource-store.js';

const MAX_DETAILS_BYTES = 16_384;

/** AWS's tag limits, so tags copied from (or to) a cloud account always fit. */
export function checkTags(tags: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128 || v.length > 256) throw new InvalidTagsError(k);
  }
  return tags;
}

function checkDetails(details: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(details).length > MAX_DETAILS_BYTES) throw new DetailsTooLargeError(MAX_DETAILS_BYTES);
  return details;
}

/** A live (not deleted) resource of the account, or NOT_FOUND. */
export async function getResource(ctx: StoreContext, accountId: string, id: string): Promise<ResourceView> {
  const row = await resourceRow(ctx.db, accountId, id);
  if (!row || row.deleted_at) throw new NotFoundError(`resource ${id}`);
  return resourceView(row);
}

/** The account's live resources, by id; optionally of one type. */
export async function listResources(
  ctx: StoreContext,
  accountId: string,
  type?: ResourceType,
): Promise<ResourceView[]> {
  let q = ctx.db
    .selectFrom('resources')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null);
  if (type) q = q.where('type', '=', type);
  return (await q.orderBy('id').execute()).map(resourceView);
}

/**
 * Registers a host or repository (PENDING_INITIAL_SCAN until its first scan). A deleted resource may
 * be registered again; a live one is RESOURCE_EXISTS, also when two registrations race (the primary
 * key decides, the loser hears 409).
 */
export async function registerResource(
  ctx: StoreContext,
  r: {
    accountId: string;
    id: string;
    type: ResourceType;
    tags?: Record<string, string>;
    details?: Record<string, unknown>;
  },
): Promise<ResourceView> {
  const tags = checkTags(r.tags ?? {});
  const details = checkDetails(r.details ?? {});
  const now = ctx.now().toISOString();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const old = await resourceRow(trx, r.accountId, r.id);
      if (old && !old.deleted_at) throw new ResourceExistsError(r.id);
      await insertResource(trx, { ...r, tags, details, now, reason: 'PENDING_INITIAL_SCAN' });
    });
  } catch (err) {
    throw isUniqueViolation(err) ? new ResourceExistsError(r.id) : err;
  }
  return getResource(ctx, r.accountId, r.id);
}

/** Replaces a live resource's tags (its open findings follow; suppression is re-evaluated). */
export async function updateResourceTags(
  ctx: StoreContext,
  accountId: string,
  id: string,
  tags: Record<string, string>,
): Promise<ResourceView> {
  checkTags(tags);
  await getResource(ctx, accountId, id);
  const now = ctx.now().toISOString();
  await ctx.db.transaction().execute((trx) => replaceTags(trx, accountId, id, tags, now));
  return getResource(ctx, accountId, id);
}

/** Deletes a live resource: its findings close (RESOURCE_TERMINATED). Returns how many closed. */
export async function terminateResource(ctx: StoreContext, accountId: string, id: string): Promise<number> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await resourceRow(trx, accountId, id);
    if (!row || row.deleted_at) throw new NotFoundError(`resource ${id}`);
    return deleteResource(trx, { accountId, id, type: row.type, now });
  });
}
