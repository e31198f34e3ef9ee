import { ensureStandaloneAccount } from '../../accounts/organization-service.js';
import { UsageError } from '../../core/errors/usage-error.js';
import type { CliIo } from '../cli-io.js';
import { auditCliAction } from '../../accounts/audit/audit-entry.js';
import { createApiKey, revokeApiKey } from '../../accounts/api-keys.js';
import { openServiceDb } from '../../store/service-db.js';
import type { ApiKeyRole } from '../../store/service-db-schema.js';

/** `vigil admin create-key`: the account (created if new) and a key for it, printed once. */
export async function runCreateKey(
  io: CliIo,
  opts: { account: string; role: ApiKeyRole; name?: string; database?: string },
): Promise<void> {
  const { role } = opts;
  const db = await openServiceDb(opts.database ? { url: opts.database } : {});
  try {
    await ensureStandaloneAccount(db.kysely, opts.account, new Date());
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
}

/** `vigil admin revoke-key`: refuses the key from its next use on. */
export async function runRevokeKey(io: CliIo, opts: { keyId: string; database?: string }): Promise<void> {
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
    io.stderr.write(`revoked key ${info?.prefix ?? ''}… (id ${opts.keyId}) of account ${row.account_id}\n`);
  } finally {
    await db.close();
  }
}
