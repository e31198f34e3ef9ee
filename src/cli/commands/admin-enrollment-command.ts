import type { Command } from 'commander';
import { auditCliAction } from '../../accounts/audit/audit-entry.js';
import { createEnrollmentToken } from '../../accounts/enrollment-tokens.js';
import { parseDurationSeconds } from '../../core/duration.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { isVigilError } from '../../core/errors/vigil-error.js';
import { checkTags } from '../../resources/resource-service.js';
import { DEFAULT_SERVICE_DB_URL, openServiceDb } from '../../store/service-db.js';
import type { CliIo } from '../cli-io.js';

interface Options {
  account: string;
  tag: string[];
  expires?: string;
  maxUses?: string;
  name?: string;
  database?: string;
}

function collectTag(value: string, previous: string[]): string[] {
  return [...previous, value];
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

/**
 * `vigil admin create-enrollment-token`: a token `vigil agent --enroll-token` trades for a host key,
 * printed once (stdout), stored as its SHA-256. The account is created when new, as create-key does.
 */
export function registerCreateEnrollmentToken(admin: Command, io: CliIo): void {
  admin
    .command('create-enrollment-token')
    .description('create a host enrollment token for an account; prints the token once')
    .requiredOption('--account <id>', 'account id')
    .option(
      '--tag <key=value>',
      'tag every host enrolled with it (repeatable); vigil:exclude=true excludes',
      collectTag,
      [],
    )
    .option('--expires <duration>', 'lifetime: 90s, 30m, 24h, 7d (default 24h, at most 365d)')
    .option('--max-uses <n>', 'how many enrollments it allows (default: any number)')
    .option('--name <text>', 'what the token is for, shown in token lists')
    .option('--database <url>', `sqlite:PATH or postgres://… (default ${DEFAULT_SERVICE_DB_URL})`)
    .action(async (opts: Options) => {
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
        await db.kysely
          .insertInto('accounts')
          .values({
            id: opts.account,
            name: opts.account,
            organization_id: null,
            host_scanning: 1,
            image_scanning: 1,
            network_scanning: 1,
            created_at: now.toISOString(),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
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
    });
}
