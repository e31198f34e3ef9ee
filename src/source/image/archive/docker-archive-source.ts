import type { Readable } from 'node:stream';
import { ImageFormatError } from '../errors/image-format-error.js';
import { ImageNotFoundError } from '../errors/image-not-found-error.js';
import type { ImageSource, LayerDescriptor, ResolvedImage } from '../image-source.js';
import { digestOf, verifyBytes } from '../layer/digest-verifier.js';
import { diffIdsOf } from '../manifest/manifest-resolve.js';
import type { ArchiveStore } from './archive-store.js';

interface DockerArchiveEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

const HEX_NAME = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/;

/**
 * `docker save` / skopeo `docker-archive:` tarballs: manifest.json names a config and layer tars (plain
 * or gzip). There are no blob digests, so each layer is named and verified by its diffID (the
 * uncompressed tar's sha256, checked while it is read).
 */
export class DockerArchiveSource implements ImageSource {
  private entry: DockerArchiveEntry | undefined;

  constructor(
    private readonly store: ArchiveStore,
    private readonly maxManifestBytes: number,
  ) {}

  describe(): string {
    return `docker-archive:${this.store.describe()}`;
  }

  async resolve(): Promise<ResolvedImage> {
    const list = JSON.parse(
      (await this.store.read('manifest.json', this.maxManifestBytes)).toString('utf8'),
    ) as unknown;
    if (!Array.isArray(list) || list.length === 0)
      throw new ImageFormatError('docker-archive manifest.json lists no image');
    const entry = list[0] as DockerArchiveEntry;
    if (!entry.Config || !Array.isArray(entry.Layers))
      throw new ImageFormatError('docker-archive manifest.json entry lacks Config or Layers');
    this.entry = entry;
    const configBytes = await this.store.read(entry.Config, this.maxManifestBytes);
    const hex = HEX_NAME.exec(entry.Config)?.[1];
    const configDigest = hex ? `sha256:${hex}` : digestOf(configBytes);
    if (hex) verifyBytes(configBytes, configDigest, `config ${entry.Config}`);
    const diffIds = diffIdsOf(configBytes);
    if (diffIds.length !== entry.Layers.length)
      throw new ImageFormatError(`config lists ${diffIds.length} diff_ids for ${entry.Layers.length} layers`);
    const layers: LayerDescriptor[] = [];
    for (const [i, name] of entry.Layers.entries()) {
      const diffId = diffIds[i] as string;
      layers.push({
        digest: diffId,
        diffId,
        size: await this.store.size(name),
        mediaType: `docker-archive:${name}`,
      });
    }
    return { tags: entry.RepoTags ?? [], configBytes, configDigest, layers };
  }

  openLayer(layer: LayerDescriptor): Promise<Readable> {
    const name = layer.mediaType.slice('docker-archive:'.length);
    if (!this.entry?.Layers?.includes(name))
      throw new ImageNotFoundError(`layer ${name} is not in the archive`);
    return this.store.stream(name);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
