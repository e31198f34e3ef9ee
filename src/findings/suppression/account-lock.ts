import { PostgresAdapter, type Transaction } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

/** SQLite runs one writer at a time already: the row locks below matter on PostgreSQL only. */
function onPostgres(trx: Transaction<ServiceDatabase>): boolean {
  return trx.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Serializes the transactions that re-evaluate one account's suppression. Under PostgreSQL's READ
 * COMMITTED, two rule changes of one account would each re-evaluate without the other's uncommitted
 * rule and the later commit would overwrite the earlier one's statuses; locking the account row first
 * makes the second wait and then see the first rule.
 */
export async function lockAccountSuppression(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
): Promise<void> {
  if (!onPostgres(trx)) return;
  await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
}

/**
 * What a scan takes instead: FOR SHARE waits for a rule change in flight (so new findings are evaluated
 * with its rule) while scans of one account still run side by side.
 */
export async function shareAccountSuppression(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
): Promise<void> {
  if (!onPostgres(trx)) return;
  await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forShare().execute();
}
