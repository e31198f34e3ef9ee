import type { Transaction } from 'kysely';
import { HostKeyInvalidError } from '../../accounts/host-key-invalid-error.js';
import { ScanningDisabledError } from '../../accounts/scanning-disabled-error.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { ResourceExcludedError } from '../resource-excluded-error.js';
import { isExcluded } from './coverage-decision.js';
import { lockCoverage } from './coverage-store.js';

/**
 * Inside the transaction that applies a scan, before anything is written: the scan may still apply.
 * The coverage row is locked first, so a tag change, a scan switch or a deletion that committed while
 * the inventory was being matched is seen here (and one that comes later waits for this one). Refused:
 * a host tagged for exclusion (RESOURCE_EXCLUDED), a kind the account switched off
 * (SCANNING_DISABLED), and for an agent's check-in a host deregistered meanwhile (HOST_KEY_INVALID:
 * a check-in never brings a deleted host back; a submission through the API may).
 */
export async function requireScannable(
  trx: Transaction<ServiceDatabase>,
  r: { accountId: string; resourceId: string; agent: boolean },
): Promise<void> {
  await lockCoverage(trx, r.accountId, r.resourceId);
  const row = await trx
    .selectFrom('resources as r')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .select(['r.type', 'r.tags_json', 'r.deleted_at', 'a.host_scanning', 'a.image_scanning'])
    .where('r.account_id', '=', r.accountId)
    .where('r.id', '=', r.resourceId)
    .executeTakeFirst();
  if (r.agent && (!row || row.deleted_at)) throw new HostKeyInvalidError();
  if (!row || row.deleted_at) return;
  const kind = row.type === 'HOST' ? 'host' : 'image';
  if ((kind === 'host' ? row.host_scanning : row.image_scanning) === 0)
    throw new ScanningDisabledError(r.accountId, kind);
  if (isExcluded(row.type, JSON.parse(row.tags_json) as Record<string, string>))
    throw new ResourceExcludedError(r.resourceId);
}
