import type { AgentContext } from './agent-context.js';
import type { InventoryMeta } from './agent-state.js';
import { inventoryInChild } from './inventory-child.js';
import { packageFingerprint } from './package-fingerprint.js';

/**
 * Makes sure the kept inventory describes the root, queueing a new one in the spool when it changed:
 * rebuilt only when the package fingerprint moved (or once a day), resent at least once a day even
 * when nothing changed. A rebuild that finds the same content keeps the old inventory and its hash,
 * so a lock file touched by `apt-get update` costs one inventory and no upload. The meta file is the
 * commit point: it is written after the inventory file it names.
 */
export async function refreshInventory(ctx: AgentContext): Promise<void> {
  const now = Date.now();
  const every = ctx.config.fullInventoryEveryMs;
  const fingerprint = await packageFingerprint(ctx.config.root);
  let meta = await cached(ctx);
  const due = !meta || meta.fingerprint !== fingerprint || now - Date.parse(meta.checkedAt) >= every;
  const retry = ctx.inventoryRetry;
  const waiting = retry !== undefined && retry.fingerprint === fingerprint && now < retry.notBefore;
  if (due && !waiting) meta = (await rebuild(ctx, meta, fingerprint)) ?? meta;
  if (meta && (!meta.lastFullSentAt || now - Date.parse(meta.lastFullSentAt) >= every)) {
    await enqueueCached(ctx, meta);
  }
}

/** A failed inventory is retried after 30 s, 1 min, 2 min … at most hourly, or as soon as packages change. */
const RETRY = { baseMs: 30_000, capMs: 3_600_000 };

/** Queues the kept inventory again (the server asked for it, or the daily resend is due). */
export async function enqueueCached(ctx: AgentContext, meta: InventoryMeta): Promise<void> {
  const gz = await ctx.state.readInventory(meta);
  if (!gz) return;
  const dropped = await ctx.spool.add(meta.hash, gz);
  if (dropped.length) ctx.log('warn', 'spool.dropped', { entries: dropped });
}

export async function cached(ctx: AgentContext): Promise<InventoryMeta | undefined> {
  const meta = await ctx.state.readJson<InventoryMeta>('inventoryMeta');
  if (!meta || typeof meta.hash !== 'string' || typeof meta.checkedAt !== 'string') return undefined;
  return (await ctx.state.readInventory(meta)) ? meta : undefined;
}

async function rebuild(
  ctx: AgentContext,
  old: InventoryMeta | undefined,
  fingerprint: string,
): Promise<InventoryMeta | undefined> {
  const started = Date.now();
  const spec = {
    root: ctx.config.root,
    hostname: ctx.identity.hostname,
    stateDir: ctx.state.dir,
    ...(old ? { previousContentHash: old.contentHash } : {}),
  };
  let result;
  try {
    result = await inventoryInChild(ctx.config.self, spec, ctx.signal);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    ctx.inventoryError = { code: 'INVENTORY_FAILED', message: message.slice(0, 500) };
    const failures = ctx.inventoryRetry?.fingerprint === fingerprint ? ctx.inventoryRetry.failures + 1 : 0;
    const retryInMs = Math.min(RETRY.capMs, RETRY.baseMs * 2 ** Math.min(failures, 20));
    ctx.inventoryRetry = { fingerprint, notBefore: Date.now() + retryInMs, failures };
    ctx.log('error', 'inventory.failed', { message, retryInMs });
    return undefined;
  }
  delete ctx.inventoryRetry;
  const checkedAt = new Date().toISOString();
  if (result.unchanged && old) {
    const meta = { ...old, fingerprint, checkedAt };
    await ctx.state.write('inventoryMeta', JSON.stringify(meta));
    ctx.log('info', 'inventory.unchanged', { hash: old.hash, ms: Date.now() - started });
    return meta;
  }
  if (result.unchanged) return undefined;
  const { hash, contentHash, builtAt, file } = result;
  const meta: InventoryMeta = { hash, contentHash, file, fingerprint, builtAt, checkedAt };
  await ctx.state.write('inventoryMeta', JSON.stringify(meta));
  await ctx.state.pruneInventories(file);
  await enqueueCached(ctx, meta);
  delete ctx.inventoryError;
  ctx.log('info', 'inventory.built', {
    hash,
    packages: result.packages,
    unknowns: result.unknowns,
    gzipBytes: result.gzipBytes,
    ms: Date.now() - started,
  });
  return meta;
}
