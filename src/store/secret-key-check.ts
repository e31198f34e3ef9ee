import type { Kysely } from 'kysely';
import { envelopeKeyId, type SecretBox } from './secret-box.js';
import { SecretKeyMismatchError } from './secret-key-mismatch-error.js';
import type { ServiceDatabase } from './service-db-schema.js';

/**
 * At startup, before serving: every sealed secret in the DB must be under this key. A wrong key file
 * (or a new one made because the old one was lost) is a clear error now, rather than webhooks that
 * fail one by one later. Sealed columns: webhook secrets, AWS secret access keys and registry
 * credentials.
 */
export async function assertSecretsReadable(
  db: Kysely<ServiceDatabase>,
  box: SecretBox,
  keyPath: string,
  created: boolean,
): Promise<void> {
  const rows = [
    ...(await db.selectFrom('webhook_subscriptions').select('secret_sealed').execute()),
    ...(await db.selectFrom('aws_access_keys').select('secret_sealed').execute()),
    ...(await db
      .selectFrom('registries')
      .select('credentials_sealed as secret_sealed')
      .where('credentials_sealed', 'is not', null)
      .$narrowType<{ secret_sealed: string }>()
      .execute()),
  ];
  const foreign = new Set(
    rows.map((r) => envelopeKeyId(r.secret_sealed) ?? '?').filter((k) => k !== box.keyId),
  );
  if (foreign.size === 0) return;
  const ids = [...foreign].join(', ');
  throw new SecretKeyMismatchError(
    created
      ? `no secret key file at ${keyPath}, but the database holds secrets sealed under key ${ids}: ` +
          'restore that key file, or point --secret-key-file at it'
      : `the secret key file ${keyPath} holds key ${box.keyId}, but the database holds secrets sealed ` +
          `under key ${ids}: start the server with the key file it was started with before`,
    { keyPath, keyId: box.keyId, sealedUnder: [...foreign] },
  );
}
