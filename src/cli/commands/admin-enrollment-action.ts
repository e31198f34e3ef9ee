import { ensureStandaloneAccount } from '../../accounts/organization-service.js';
import { auditCliAction } from '../../accounts/audit/audit-entry.js';
import { createEnrollmentToken } from '../../accounts/enrollment-tokens.js';
import { parseDurationSeconds } from '../../core/duration.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { isVigilError } from '../../core/errors/vigil-error.js';
import { checkTags } from '../../resources/resource-service.js';
import { openServiceDb } from '../../store/service-db.js';
import type { CliIo } from '../cli-io.js';

export interface EnrollmentTokenOptions {
  account: string;
  tag: string[];
  expires?: string;
  maxUses?: string;
  name?: string;
  database?: string;
}

/** `vigil admin create-enrollment-token`, once its flags are parsed (see admin-enrollment-command.ts). */
export async function createEnrollmentTokenAction(io: CliIo, opts: EnrollmentTokenOptions): Promise<void> {
  const tags = tagsOf(opts.tag);
  const expires = opts.expires === undefined ? undefined : parseDurationSeconds(opts.expires);
  if (opts.expires !== undefined && expires === undefined)
    throw new UsageError(`--expires must be a duration such as 24h, got ${opts.expires}`);
  const maxUses = opts.maxUses === undefined ? undefined : Number(opts.maxUses);
  if (maxUses !== undefined && !(Number.isSafeInteger(maxUses) && maxUses >= 1))
    throw new UsageError(`--max-uses must be a positive integer, got ${opts.maxUses}`);
  const db = await openServiceDb(opts.database ? { url: opts.database } : {});
  try {
    const now = new Date();
    await ensureStandaloneAccount(db.kysely, opts.account, now);
    const token = await createEnrollmentToken(db.kysely, {
      accountId: opts.account,
      tags,
      ...(expires !== undefined ? { expiresInSeconds: expires } : {}),
      ...(maxUses !== undefined ? { maxUses } : {}),
      ...(opts.name !== undefined ? { name: opts.name } : {}),
      now,
    }).catch((err: unknown) => {
      throw isVigilError(err) && err.code === 'VALIDATION'
        ? new UsageError(err.message, { ...err.details })
        : err;
    });
    await auditCliAction(db.kysely, 'admin create-enrollment-token', opts.account, { tokenId: token.id });
    io.stderr.write(
      `created enrollment token ${token.prefix}… (id ${token.id}) for account ${opts.account}, ` +
        `expires ${token.expiresAt ?? 'never'}, ${token.maxUses ?? 'unlimited'} uses; it is shown only now:\n`,
    );
    io.stdout.write(`${token.token}\n`);
  } finally {
    await db.close();
  }
}

function tagsOf(pairs: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--tag must be KEY=VALUE, got ${pair}`, { tag: pair });
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  try {
    return checkTags(tags);
  } catch (err) {
    throw isVigilError(err) ? new UsageError(err.message, { ...err.details }) : err;
  }
}
