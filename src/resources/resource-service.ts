import { NotFoundError } from '../core/errors/not-found-error.js';
import type { ResourceType } from '../findings/finding-types.js';
import type { StoreContext } from '../store/store-context.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { DetailsTooLargeError } from './details-too-large-error.js';
import { InvalidTagsError } from './invalid-tags-error.js';
import { ResourceExistsError } from './resource-exists-error.js';
import { agentFactsOf } from './hosts/host-agent-store.js';
import {
  deleteResource,
  insertResource,
  replaceTags,
  resourceRow,
  resourceView,
  type ResourceRow,
  type ResourceView,
} from './resource-store.js';
import type { CoverageReason, CoverageStatus } from './coverage/coverage-decision.js';
import { coverageOfResources } from './coverage/coverage-store.js';

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
  const [view] = await withLiveFacts(ctx, accountId, [row]);
  if (!view) throw new NotFoundError(`resource ${id}`);
  return view;
}

/** Views of these rows with their coverage (the coverage table's) and, for hosts, their agent's facts. */
async function withLiveFacts(
  ctx: StoreContext,
  accountId: string,
  rows: ResourceRow[],
): Promise<ResourceView[]> {
  // An IN list per chunk keeps each query under PostgreSQL's and SQLite's parameter limits.
  const coverage = new Map<string, { status: CoverageStatus; reason: CoverageReason }>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    for (const [k, v] of await coverageOfResources(ctx.db, accountId, ids)) coverage.set(k, v);
  }
  const views = rows.map((r) => {
    const c = coverage.get(r.id);
    return resourceView(r, c ? { scanType: 'PACKAGE', ...c } : undefined);
  });
  return withAgentFacts(ctx, accountId, views);
}

/**
 * Hosts an agent reports show what it reported last (hostname, addresses, agent version, last
 * check-in), which the heartbeat keeps in its own row rather than rewriting the resource each time.
 */
async function withAgentFacts(
  ctx: StoreContext,
  accountId: string,
  views: ResourceView[],
): Promise<ResourceView[]> {
  const hosts = views.filter((v) => v.type === 'HOST').map((v) => v.id);
  if (hosts.length === 0) return views;
  const facts = await agentFactsOf(ctx.db, accountId, hosts);
  return views.map((v) => {
    const f = facts.get(v.id);
    if (!f) return v;
    const live = {
      hostname: f.hostname,
      machineId: f.machineId,
      ipAddresses: f.ipAddresses,
      agentVersion: f.agentVersion,
    };
    return {
      ...v,
      details: { ...v.details, ...live, lastCheckinAt: f.lastCheckinAt, enrolledAt: f.enrolledAt },
    };
  });
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
  return withLiveFacts(ctx, accountId, await q.orderBy('id').execute());
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
  // A host tagged vigil:exclude=true has its findings closed and its coverage EXCLUDED_BY_TAG here.
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
