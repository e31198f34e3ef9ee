import type { Transaction } from 'kysely';
import { getImageScanConfig, type ImageScanConfig } from '../accounts/image-scan-config.js';
import { scanningEnabled } from '../accounts/scanning-settings.js';
import type { RegistryEvent } from '../resources/registries/registry-event-parse.js';
import {
  recordDelete,
  recordPull,
  recordPush,
  recordScanQueued,
  registryImage,
  type ImagePush,
} from '../resources/registries/registry-image-store.js';
import type { RegistryRow } from '../resources/registries/registry-store.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { StoreContext } from '../store/store-context.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { queueScan } from './scan-store.js';

type Trx = Transaction<ServiceDatabase>;

/** What one notification did. */
export interface EventOutcome {
  scansQueued: number;
  /** Pushes of a digest a queued, running or later scan already covers. */
  deduplicated: number;
  /** Pushes to repositories no inclusion rule matches (coverage EXCLUDED_BY_RULE). */
  excluded: number;
  pulls: number;
  deleted: number;
}

/**
 * Applies what a watched registry told: a push records the image and queues its scan through THE scan
 * service's queue (unless a scan of that digest is queued or running, or started after the event:
 * 1,000 identical pushes make one scan); a pull moves its last pull date; a delete terminates it.
 * Each event in its own short transaction, so a burst never holds the writer long.
 */
export async function applyRegistryEvents(
  ctx: StoreContext,
  registry: RegistryRow,
  events: readonly RegistryEvent[],
): Promise<EventOutcome> {
  const out: EventOutcome = { scansQueued: 0, deduplicated: 0, excluded: 0, pulls: 0, deleted: 0 };
  const config = await getImageScanConfig(ctx.db, registry.account_id);
  if (!config) return out;
  const enabled = await scanningEnabled(ctx.db, registry.account_id, 'image');
  for (const e of events) {
    if (e.action === 'push') {
      const push: ImagePush = {
        accountId: registry.account_id,
        registryId: registry.id,
        registryHost: registry.host,
        repository: e.repository,
        digest: e.digest,
        tag: e.tag,
        mediaType: e.mediaType,
        at: e.at,
      };
      const r = await retryingOnce(() =>
        ctx.db.transaction().execute((trx) => pushOne(ctx, trx, push, config, enabled)),
      );
      out[r]++;
    } else if (e.action === 'pull') {
      const pulled = await ctx.db
        .transaction()
        .execute((trx) =>
          recordPull(trx, registry.host, registry.account_id, e.digest, e.at, config, ctx.now()),
        );
      if (pulled) out.pulls++;
    } else {
      const before = await registryImage(ctx.db, registry.account_id, e.digest);
      await ctx.db
        .transaction()
        .execute((trx) => recordDelete(trx, registry.account_id, e.digest, ctx.now()));
      if (before && before.deleted_at === null) out.deleted++;
    }
  }
  return out;
}

/** Two first pushes of one new digest at once both insert its row: the loser runs again and sees it. */
async function retryingOnce<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return fn();
  }
}

async function pushOne(
  ctx: StoreContext,
  trx: Trx,
  push: ImagePush,
  config: ImageScanConfig,
  enabled: boolean,
): Promise<'scansQueued' | 'deduplicated' | 'excluded'> {
  // Lock the image's row first (PostgreSQL), so concurrent pushes of one digest decide one at a time.
  await trx
    .updateTable('registry_images')
    .set((eb) => ({ pushed_at: eb.ref('pushed_at') }))
    .where('account_id', '=', push.accountId)
    .where('resource_id', '=', push.digest)
    .execute();
  const before = await registryImage(trx, push.accountId, push.digest);
  // A repeat of what is already recorded and covered (a retried or duplicated delivery) writes nothing.
  if (before && before.deleted_at === null && before.pushed_at >= push.at && hasTag(before, push.tag)) {
    if (before.scan_frequency === null || !enabled) return 'excluded';
    if (await covered(trx, before, push.at)) return 'deduplicated';
  }
  const row = await recordPush(trx, push, config, ctx.now());
  if (row.scan_frequency === null || !enabled) return 'excluded';
  if (before && before.deleted_at === null && (await covered(trx, before, push.at))) return 'deduplicated';
  await queueWatchedScan(ctx, trx, push);
  return 'scansQueued';
}

function hasTag(row: { tags_json: string }, tag: string | null): boolean {
  return tag === null || (JSON.parse(row.tags_json) as string[]).includes(tag);
}

/** Queues the scan of a watched image (its registry's credentials are opened when it runs). */
export async function queueWatchedScan(
  ctx: StoreContext,
  trx: Trx,
  image: { accountId: string; registryId: string; registryHost: string; repository: string; digest: string },
): Promise<string> {
  const registry = await trx
    .selectFrom('registries')
    .select('insecure')
    .where('id', '=', image.registryId)
    .executeTakeFirst();
  const request = {
    reference: `${image.registryHost}/${image.repository}@${image.digest}`,
    registryId: image.registryId,
    digest: image.digest,
    ...(registry?.insecure === 1 ? { insecure: true } : {}),
  };
  const scanId = await queueScan({ ...ctx, db: trx }, { accountId: image.accountId, kind: 'image', request });
  await recordScanQueued(trx, image.accountId, image.digest, scanId, ctx.now().toISOString());
  return scanId;
}

/** A scan of this digest is queued or running, or was queued after the event happened. */
async function covered(
  trx: Trx,
  row: { scan_id: string | null; scan_queued_at: string | null },
  eventAt: string,
): Promise<boolean> {
  if (!row.scan_id) return false;
  if (row.scan_queued_at && row.scan_queued_at >= eventAt) return true;
  const scan = await trx
    .selectFrom('scans')
    .select('status')
    .where('id', '=', row.scan_id)
    .executeTakeFirst();
  return scan?.status === 'QUEUED' || scan?.status === 'RUNNING';
}
