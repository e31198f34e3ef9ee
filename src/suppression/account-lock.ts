import type { Transaction } from 'kysely';
import type { ServiceDialect } from '../server/storage/service-db.js';
import type { ServiceDatabase } from '../server/storage/service-db-schema.js';

/**
 * Serializes the transactions that re-evaluate one account's suppression. Under PostgreSQL's READ
 * COMMITTED, two rule changes of one account would each re-evaluate without the other's uncommitted
 * rule and the later commit would overwrite the earlier one's statuses; locking the account row first
 * makes the second wait and then see the first rule. SQLite already runs one writer at a time.
 */
export async function lockAccountSuppression(
  trx: Transaction<ServiceDatabase>,
  dialect: ServiceDialect,
  accountId: string,
): Promise<void> {
  if (dialect !== 'postgres') return;
  await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
}
