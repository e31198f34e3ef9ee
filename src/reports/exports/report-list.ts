import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { ReportHeader } from './report-store.js';

/** The newest reports of some accounts, without their content (a list must not read megabytes). */
export async function listReportHeaders(
  db: Kysely<ServiceDatabase>,
  accountIds: readonly string[],
  limit: number,
): Promise<ReportHeader[]> {
  if (!accountIds.length) return [];
  return db
    .selectFrom('reports')
    .select([
      'id',
      'account_id',
      'key_id',
      'kind',
      'format',
      'request_json',
      'scope_json',
      'status',
      'error_json',
      'content_type',
      'size',
      'created_at',
      'started_at',
      'finished_at',
    ])
    .where('account_id', 'in', accountIds)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
