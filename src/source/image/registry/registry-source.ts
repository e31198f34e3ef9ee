import type { Readable } from 'node:stream';
import type { ImageSource, LayerDescriptor, Platform, ResolvedImage } from '../image-source.js';
import { resolveManifest } from '../manifest/manifest-resolve.js';
import type { RegistryReference } from '../reference/image-reference.js';
import { RegistryClient, type RegistryClientOptions } from './registry-client.js';

/** An image in a registry: manifests and configs read whole (bounded), layers streamed. */
export class RegistrySource implements ImageSource {
  readonly client: RegistryClient;

  constructor(
    private readonly ref: RegistryReference,
    opts: RegistryClientOptions,
  ) {
    this.client = new RegistryClient(ref.registry, ref.repository, opts);
  }

  describe(): string {
    return `${this.ref.registry}/${this.ref.repository}${this.ref.tag ? `:${this.ref.tag}` : ''}${this.ref.digest ? `@${this.ref.digest}` : ''}`;
  }

  async resolve(platform: Platform): Promise<ResolvedImage> {
    const r = await resolveManifest(this.client, this.ref.digest ?? this.ref.tag ?? 'latest', platform);
    const out: ResolvedImage = {
      registry: this.ref.registry,
      repository: this.ref.repository,
      manifestDigest: r.manifestDigest,
      tags: this.ref.tag ? [this.ref.tag] : [],
      configBytes: r.configBytes,
      configDigest: r.configDigest,
      layers: r.layers,
    };
    if (r.indexDigest) out.indexDigest = r.indexDigest;
    return out;
  }

  openLayer(layer: LayerDescriptor): Promise<Readable> {
    return this.client.openBlob(layer.digest, layer.size);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
