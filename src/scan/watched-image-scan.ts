import type { Kysely, Transaction } from 'kysely';
import type { Credentials } from '../source/image/registry/docker-config.js';
import type { SecretBox } from '../store/secret-box.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { StoreContext } from '../store/store-context.js';
import { refreshCoverage } from '../resources/coverage/coverage-store.js';
import { imageScanOutcomeOf } from '../resources/registries/image-scan-outcome.js';
import {
  registryImage,
  watchedDetails,
  type RegistryImageRow,
} from '../resources/registries/registry-image-store.js';
import { registryCredentials } from '../resources/registries/registry-store.js';
import { WatchedScanMootError } from './watched-scan-moot-error.js';

/** What a scan queued for a watched image carries besides the reference. */
export interface WatchedScanAsk {
  registryId: string;
  digest: string;
}

/** The registry's credentials for a watched image's scan (opened here, never stored elsewhere). */
export async function watchedCredentials(
  db: Kysely<ServiceDatabase>,
  secrets: SecretBox | undefined,
  accountId: string,
  ask: WatchedScanAsk,
): Promise<Credentials | undefined> {
  const row = await db
    .selectFrom('registries')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', ask.registryId)
    .executeTakeFirst();
  if (!row || !secrets) return undefined;
  return registryCredentials(secrets, row);
}

/**
 * Before a watched image's scan is applied: it must still be wanted (not deleted, still this scan's,
 * still under a rule). Returns the resource details the registry gave (tags, push and pull dates).
 */
export async function watchedDetailsForApply(
  db: Kysely<ServiceDatabase> | Transaction<ServiceDatabase>,
  accountId: string,
  scanId: string,
  ask: WatchedScanAsk,
): Promise<Record<string, unknown>> {
  const row = await registryImage(db, accountId, ask.digest);
  if (!row || row.deleted_at !== null)
    throw new WatchedScanMootError(ask.digest, 'deleted from its registry');
  if (row.scan_id !== scanId) throw new WatchedScanMootError(ask.digest, 'a newer scan was queued');
  if (row.scan_frequency === null) throw new WatchedScanMootError(ask.digest, 'no inclusion rule covers it');
  const reg = await db
    .selectFrom('registries')
    .select('host')
    .where('id', '=', row.registry_id)
    .executeTakeFirst();
  return watchedDetails(reg?.host ?? '', row);
}

/** A watched image's scan failed: its coverage says why (ACCESS_DENIED, UNSUPPORTED_MEDIA_TYPE …). */
export async function recordWatchedFailure(
  ctx: StoreContext,
  accountId: string,
  ask: WatchedScanAsk,
  err: unknown,
): Promise<void> {
  if (err instanceof WatchedScanMootError) return;
  const row: RegistryImageRow | undefined = await registryImage(ctx.db, accountId, ask.digest);
  if (!row || row.deleted_at !== null) return;
  const outcome = imageScanOutcomeOf(err);
  await ctx.db
    .transaction()
    .execute((trx) => refreshCoverage(trx, { accountId, resourceId: ask.digest, now: ctx.now(), outcome }));
}

export function watchedAskOf(request: Record<string, unknown>): WatchedScanAsk | undefined {
  const registryId = request['registryId'];
  const digest = request['digest'];
  return typeof registryId === 'string' && typeof digest === 'string' ? { registryId, digest } : undefined;
}
