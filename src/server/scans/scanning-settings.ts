import type { Kysely } from 'kysely';
import { HttpError } from '../http/http-error.js';
import type { ServiceDatabase } from '../storage/service-db-schema.js';

const COLUMN = { host: 'host_scanning', image: 'image_scanning' } as const;

/** 409 SCANNING_DISABLED when the account switched this kind of scanning off (PUT …/scanning). */
export async function requireScanningEnabled(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  kind: keyof typeof COLUMN,
): Promise<void> {
  const row = await db
    .selectFrom('accounts')
    .select(COLUMN[kind])
    .where('id', '=', accountId)
    .executeTakeFirst();
  const on = row ? (row as Record<string, number>)[COLUMN[kind]] : 0;
  if (on !== 1)
    throw new HttpError(409, 'SCANNING_DISABLED', `${kind} scanning is disabled for account ${accountId}`, {
      accountId,
      scanType: kind,
    });
}
