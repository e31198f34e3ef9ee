import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SecretUnreadableError } from './secret-unreadable-error.js';

const VERSION = 'v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The envelope secrets are stored in (webhook signing secrets now, registry credentials with issue 13):
 * AES-256-GCM under the server key, `v1.<keyId>.<nonce>.<ciphertext>.<tag>` (base64url), with a fresh
 * 96-bit nonce per seal. The additional data binds the key id and a context naming where the secret
 * belongs (`webhook:<subscription id>`), so a sealed value copied into another row does not open.
 */
export class SecretBox {
  /** Names the key without revealing it (a hash prefix): stored with every envelope. */
  readonly keyId: string;

  private constructor(private readonly key: Buffer) {
    this.keyId = createHash('sha256').update('vigil-secret-key-id\0').update(key).digest('hex').slice(0, 16);
  }

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== KEY_BYTES)
      throw new RangeError(`a secret key is ${KEY_BYTES} bytes, not ${key.length}`);
    return new SecretBox(Buffer.from(key));
  }

  /** A key that lives as long as the process: for tests and embedders that never restart on the same DB. */
  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(KEY_BYTES));
  }

  static newKey(): Buffer {
    return randomBytes(KEY_BYTES);
  }

  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad(this.keyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [nonce, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return [VERSION, this.keyId, ...parts].join('.');
  }

  open(envelope: string, context: string): string {
    const [version, keyId, nonce, ciphertext, tag, extra] = envelope.split('.');
    if (version !== VERSION || !keyId || !nonce || ciphertext === undefined || !tag || extra !== undefined)
      throw new SecretUnreadableError('stored secret is not a vigil envelope', { context });
    if (keyId !== this.keyId)
      throw new SecretUnreadableError(`stored secret was sealed under key ${keyId}, not ${this.keyId}`, {
        context,
        keyId,
      });
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(this.aad(keyId, context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('stored secret failed authentication (altered or moved)', { context });
    }
  }

  private aad(keyId: string, context: string): Buffer {
    return Buffer.from(`vigil-secret:${VERSION}:${keyId}:${context}`, 'utf8');
  }
}

/** The key id an envelope names, without opening it (startup checks which key the DB needs). */
export function envelopeKeyId(envelope: string): string | undefined {
  const [version, keyId] = envelope.split('.');
  return version === VERSION && keyId ? keyId : undefined;
}
