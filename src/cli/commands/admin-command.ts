import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.js';
import type { CliIo } from '../cli-io.js';
import { auditCliAction } from '../../accounts/audit/audit-entry.js';
import { createApiKey, revokeApiKey } from '../../accounts/api-keys.js';
import { DEFAULT_SERVICE_DB_URL, openServiceDb } from '../../store/service-db.js';
import type { ApiKeyRole } from '../../store/service-db-schema.js';
import { registerCreateEnrollmentToken } from './admin-enrollment-command.js';

const ROLES: readonly ApiKeyRole[] = ['admin', 'member', 'read-only'];
const DATABASE_HELP = `sqlite:PATH or postgres://… (default ${DEFAULT_SERVICE_DB_URL})`;

/** `vigil admin create-key`: the only way to the first admin key (there is no default password). */
export function registerAdminCommand(program: Command, io: CliIo): void {
  const admin = program.command('admin').description('service administration on the server database');
  admin
    .command('create-key')
    .description('create an API key for an account (creating the account if new); prints the key once')
    .requiredOption('--account <id>', 'account id')
    .option('--role <role>', 'admin | member | read-only', 'admin')
    .option('--name <text>', 'what the key is for ("ci", "agent on web-1"), shown in key lists')
    .option('--database <url>', DATABASE_HELP)
    .action(async (opts: { account: string; role: string; name?: string; database?: string }) => {
      const role = ROLES.find((r) => r === opts.role);
      if (!role) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`, { role: opts.role });
      const db = await openServiceDb(opts.database ? { url: opts.database } : {});
      try {
        const now = new Date().toISOString();
        await db.kysely
          .insertInto('accounts')
          .values({
            id: opts.account,
            name: opts.account,
            organization_id: null,
            host_scanning: 1,
            image_scanning: 1,
            network_scanning: 1,
            created_at: now,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        const key = await createApiKey(db.kysely, {
          accountId: opts.account,
          role,
          ...(opts.name !== undefined ? { name: opts.name } : {}),
        });
        await auditCliAction(db.kysely, 'admin create-key', opts.account, { keyId: key.id }, { role });
        io.stderr.write(
          `created ${role} key ${key.prefix}… (id ${key.id}) for account ${opts.account}; it is shown only now:\n`,
        );
        io.stdout.write(`${key.key}\n`);
      } finally {
        await db.close();
      }
    });
  registerRevokeKey(admin, io);
  registerCreateEnrollmentToken(admin, io);
}

/** `vigil admin revoke-key`: the way back in when the only admin key leaked (the API needs a key). */
function registerRevokeKey(admin: Command, io: CliIo): void {
  admin
    .command('revoke-key')
    .description('revoke an API key by id: it is refused from its next use on')
    .requiredOption('--key-id <id>', 'the key id (as shown by create-key and key lists)')
    .option('--database <url>', DATABASE_HELP)
    .action(async (opts: { keyId: string; database?: string }) => {
      const db = await openServiceDb(opts.database ? { url: opts.database } : {});
      try {
        const row = await db.kysely
          .selectFrom('api_keys')
          .select('account_id')
          .where('id', '=', opts.keyId)
          .executeTakeFirst();
        if (!row) throw new UsageError(`no key with id ${opts.keyId}`, { keyId: opts.keyId });
        const info = await revokeApiKey(db.kysely, {
          accountId: row.account_id,
          keyId: opts.keyId,
          now: new Date(),
        });
        await auditCliAction(db.kysely, 'admin revoke-key', row.account_id, { keyId: opts.keyId });
        io.stderr.write(
          `revoked key ${info?.prefix ?? ''}… (id ${opts.keyId}) of account ${row.account_id}\n`,
        );
      } finally {
        await db.close();
      }
    });
}
