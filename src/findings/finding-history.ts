import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';

export interface FindingHistoryEntry {
  at: string;
  /** created | updated | closed: the finding event that left this status. */
  event: string;
  status: string;
}

/**
 * A finding's status history, oldest first, or undefined when the finding is not in a visible
 * account (so a route answers 404 alike for another account's finding and for no finding). Updates
 * that left the status as it was (a new score, a new fix) are folded away: this is the status history,
 * and the finding itself shows its latest details.
 */
export async function findingHistory(
  db: Kysely<ServiceDatabase>,
  accountIds: readonly string[],
  findingId: string,
): Promise<FindingHistoryEntry[] | undefined> {
  if (accountIds.length === 0) return undefined;
  const finding = await db
    .selectFrom('findings')
    .select('account_id')
    .where('id', '=', findingId)
    .where('account_id', 'in', accountIds)
    .executeTakeFirst();
  if (!finding) return undefined;
  const rows = await db
    .selectFrom('finding_status_history')
    .select(['at', 'event', 'status'])
    .where('finding_id', '=', findingId)
    .where('account_id', '=', finding.account_id)
    .orderBy('seq')
    .execute();
  return foldUnchanged(rows);
}

function foldUnchanged(rows: readonly FindingHistoryEntry[]): FindingHistoryEntry[] {
  const out: FindingHistoryEntry[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && r.event === 'updated' && last.status === r.status) continue;
    out.push({ at: r.at, event: r.event, status: r.status });
  }
  return out;
}
