import type { Kysely } from 'kysely';
import { ValidationError } from '../../core/errors/validation-error.js';
import type { AuditEntry } from './audit-entry.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

export interface AuditQuery {
  /** Only rows of these accounts (the caller's visible ones, or the one it asked for). */
  accountIds: readonly string[];
  action?: string;
  /** ISO timestamps: `since` inclusive, `until` exclusive. */
  since?: string;
  until?: string;
  limit: number;
  nextToken?: string;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
}

/** The cursor is the last seq returned: seq only grows, so newest-first pages stay stable under inserts. */
function encodeToken(seq: number): string {
  return Buffer.from(JSON.stringify({ seq })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString()) as { seq?: unknown };
    if (typeof c.seq === 'number' && Number.isSafeInteger(c.seq)) return c.seq;
  } catch {
    // falls through to the 400 below
  }
  throw new ValidationError('nextToken is not a token this server issued');
}

/** Audit rows, newest first, keyset-paginated on seq. */
export async function listAuditLog(
  db: Kysely<ServiceDatabase>,
  q: AuditQuery,
): Promise<{ entries: AuditRecord[]; nextToken?: string }> {
  if (q.accountIds.length === 0) return { entries: [] };
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('account_id', 'in', [...q.accountIds])
    .orderBy('seq', 'desc')
    .limit(q.limit + 1);
  if (q.action !== undefined) query = query.where('action', '=', q.action);
  if (q.since !== undefined) query = query.where('at', '>=', q.since);
  if (q.until !== undefined) query = query.where('at', '<', q.until);
  if (q.nextToken !== undefined) query = query.where('seq', '<', decodeToken(q.nextToken));
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((r) => ({
      // PostgreSQL returns bigserial as a string; the API says number.
      seq: Number(r.seq),
      at: r.at,
      keyId: r.key_id,
      accountId: r.account_id,
      action: r.action,
      target: r.target ? (JSON.parse(r.target) as Record<string, string>) : null,
      result: r.result,
      details: JSON.parse(r.details_json) as Record<string, unknown>,
    })),
    ...(rows.length > q.limit && last ? { nextToken: encodeToken(Number(last.seq)) } : {}),
  };
}
