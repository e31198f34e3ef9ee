import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import tar from 'tar-stream';
import { DigestMismatchError } from './errors/digest-mismatch-error.js';
import { FileTooLargeError } from '../../core/errors/file-too-large-error.js';
import { PathNotFoundError } from '../../core/errors/path-not-found-error.js';
import type { BodyStore } from './image-resolver.js';
import type { LayerDescriptor } from './image-source.js';
import type { KeepPolicy } from './layer/keep-policy.js';
import { decodeLayer } from './layer/layer-decoder.js';
import { ImageBudget, type ImageLimits } from './layer/layer-limits.js';
import { entryPath, readLayerTar } from './layer/layer-reader.js';
import { LAYER_RECORD_FORMAT, type LayerRecord } from './layer/layer-record.js';
import { ImageSizeExceededError } from './errors/image-size-exceeded-error.js';

export interface LayerStoreStats {
  /** Layers streamed from their source (registry blob, archive member) to build a record. */
  layersRead: number;
  /** Layers whose record came from the cache: not fetched at all. */
  layersFromCache: number;
  /** Bodies fetched after the fact by re-streaming a layer (files no glob asked for). */
  lateReads: number;
}

/**
 * Totals over every LayerStore of this process since it started: the server's share of layer reads the
 * cache saved (`npm run bench -- registry` reads it around a burst of pushes). Counters only.
 */
export const layerStoreTotals: LayerStoreStats = { layersRead: 0, layersFromCache: 0, lateReads: 0 };

export type LayerOpener = (layer: LayerDescriptor) => Promise<Readable>;

/**
 * Layer records (entry index + kept bodies) on disk under the cache dir. With `persistent`, records
 * are kept under `layers/<key>` where key = diffID + keep-policy key (cataloger names, versions,
 * globs) + file-size limit, so an image sharing base layers with one scanned before only reads its new
 * layers. Otherwise they live in a temp dir removed on close.
 */
export class LayerStore implements BodyStore {
  readonly stats: LayerStoreStats = { layersRead: 0, layersFromCache: 0, lateReads: 0 };
  private readonly dirs: string[] = [];
  private readonly session: string;
  readonly budget: ImageBudget;

  constructor(
    private readonly cacheDir: string,
    private readonly persistent: boolean,
    private readonly policy: KeepPolicy,
    private readonly limits: ImageLimits,
    private readonly layers: readonly LayerDescriptor[],
    private readonly opener: LayerOpener,
  ) {
    mkdirSync(join(cacheDir, 'tmp'), { recursive: true });
    this.session = mkdtempSync(join(cacheDir, 'tmp', 'image-'));
    this.budget = new ImageBudget(limits);
  }

  private keyFor(layer: LayerDescriptor): string {
    return createHash('sha256')
      .update([LAYER_RECORD_FORMAT, layer.diffId, this.policy.key, this.limits.maxFileBytes].join('\0'))
      .digest('hex');
  }

  /** The record of layer `index`: from the cache, or by streaming the layer once. */
  async obtain(index: number): Promise<LayerRecord> {
    const layer = this.layers[index] as LayerDescriptor;
    const final = this.persistent
      ? join(this.cacheDir, 'layers', this.keyFor(layer))
      : join(this.session, String(index));
    if (this.persistent && existsSync(join(final, 'record.json'))) {
      const record = JSON.parse(readFileSync(join(final, 'record.json'), 'utf8')) as LayerRecord;
      this.charge(record.bytes);
      this.dirs[index] = final;
      this.stats.layersFromCache++;
      layerStoreTotals.layersFromCache++;
      return record;
    }
    const work = this.persistent
      ? `${final}.partial-${process.pid}-${randomBytes(4).toString('hex')}`
      : final;
    mkdirSync(work, { recursive: true });
    try {
      const record = await this.read(layer, work);
      writeFileSync(join(work, 'record.json'), JSON.stringify(record));
      this.dirs[index] = this.persistent ? publish(work, final) : work;
      return record;
    } catch (err) {
      if (work !== final || !this.persistent) rmSync(work, { recursive: true, force: true });
      throw err;
    }
  }

  private charge(bytes: number): void {
    this.budget.used += bytes;
    if (this.budget.used > this.limits.maxImageBytes)
      throw new ImageSizeExceededError(
        `image is larger than ${this.limits.maxImageBytes} bytes uncompressed`,
        {
          maxImageBytes: this.limits.maxImageBytes,
        },
      );
  }

  private async read(layer: LayerDescriptor, dir: string): Promise<LayerRecord> {
    this.stats.layersRead++;
    layerStoreTotals.layersRead++;
    const decoded = await decodeLayer(
      await this.opener(layer),
      `layer ${layer.digest}`,
      this.budget,
      layer.diffId,
    );
    const result = await readLayerTar(decoded.tar, {
      policy: this.policy,
      maxFileBytes: this.limits.maxFileBytes,
      bodiesPath: join(dir, 'bodies.bin'),
      layerDigest: layer.digest,
    });
    // tar-stream may stop at the end-of-archive blocks: drain the rest so the diffID covers every byte.
    decoded.tar.resume();
    await finished(decoded.tar);
    const got = decoded.meter.digest();
    const want = decoded.meter.expectedDiffId();
    if (got !== undefined && got !== want)
      throw new DigestMismatchError(
        `layer ${layer.digest}: uncompressed content hashes to sha256:${got.slice(0, 12)}…, config says ${layer.diffId}`,
        { layer: layer.digest, diffId: layer.diffId },
      );
    return {
      format: LAYER_RECORD_FORMAT,
      diffId: layer.diffId,
      bytes: decoded.meter.decoded,
      entries: result.entries,
      unknowns: result.unknowns,
    };
  }

  bodiesPath(index: number): string {
    const dir = this.dirs[index];
    if (!dir) throw new PathNotFoundError(`layer ${index} has no record`);
    return join(dir, 'bodies.bin');
  }

  /** Streams layer `index` again and returns one entry's body (bounded by maxBytes). */
  async readLate(index: number, path: string, maxBytes: number): Promise<Buffer> {
    this.stats.lateReads++;
    layerStoreTotals.lateReads++;
    const layer = this.layers[index] as LayerDescriptor;
    const decoded = await decodeLayer(
      await this.opener(layer),
      `layer ${layer.digest}`,
      new ImageBudget(this.limits),
      undefined,
    );
    const extract = tar.extract();
    pipeline(decoded.tar, extract, () => undefined);
    for await (const entry of extract) {
      if (entryPath(entry.header.name) !== path) {
        entry.resume();
        continue;
      }
      const size = entry.header.size ?? 0;
      if (size > maxBytes) throw new FileTooLargeError('/' + path, size, maxBytes);
      const chunks: Buffer[] = [];
      for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c);
      extract.destroy();
      decoded.tar.destroy();
      return Buffer.concat(chunks);
    }
    throw new PathNotFoundError('/' + path);
  }

  async close(): Promise<void> {
    rmSync(this.session, { recursive: true, force: true });
    return Promise.resolve();
  }
}

/** Atomic publish; when another process published the same layer first, use theirs. */
function publish(work: string, final: string): string {
  try {
    mkdirSync(join(final, '..'), { recursive: true });
    renameSync(work, final);
  } catch {
    rmSync(work, { recursive: true, force: true });
  }
  return final;
}
