import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip, gunzipSync, type Gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

export interface BodyCaps {
  /** Bytes as sent (the gzip stream). */
  compressedBytes: number;
  /** Bytes once decompressed (what is parsed; also the cap of a body sent without compression). */
  decompressedBytes: number;
}

const tooLarge = (what: string, limit: number): HttpError =>
  new HttpError(413, 'BODY_TOO_LARGE', `request body too large (${what} over ${limit} bytes)`, { limit });

/**
 * Request bodies of this scope may come gzip-compressed (`Content-Encoding: gzip`); any other coding
 * is 415. The body is decompressed while it streams in and refused (413 BODY_TOO_LARGE) as soon as
 * either side passes its cap, so a gzip bomb costs at most `decompressedBytes` of memory and the CPU
 * to inflate that much. The route's bodyLimit must be `decompressedBytes` (Fastify applies it to the
 * decompressed stream). A corrupt gzip stream is 400 MALFORMED_JSON, like a body that is not JSON.
 */
export function acceptGzipBodies(scope: FastifyInstance, caps: BodyCaps): void {
  scope.addHook('preParsing', (req: FastifyRequest, _reply, payload) => {
    const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (coding === 'identity' || coding === '') return Promise.resolve(payload);
    if (coding !== 'gzip')
      return Promise.reject(
        new HttpError(
          415,
          'UNSUPPORTED_CONTENT_ENCODING',
          'send the body as it is or with Content-Encoding: gzip',
          {
            contentEncoding: coding,
          },
        ),
      );
    const declared = Number(req.headers['content-length']);
    if (declared > caps.compressedBytes) return Promise.reject(tooLarge('compressed', caps.compressedBytes));
    // A heartbeat is a few hundred bytes: one synchronous inflate costs far less than a zlib stream.
    if (declared <= SMALL_BODY_BYTES) return inflateSmall(payload, declared, caps);
    return Promise.resolve(inflateCapped(payload, caps));
  });
}

/** Bodies declared at most this long (compressed) are inflated at once rather than streamed. */
const SMALL_BODY_BYTES = 64 * 1024;

type Decoded = Readable & { receivedEncodedLength: number };

/**
 * The whole (small, declared) body read, then inflated in one call capped at `decompressedBytes`: the
 * same refusals as the stream (413 over a cap, 400 for a corrupt stream) without a zlib stream per
 * request. A body longer than it declared is Fastify's to refuse (it compares the received length).
 */
async function inflateSmall(raw: NodeJS.ReadableStream, declared: number, caps: BodyCaps): Promise<Decoded> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of raw as AsyncIterable<Buffer>) {
    received += chunk.length;
    // Node's parser stops a body at its Content-Length; this only bounds memory should that change.
    if (received > declared)
      throw new HttpError(400, 'MALFORMED_REQUEST', 'the body is longer than its Content-Length');
    chunks.push(chunk);
  }
  let plain: Buffer;
  try {
    plain = gunzipSync(Buffer.concat(chunks, received), { maxOutputLength: caps.decompressedBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge('decompressed', caps.decompressedBytes);
    throw new HttpError(400, 'MALFORMED_JSON', 'request body is not a valid gzip stream');
  }
  const out = Readable.from([plain], { objectMode: false }) as Decoded;
  out.receivedEncodedLength = received;
  return out;
}

/**
 * The decompressed stream of `raw`, with `receivedEncodedLength` (Fastify checks it against
 * Content-Length). Over a cap, the inflater stops and the error is raised once the client has sent
 * its body (read and dropped, at most `compressedBytes`), so it reads the 413 instead of a reset.
 */
function inflateCapped(
  raw: NodeJS.ReadableStream,
  caps: BodyCaps,
): Transform & { receivedEncodedLength: number } {
  const gunzip: Gunzip = createGunzip();
  let decoded = 0;
  let ended = false;
  let failed: HttpError | undefined;
  const out = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      done(null, chunk);
    },
  }) as Transform & { receivedEncodedLength: number };
  out.receivedEncodedLength = 0;
  const fail = (err: HttpError): void => {
    if (failed) return;
    failed = err;
    raw.unpipe(gunzip);
    gunzip.destroy();
    // What the client still sends is read and dropped (up to the compressed cap) before the answer.
    if (ended) out.destroy(err);
  };
  raw.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
    if (out.receivedEncodedLength > caps.compressedBytes) {
      fail(tooLarge('compressed', caps.compressedBytes));
      out.destroy(failed);
    }
  });
  raw.once('end', () => {
    ended = true;
    if (failed) out.destroy(failed);
  });
  raw.once('error', (err: Error) => out.destroy(err));
  // A client that goes away mid-body: nothing would ever end the stream otherwise.
  raw.once('close', () => {
    if (!ended) out.destroy(new HttpError(400, 'BODY_INCOMPLETE', 'the request body ended early'));
  });
  gunzip.on('data', (chunk: Buffer) => {
    decoded += chunk.length;
    if (decoded > caps.decompressedBytes) fail(tooLarge('decompressed', caps.decompressedBytes));
    else if (!out.write(chunk)) gunzip.pause();
  });
  out.on('drain', () => gunzip.resume());
  gunzip.once('error', () =>
    fail(new HttpError(400, 'MALFORMED_JSON', 'request body is not a valid gzip stream')),
  );
  gunzip.once('end', () => {
    if (!failed) out.end();
  });
  raw.pipe(gunzip);
  return out;
}
