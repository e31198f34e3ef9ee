import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { ImageFormatError } from '../errors/image-format-error.js';

const ALGORITHMS: Record<string, string> = { sha256: 'sha256', sha512: 'sha512' };

export function hashFor(digest: string): { hash: Hash; expected: string } {
  const [alg, hex] = digest.split(':', 2);
  const node = alg ? ALGORITHMS[alg] : undefined;
  if (!node || !hex) throw new ImageFormatError(`unsupported digest ${digest}`, { digest });
  return { hash: createHash(node), expected: hex };
}

export function digestOf(bytes: Buffer, alg = 'sha256'): string {
  return `${alg}:${createHash(alg).update(bytes).digest('hex')}`;
}

/** Throws unless `bytes` hash to `digest` (manifests, configs: small, read whole). */
export function verifyBytes(bytes: Buffer, digest: string, what: string): void {
  const { hash, expected } = hashFor(digest);
  const got = hash.update(bytes).digest('hex');
  if (got !== expected) throw mismatch(what, digest, got);
}

function mismatch(what: string, digest: string, got: string): DigestMismatchError {
  return new DigestMismatchError(`${what}: content hashes to ${got.slice(0, 19)}…, not ${digest}`, {
    what,
    expected: digest,
  });
}

/**
 * Passes bytes through while hashing them; fails the stream at its end when the hash or the length
 * differs, and as soon as more bytes arrive than the descriptor announced (so an endless blob stops).
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private readonly expected: string;
  private seen = 0;

  constructor(
    private readonly digest: string,
    private readonly size: number | undefined,
    private readonly what: string,
  ) {
    super();
    const h = hashFor(digest);
    this.hash = h.hash;
    this.expected = h.expected;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.size !== undefined && this.seen > this.size) {
      cb(mismatch(this.what, this.digest, `(more than ${this.size} bytes)`));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const got = this.hash.digest('hex');
    if (got !== this.expected) cb(mismatch(this.what, this.digest, got));
    else if (this.size !== undefined && this.seen !== this.size)
      cb(mismatch(this.what, this.digest, `(${this.seen} of ${this.size} bytes)`));
    else cb();
  }
}
