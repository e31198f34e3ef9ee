import type { Principal } from '../../accounts/api-keys.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { accessDenied, invalidInput } from './inspector2-errors.js';

/** What an operation is handed: the service, the caller, its checked input. */
export interface OperationCall {
  ctx: ServiceContext;
  principal: Principal;
  /** The region the request was signed for: it goes into the ARNs of the answer. */
  region: string;
  /** The operation's input, checked against the model (timestamps as ISO-8601 strings). */
  input: Record<string, unknown>;
  /** Where this API is served, as the client addressed it (report URLs are built on it). */
  baseUrl: string;
}

export interface Operation {
  /** Mutating operations are refused to read-only keys, as /v1 refuses them every non-GET route. */
  mutates: boolean;
  run(call: OperationCall): Promise<Record<string, unknown>>;
}

/** An admin key of the account or of its delegated administrator, as /v1's requireAdmin. */
export function requireAdminOf(p: Principal, accountId: string): void {
  requireVisible(p, accountId);
  if (p.role !== 'admin')
    throw accessDenied('an admin key of the account or of the delegated administrator is needed');
}

/**
 * Writing into an account, as /v1's requireWriter: every key of the delegated administrator reads the
 * member accounts, but only its admin keys write into them; member keys write in their own account.
 */
export function requireWriterOf(p: Principal, accountId: string): void {
  requireVisible(p, accountId);
  if (p.accountId !== accountId && p.role !== 'admin')
    throw accessDenied('only admin keys of the delegated administrator write into member accounts');
}

/** The account must be one the key sees (its own, or a member of the organization it administers). */
export function requireVisible(p: Principal, accountId: string): void {
  if (!p.visibleAccountIds.includes(accountId))
    throw accessDenied(`the key of account ${p.accountId} has no access to account ${accountId}`);
}

/** Offset tokens for lists computed whole per page (filters, members): base64 of the offset. */
export function offsetOf(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const n = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isSafeInteger(n) || n < 0)
    throw invalidInput('nextToken is not a token this server issued', 'nextToken');
  return n;
}

export function pageOf<T>(
  items: readonly T[],
  offset: number,
  max: number,
): { items: T[]; nextToken?: string } {
  const page = items.slice(offset, offset + max);
  return {
    items: page,
    ...(offset + max < items.length
      ? { nextToken: Buffer.from(String(offset + max)).toString('base64url') }
      : {}),
  };
}
