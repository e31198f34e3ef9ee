import { ensureStandaloneAccount } from '../../accounts/organization-service.js';
import { auditCliAction } from '../../accounts/audit/audit-entry.js';
import { createAwsCredentials } from '../../accounts/aws-access-keys.js';
import { DEFAULT_SERVICE_DB_URL } from '../../store/service-db-defaults.js';
import { openServiceDb } from '../../store/service-db.js';
import type { ApiKeyRole } from '../../store/service-db-schema.js';
import { defaultSecretKeyPath, loadOrCreateSecretKey } from '../../store/secret-key-file.js';
import { assertSecretsReadable } from '../../store/secret-key-check.js';
import type { CliIo } from '../cli-io.js';

/** `vigil admin create-key`'s options, as commander parses them. */
export interface CreateKeyOptions {
  account: string;
  role: string;
  name?: string;
  database?: string;
  format: string;
  secretKeyFile?: string;
}

/**
 * `create-key --format aws`: a new vigil key with AWS credentials bound to it. The secret access key
 * is sealed under the server key (the one `vigil server` uses, made here if there is none yet), so the
 * server can recompute signatures; revoking the printed key id revokes the credentials.
 */
export async function runCreateAwsKey(io: CliIo, opts: CreateKeyOptions, role: ApiKeyRole): Promise<void> {
  const url = opts.database ?? DEFAULT_SERVICE_DB_URL;
  const key = loadOrCreateSecretKey(opts.secretKeyFile ?? defaultSecretKeyPath(url));
  const db = await openServiceDb({ url, secrets: key.box });
  try {
    await assertSecretsReadable(db.kysely, key.box, key.path, key.created);
    if (key.created)
      io.stderr.write(`made secret key ${key.path} (key ${key.box.keyId}): back it up with the database\n`);
    const now = new Date();
    await ensureStandaloneAccount(db.kysely, opts.account, now);
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
      { role, format: 'aws' },
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
