import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './http-error.js';

export const uploadTooLarge = (limit: number): HttpError =>
  new HttpError(413, 'BODY_TOO_LARGE', `request body too large (over ${limit} bytes)`, { limit });

/** Past the cap, this much more is read and dropped so the client can read the 413; then the socket goes. */
const DRAIN_BYTES = 8 * 1024 * 1024;

/**
 * Streams a request body to `dest` (a new file, 0600), never holding it in memory, and refuses it with
 * 413 BODY_TOO_LARGE once it passes `maxBytes`. A declared Content-Length over the cap is refused
 * before a byte is read; an undeclared (chunked) one is cut at the cap, the rest read and dropped
 * (up to DRAIN_BYTES) so the client gets the answer instead of a reset. A client that goes away
 * mid-body is 400 BODY_INCOMPLETE. Returns the bytes written.
 */
export async function receiveUpload(
  body: NodeJS.ReadableStream,
  declaredLength: string | undefined,
  dest: string,
  maxBytes: number,
): Promise<number> {
  if (declaredLength !== undefined && Number(declaredLength) > maxBytes) throw uploadTooLarge(maxBytes);
  let bytes = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      bytes += chunk.length;
      if (bytes <= maxBytes) done(null, chunk);
      else if (bytes <= maxBytes + DRAIN_BYTES) done();
      else done(uploadTooLarge(maxBytes));
    },
    flush(done: TransformCallback) {
      done(bytes > maxBytes ? uploadTooLarge(maxBytes) : null);
    },
  });
  try {
    await pipeline(body, limiter, createWriteStream(dest, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (
      code === 'ECONNRESET' ||
      code === 'ERR_STREAM_PREMATURE_CLOSE' ||
      (err as Error).message === 'aborted'
    )
      throw new HttpError(400, 'BODY_INCOMPLETE', 'the request body ended early');
    throw err;
  }
  return bytes;
}
