import type { Readable } from 'node:stream';
import { ImageFormatError } from '../errors/image-format-error.js';
import { ImageNotFoundError } from '../errors/image-not-found-error.js';
import type { ImageSource, LayerDescriptor, Platform, ResolvedImage } from '../image-source.js';
import { digestOf, DigestVerifier, verifyBytes } from '../layer/digest-verifier.js';
import {
  parseJson,
  resolveManifest,
  type Descriptor,
  type ManifestStore,
} from '../manifest/manifest-resolve.js';
import type { ArchiveStore } from './archive-store.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

/** An OCI image layout (`oci:DIR[:TAG]`) or a tar of one (`oci-archive:FILE[:TAG]`). */
export class OciLayoutSource implements ImageSource, ManifestStore {
  constructor(
    private readonly store: ArchiveStore,
    private readonly tag: string | undefined,
    private readonly maxManifestBytes: number,
    private readonly prefix: string,
  ) {}

  describe(): string {
    return `${this.prefix}:${this.store.describe()}${this.tag ? `:${this.tag}` : ''}`;
  }

  async resolve(platform: Platform): Promise<ResolvedImage> {
    const index = parseJson(await this.store.read('index.json', this.maxManifestBytes), 'index.json');
    const manifests = index.manifests ?? [];
    const chosen = this.pick(manifests);
    const r = await resolveManifest(this, chosen.digest, platform);
    const tag = chosen.annotations?.[REF_NAME];
    const out: ResolvedImage = {
      manifestDigest: r.manifestDigest,
      tags: tag ? [tag] : [],
      configBytes: r.configBytes,
      configDigest: r.configDigest,
      layers: r.layers,
    };
    if (r.indexDigest) out.indexDigest = r.indexDigest;
    return out;
  }

  private pick(manifests: Descriptor[]): Descriptor {
    if (this.tag) {
      const hit = manifests.find((m) => {
        const name = m.annotations?.[REF_NAME];
        return name === this.tag || name?.endsWith(`:${this.tag}`);
      });
      if (!hit) throw new ImageNotFoundError(`no manifest tagged ${this.tag} in ${this.store.describe()}`);
      return hit;
    }
    const first = manifests[0];
    if (!first) throw new ImageFormatError(`${this.store.describe()}/index.json lists no manifest`);
    if (manifests.length > 1) {
      const tags = manifests.map((m) => m.annotations?.[REF_NAME] ?? m.digest);
      throw new ImageNotFoundError(
        `${this.store.describe()} holds several images; name one of: ${tags.join(', ')}`,
      );
    }
    return first;
  }

  async getManifest(ref: string): Promise<{ bytes: Buffer; digest: string }> {
    const bytes = await this.store.read(blobPath(ref), this.maxManifestBytes);
    verifyBytes(bytes, ref, `manifest ${ref}`);
    return { bytes, digest: digestOf(bytes, ref.split(':')[0]) };
  }

  async getSmallBlob(desc: Descriptor): Promise<Buffer> {
    const bytes = await this.store.read(blobPath(desc.digest), this.maxManifestBytes);
    verifyBytes(bytes, desc.digest, `config ${desc.digest}`);
    return bytes;
  }

  async openLayer(layer: LayerDescriptor): Promise<Readable> {
    const raw = await this.store.stream(blobPath(layer.digest));
    const verifier = new DigestVerifier(layer.digest, layer.size, `layer ${layer.digest}`);
    raw.on('error', (err) => verifier.destroy(err));
    return raw.pipe(verifier);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  if (!alg || !hex || !/^[a-f0-9]+$/.test(hex)) throw new ImageFormatError(`bad digest ${digest}`);
  return `blobs/${alg}/${hex}`;
}
