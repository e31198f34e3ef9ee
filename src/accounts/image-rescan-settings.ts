import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';

/** How long after its push an image is rescanned when new vulnerability data arrives (issue 13). */
export const RESCAN_DURATIONS = ['LIFETIME', 'DAYS_14', 'DAYS_30', 'DAYS_60', 'DAYS_90', 'DAYS_180'] as const;
export type RescanDuration = (typeof RESCAN_DURATIONS)[number];
/** The same window counted from the image's last pull. */
export const PULL_RESCAN_DURATIONS = ['DAYS_14', 'DAYS_30', 'DAYS_60', 'DAYS_90', 'DAYS_180'] as const;
export type PullRescanDuration = (typeof PULL_RESCAN_DURATIONS)[number];
export const PULL_RESCAN_MODES = ['LAST_PULL_DATE'] as const;
export type PullRescanMode = (typeof PULL_RESCAN_MODES)[number];

export const DEFAULT_RESCAN_DURATION: RescanDuration = 'DAYS_90';

/**
 * An account's image rescan window, in the words of Inspector's ecrConfiguration. It is stored with
 * the account's scan settings now; the registries issue (13) decides from it which images stay in
 * continuous rescanning.
 */
export interface ImageRescanSettings {
  rescanDuration: RescanDuration;
  pullDateRescanDuration?: PullRescanDuration;
  pullDateRescanMode?: PullRescanMode;
  /** When it was last set; absent while the account keeps the default. */
  updatedAt?: string;
}

/** Undefined for an unknown account. */
export async function getImageRescan(
  db: Kysely<ServiceDatabase>,
  accountId: string,
): Promise<ImageRescanSettings | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select([
      'image_rescan_duration',
      'image_pull_rescan_duration',
      'image_pull_rescan_mode',
      'image_rescan_updated_at',
    ])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    rescanDuration: (row.image_rescan_duration as RescanDuration | null) ?? DEFAULT_RESCAN_DURATION,
    ...(row.image_pull_rescan_duration
      ? { pullDateRescanDuration: row.image_pull_rescan_duration as PullRescanDuration }
      : {}),
    ...(row.image_pull_rescan_mode
      ? { pullDateRescanMode: row.image_pull_rescan_mode as PullRescanMode }
      : {}),
    ...(row.image_rescan_updated_at ? { updatedAt: row.image_rescan_updated_at } : {}),
  };
}

/**
 * Replaces the window (absent pull-date fields are cleared, as Inspector's UpdateConfiguration does);
 * undefined for an unknown account.
 */
export async function setImageRescan(
  db: Kysely<ServiceDatabase>,
  opts: {
    accountId: string;
    rescanDuration: RescanDuration;
    pullDateRescanDuration?: PullRescanDuration;
    pullDateRescanMode?: PullRescanMode;
    now: Date;
  },
): Promise<ImageRescanSettings | undefined> {
  const res = await db
    .updateTable('accounts')
    .set({
      image_rescan_duration: opts.rescanDuration,
      image_pull_rescan_duration: opts.pullDateRescanDuration ?? null,
      image_pull_rescan_mode: opts.pullDateRescanMode ?? null,
      image_rescan_updated_at: opts.now.toISOString(),
    })
    .where('id', '=', opts.accountId)
    .executeTakeFirst();
  return res.numUpdatedRows === 0n ? undefined : getImageRescan(db, opts.accountId);
}
