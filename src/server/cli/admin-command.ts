import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.js';
import type { CliIo } from '../../cli/cli-io.js';
import { createApiKey } from '../auth/api-keys.js';
import { DEFAULT_SERVICE_DB_URL, openServiceDb } from '../storage/service-db.js';
import type { ApiKeyRole } from '../storage/service-db-schema.js';

const ROLES: readonly ApiKeyRole[] = ['admin', 'member', 'read-only'];

/** `vigil admin create-key`: the only way to the first admin key (there is no default password). */
export function registerAdminCommand(program: Command, io: CliIo): void {
  const admin = program.command('admin').description('service administration on the server database');
  admin
    .command('create-key')
    .description('create an API key for an account (creating the account if new); prints the key once')
    .requiredOption('--account <id>', 'account id')
    .option('--role <role>', 'admin | member | read-only', 'admin')
    .option('--database <url>', `sqlite:PATH or postgres://… (default ${DEFAULT_SERVICE_DB_URL})`)
    .action(async (opts: { account: string; role: string; database?: string }) => {
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
        const key = await createApiKey(db.kysely, { accountId: opts.account, role });
        io.stderr.write(
          `created ${role} key ${key.prefix}… (id ${key.id}) for account ${opts.account}; it is shown only now:\n`,
        );
        io.stdout.write(`${key.key}\n`);
      } finally {
        await db.close();
      }
    });
}
