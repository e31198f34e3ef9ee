import type { Insertable, Kysely } from 'kysely';
import { isMutatingMethod } from '../../core/request-methods.js';
import type { AuditLogTable, ServiceDatabase } from '../../store/service-db-schema.js';

/** One audited call: who (key), on which account, what (method + route pattern), on what, and how it ended. */
export interface AuditEntry {
  at: string;
  keyId: string | null;
  accountId: string | null;
  action: string;
  target: Record<string, string> | null;
  result: string;
  details: Record<string, unknown>;
}

/** Reads change nothing and are not audited; every other method is, refused or not. */
export function isAudited(method: string): boolean {
  return isMutatingMethod(method);
}

/** `/v1/accounts/:accountId/keys` → `/v1/accounts/{accountId}/keys`: the spelling of /openapi.json. */
export function routePattern(fastifyUrl: string): string {
  return fastifyUrl.replace(/:(\w+)/g, '{$1}');
}

/** The path parameters other than the account (that one has its own column); null when none. */
export function targetOf(params: unknown): Record<string, string> | null {
  if (!params || typeof params !== 'object') return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    // Ids are short; a long value is a probe, and the log must not become its storage.
    if (k !== 'accountId' && typeof v === 'string') out[k] = v.slice(0, 200);
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** Response fields that name the object a call created or acted on; never `key` or `secret`. */
const ID_FIELDS = ['id', 'reportId', 'scanId', 'resourceId', 'ruleId', 'subscriptionId', 'organizationId'];

/**
 * What the audit row keeps of a response body: the ids of the object it made, or the error code of a
 * refusal. An allow-list, so a response carrying a new key or a webhook secret cannot leak into the log.
 */
export function detailsOfResponse(status: number, payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'string' || payload.length > 65_536) return {};
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return {};
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  if (status >= 400) return typeof b['code'] === 'string' ? { errorCode: b['code'] } : {};
  const out: Record<string, unknown> = {};
  for (const f of ID_FIELDS) if (typeof b[f] === 'string') out[f] = b[f];
  return out;
}

function auditRow(e: AuditEntry): Insertable<AuditLogTable> {
  return {
    at: e.at,
    key_id: e.keyId,
    account_id: e.accountId,
    action: e.action,
    target: e.target ? JSON.stringify(e.target) : null,
    result: e.result,
    details_json: JSON.stringify(e.details),
  };
}

export async function writeAuditEntry(db: Kysely<ServiceDatabase>, e: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(e)).execute();
}

/** Writes a row and returns its seq, for a row that is updated later (an aggregate's count). */
export async function insertAuditEntry(db: Kysely<ServiceDatabase>, e: AuditEntry): Promise<number> {
  const row = await db.insertInto('audit_log').values(auditRow(e)).returning('seq').executeTakeFirstOrThrow();
  return Number(row.seq);
}

export async function updateAuditDetails(
  db: Kysely<ServiceDatabase>,
  seq: number,
  details: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('audit_log')
    .set({ details_json: JSON.stringify(details) })
    .where('seq', '=', seq)
    .execute();
}

/**
 * An administrative CLI action (`vigil admin …`) in the same log as API calls: no key made the call
 * (the operator has the database), so key_id is null and the action names the command.
 */
export async function auditCliAction(
  db: Kysely<ServiceDatabase>,
  command: string,
  accountId: string,
  target: Record<string, string>,
  details: Record<string, unknown> = {},
): Promise<void> {
  await writeAuditEntry(db, {
    at: new Date().toISOString(),
    keyId: null,
    accountId,
    action: `CLI vigil ${command}`,
    target,
    result: 'OK',
    details,
  });
}
