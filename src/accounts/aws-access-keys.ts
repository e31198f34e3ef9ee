import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../store/secret-box.js';
import { awsSecretContext } from '../store/secret-contexts.js';
import type { ApiKeyRole, ServiceDatabase } from '../store/service-db-schema.js';
import { createApiKey, principalOfKeyId, type Principal } from './api-keys.js';

/** Access key ids look like AWS's (20 characters of A–Z and 2–7) under a prefix of their own. */
export const AWS_ACCESS_KEY_PREFIX = 'VGIL';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export interface CreatedAwsCredentials {
  accessKeyId: string;
  /** Shown once; stored only sealed under the server key. */
  secretAccessKey: string;
  /** The vigil API key the credentials act as (revoking it revokes them). */
  keyId: string;
  role: ApiKeyRole;
  accountId: string;
}

/**
 * A new vigil API key of the account with AWS credentials bound to it, in one transaction. The secret
 * access key (240 random bits, 40 characters as AWS's) must be kept, not hashed: SigV4 verification
 * recomputes the signature with it. It is sealed under the server key with a context naming the access
 * key id, so a sealed value copied to another row does not open.
 */
export async function createAwsCredentials(
  db: Kysely<ServiceDatabase>,
  box: SecretBox,
  opts: { accountId: string; role: ApiKeyRole; name?: string; now: Date },
): Promise<CreatedAwsCredentials> {
  const accessKeyId = `${AWS_ACCESS_KEY_PREFIX}${base32(randomBytes(10))}`;
  const secretAccessKey = randomBytes(30).toString('base64');
  return db.transaction().execute(async (trx) => {
    const key = await createApiKey(trx, {
      accountId: opts.accountId,
      role: opts.role,
      now: opts.now,
      ...(opts.name !== undefined ? { name: opts.name } : {}),
    });
    await trx
      .insertInto('aws_access_keys')
      .values({
        access_key_id: accessKeyId,
        api_key_id: key.id,
        secret_sealed: box.seal(secretAccessKey, awsSecretContext(accessKeyId)),
        created_at: opts.now.toISOString(),
      })
      .execute();
    return { accessKeyId, secretAccessKey, keyId: key.id, role: opts.role, accountId: opts.accountId };
  });
}

export interface AwsSigningIdentity {
  secretAccessKey: string;
  principal: Principal;
}

/**
 * The secret and the principal of a live access key id: undefined when it is unknown or its vigil key
 * is revoked (both look the same to the caller).
 */
export async function awsSigningIdentity(
  db: Kysely<ServiceDatabase>,
  box: SecretBox,
  accessKeyId: string,
): Promise<AwsSigningIdentity | undefined> {
  const row = await db
    .selectFrom('aws_access_keys')
    .innerJoin('api_keys', 'api_keys.id', 'aws_access_keys.api_key_id')
    .select(['aws_access_keys.api_key_id', 'aws_access_keys.secret_sealed'])
    .where('aws_access_keys.access_key_id', '=', accessKeyId)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const principal = await principalOfKeyId(db, row.api_key_id);
  if (!principal) return undefined;
  return { secretAccessKey: box.open(row.secret_sealed, awsSecretContext(accessKeyId)), principal };
}
