import type { Kysely, Transaction } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { VexSourceDocument } from './vex-matcher.js';
import type { VexDocumentContent } from './vex-types.js';

/** An account's stored VEX documents in upload order, as the matcher reads them. */
export async function loadVexDocuments(
  db: Transaction<ServiceDatabase> | Kysely<ServiceDatabase>,
  accountId: string,
): Promise<VexSourceDocument[]> {
  const rows = await db
    .selectFrom('vex_documents')
    .select(['id', 'content_json'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ documentId: r.id, content: JSON.parse(r.content_json) as VexDocumentContent }));
}
