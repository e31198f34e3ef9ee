import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.js';
import type { CliIo } from '../cli-io.js';
import type { CreateKeyOptions } from './admin-aws-key-action.js';
import { DEFAULT_SERVICE_DB_URL } from '../../store/service-db-defaults.js';
import type { ApiKeyRole } from '../../store/service-db-schema.js';
import { registerCreateEnrollmentToken } from './admin-enrollment-command.js';

const ROLES: readonly ApiKeyRole[] = ['admin', 'member', 'read-only'];
const DATABASE_HELP = `sqlite:PATH or postgres://… (default ${DEFAULT_SERVICE_DB_URL})`;

/**
 * `vigil admin create-key`: the only way to the first admin key (there is no default password). Flags
 * and help only; the service DB loads when a subcommand runs (admin-action.ts).
 */
export function registerAdminCommand(program: Command, io: CliIo): void {
  const admin = program.command('admin').description('service administration on the server database');
  admin
    .command('create-key')
    .description('create an API key for an account (creating the account if new); prints the key once')
    .requiredOption('--account <id>', 'account id')
    .option('--role <role>', 'admin | member | read-only', 'admin')
    .option('--name <text>', 'what the key is for ("ci", "agent on web-1"), shown in key lists')
    .option('--database <url>', DATABASE_HELP)
    .option(
      '--format <format>',
      'key: a vigil API key; aws: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY lines for the Inspector2-compatible API',
      'key',
    )
    .option('--secret-key-file <file>', 'the server key AWS secrets are sealed under (as `vigil server`)')
    .action(async (opts: CreateKeyOptions) => {
      const role = ROLES.find((r) => r === opts.role);
      if (!role) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`, { role: opts.role });
      if (opts.format !== 'key' && opts.format !== 'aws')
        throw new UsageError('--format must be key or aws', { format: opts.format });
      if (opts.format === 'aws')
        return (await import('./admin-aws-key-action.js')).runCreateAwsKey(io, opts, role);
      await (await import('./admin-action.js')).runCreateKey(io, { ...opts, role });
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
      await (await import('./admin-action.js')).runRevokeKey(io, opts);
    });
}
