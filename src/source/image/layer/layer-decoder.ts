import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { DecompressionBombError } from '../errors/decompression-bomb-error.js';
import { ImageSizeExceededError } from '../errors/image-size-exceeded-error.js';
import { LayerCorruptError } from '../errors/layer-corrupt-error.js';
import { hashFor } from './digest-verifier.js';
import { RATIO_FLOOR_BYTES, type ImageBudget } from './layer-limits.js';

export type LayerCompression = 'gzip' | 'zstd' | 'none';

/** Reads until `n` bytes are buffered (or the stream ends) and gives back a stream that still has them. */
async function peek(src: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let len = 0;
  const iterator = src[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  while (len < n) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    len += next.value.length;
  }
  const head = Buffer.concat(chunks);
  // Rebuild a stream: the head first, then whatever the iterator still yields.
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, stream: Readable.from(rest(), { objectMode: false }) };
}

/** Compression is sniffed from magic bytes: media types lie (Docker's `.tar.gzip` on zstd layers happen). */
export function sniffCompression(head: Buffer): LayerCompression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

class ZstdTransform extends Transform {
  private readonly d = new Decompress((chunk) =>
    this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)),
  );
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    try {
      this.d.push(chunk);
      cb();
    } catch (err) {
      cb(new LayerCorruptError(`zstd: ${(err as Error).message}`));
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.d.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(new LayerCorruptError(`zstd: ${(err as Error).message}`));
    }
  }
}

/** Counts bytes on either side of the decompressor, enforces the ratio and the image budget, hashes the tar. */
class DecodedMeter extends Transform {
  decoded = 0;
  compressed = 0;
  private readonly hash;
  constructor(
    private readonly what: string,
    private readonly budget: ImageBudget,
    private readonly compressedInput: boolean,
    diffId: string | undefined,
  ) {
    super();
    this.hash = diffId ? hashFor(diffId) : undefined;
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.decoded += chunk.length;
    this.budget.used += chunk.length;
    const { maxImageBytes, maxRatio } = this.budget.limits;
    if (this.budget.used > maxImageBytes) {
      cb(
        new ImageSizeExceededError(`image is larger than ${maxImageBytes} bytes uncompressed`, {
          maxImageBytes,
        }),
      );
      return;
    }
    const ratio = this.decoded / Math.max(1, this.compressed);
    if (this.compressedInput && this.decoded > RATIO_FLOOR_BYTES && ratio > maxRatio) {
      cb(
        new DecompressionBombError(`${this.what} expands more than ${maxRatio}× (decompression bomb?)`, {
          layer: this.what,
          compressed: this.compressed,
          decoded: this.decoded,
        }),
      );
      return;
    }
    this.hash?.hash.update(chunk);
    cb(null, chunk);
  }
  /** sha256 of the uncompressed tar (the diffID), once the stream has ended. */
  digest(): string | undefined {
    return this.hash ? this.hash.hash.digest('hex') : undefined;
  }
  expectedDiffId(): string | undefined {
    return this.hash?.expected;
  }
}

export interface DecodedLayer {
  tar: Readable;
  compression: LayerCompression;
  meter: {
    decoded: number;
    compressed: number;
    digest(): string | undefined;
    expectedDiffId(): string | undefined;
  };
}

/** Turns a layer blob stream (gzip, zstd or plain tar) into a metered tar stream. */
export async function decodeLayer(
  blob: Readable,
  what: string,
  budget: ImageBudget,
  diffId: string | undefined,
): Promise<DecodedLayer> {
  const { head, stream } = await peek(blob, 4);
  const compression = sniffCompression(head);
  const meter = new DecodedMeter(what, budget, compression !== 'none', diffId);
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      meter.compressed += chunk.length;
      cb(null, chunk);
    },
  });
  const stages: (Readable | Transform)[] = [stream, counter];
  if (compression === 'gzip') stages.push(createGunzip());
  else if (compression === 'zstd') stages.push(new ZstdTransform());
  stages.push(meter);
  // pipeline destroys every stage with the first error, so the consumer of `meter` sees it.
  pipeline(stages as unknown as [Readable, Transform], () => undefined);
  return { tar: meter, compression, meter };
}
