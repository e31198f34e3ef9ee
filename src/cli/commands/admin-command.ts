import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.js';
import type { CliIo } from '../cli-io.js';
import { auditCliAction } from '../../accounts/audit/audit-entry.js';
import { createApiKey, revokeApiKey } from '../../accounts/api-keys.js';
import { createAwsCredentials } from '../../accounts/aws-access-keys.js';
import { DEFAULT_SERVICE_DB_URL, openServiceDb, type ServiceDb } from '../../store/service-db.js';
import { defaultSecretKeyPath, loadOrCreateSecretKey } from '../../store/secret-key-file.js';
import { assertSecretsReadable } from '../../store/secret-key-check.js';
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
      if (opts.format === 'aws') return createAwsKey(opts, role, io);
      const db = await openServiceDb(opts.database ? { url: opts.database } : {});
      try {
        const now = new Date().toISOString();
        await ensureAccount(db, opts.account, now);
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

interface CreateKeyOptions {
  account: string;
  role: string;
  name?: string;
  database?: string;
  format: string;
  secretKeyFile?: string;
}

/** The account a new key is for, created if new (the first key of a fresh server makes its account). */
async function ensureAccount(db: ServiceDb, account: string, now: string): Promise<void> {
  await db.kysely
    .insertInto('accounts')
    .values({
      id: account,
      name: account,
      organization_id: null,
      host_scanning: 1,
      image_scanning: 1,
      network_scanning: 1,
      created_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * `create-key --format aws`: a new vigil key with AWS credentials bound to it. The secret access key
 * is sealed under the server key (the one `vigil server` uses, made here if there is none yet), so the
 * server can recompute signatures; revoking the printed key id revokes the credentials.
 */
async function createAwsKey(opts: CreateKeyOptions, role: ApiKeyRole, io: CliIo): Promise<void> {
  const url = opts.database ?? DEFAULT_SERVICE_DB_URL;
  const key = loadOrCreateSecretKey(opts.secretKeyFile ?? defaultSecretKeyPath(url));
  const db = await openServiceDb({ url, secrets: key.box });
  try {
    await assertSecretsReadable(db.kysely, key.box, key.path, key.created);
    if (key.created)
      io.stderr.write(`made secret key ${key.path} (key ${key.box.keyId}): back it up with the database\n`);
    const now = new Date();
    await ensureAccount(db, opts.account, now.toISOString());
    const created = await createAwsCredentials(db.kysely, key.box, {
      accountId: opts.account,
      role,
      now,
      ...(opts.name !== undefined ? { name: opts.name } : {}),
    });
    await auditCliAction(
      db.kysely,
      'admin create-key',
      opts.account,
      { keyId: created.keyId },
      {
        role,
        format: 'aws',
      },
    );
    io.stderr.write(
      `created ${role} key (id ${created.keyId}) for account ${opts.account} with AWS credentials ` +
        `${created.accessKeyId}; the secret is shown only now:\n`,
    );
    io.stdout.write(
      `AWS_ACCESS_KEY_ID=${created.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${created.secretAccessKey}\n`,
    );
  } catch (err) {
    if (key.created) key.discard();
    throw err;
  } finally {
    await db.close();
  }
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
