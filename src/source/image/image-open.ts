import { homedir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { defaultOpenEgress, type Egress } from '../../egress/egress-client.js';
import { appendAll } from '../../core/append-all.js';
import type { Unknown } from '../../core/unknown.js';
import { DirectoryStore, TarStore } from './archive/archive-store.js';
import { DockerArchiveSource } from './archive/docker-archive-source.js';
import { OciLayoutSource } from './archive/oci-layout-source.js';
import { ImageSizeExceededError } from './errors/image-size-exceeded-error.js';
import { ImageResolver } from './image-resolver.js';
import { imageMetadata, type ImageMetadata } from './image-metadata.js';
import { hostPlatform, parsePlatform, type ImageSource, type Platform } from './image-source.js';
import { buildKeepPolicy, type FileInterest } from './layer/keep-policy.js';
import { DEFAULT_LIMITS, type ImageLimits } from './layer/layer-limits.js';
import { MergedTree } from './layer/merged-tree.js';
import { LayerStore, type LayerStoreStats } from './layer-cache.js';
import { parseImageReference } from './reference/image-reference.js';
import { dockerConfigCredentials, type Credentials } from './registry/docker-config.js';
import type { RegistryStats } from './registry/registry-client.js';
import { RegistrySource } from './registry/registry-source.js';

export interface ImageOpenOptions {
  /** `os/arch[/variant]`; default the host's (linux/amd64 here). */
  platform?: string | Platform;
  /** Allow plain HTTP to this registry (localhost and 127.0.0.1 always may). */
  insecure?: boolean;
  /** Wins over ~/.docker/config.json. */
  credentials?: Credentials;
  /**
   * Read credentials from the user's docker config (default true: the CLI acts for its user). The
   * server passes false: the operator's credentials are never used for a tenant's scan.
   */
  dockerConfig?: boolean;
  /** Default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  dockerConfigPath?: string;
  /** Every registry request goes through it; default an open egress (timeouts, no deny list). */
  egress?: Egress;
  limits?: Partial<ImageLimits>;
  /** Layer records and kept bodies; default ~/.cache/vigil. */
  cacheDir?: string;
  /** Keep layer records across runs (keyed by diffID + interests). Default true, unless VIGIL_LAYER_CACHE=0. */
  layerCache?: boolean;
  /** Whose globs decide which file bodies are kept (catalogers, OS detection); default none. */
  interests?: readonly FileInterest[];
  onLayer?: (done: number, total: number, digest: string) => void;
  /** Abandons the open (a scan's time budget): registry requests in flight are aborted. */
  signal?: AbortSignal;
}

export interface OpenedImageStats extends LayerStoreStats {
  registry?: RegistryStats;
}

export interface OpenedImage {
  resolver: ImageResolver;
  metadata: ImageMetadata;
  stats: OpenedImageStats;
  close(): Promise<void>;
}

export function defaultCacheDir(): string {
  return process.env['VIGIL_CACHE_DIR'] ?? join(homedir(), '.cache', 'vigil');
}

/** Opens `REGISTRY/NAME[:TAG|@DIGEST]`, `docker-archive:PATH`, `oci:DIR[:TAG]` or `oci-archive:PATH[:TAG]`. */
export async function openImage(ref: string, opts: ImageOpenOptions = {}): Promise<OpenedImage> {
  const limits: ImageLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const { source, registryStats } = sourceFor(ref, opts, limits);
  const platform =
    typeof opts.platform === 'string' ? parsePlatform(opts.platform) : (opts.platform ?? hostPlatform());
  let store: LayerStore | undefined;
  try {
    const image = await source.resolve(platform);
    const metadata = imageMetadata(ref, image);
    if (metadata.size > limits.maxImageBytes)
      throw new ImageSizeExceededError(
        `${ref}: layers total ${metadata.size} bytes, over the ${limits.maxImageBytes}-byte limit`,
        {
          size: metadata.size,
          maxImageBytes: limits.maxImageBytes,
        },
      );
    const policy = buildKeepPolicy(opts.interests ?? []);
    const s = new LayerStore(
      opts.cacheDir ?? defaultCacheDir(),
      opts.layerCache ?? process.env['VIGIL_LAYER_CACHE'] !== '0',
      policy,
      limits,
      image.layers,
      (l) => source.openLayer(l),
    );
    store = s;
    const digests = image.layers.map((l) => l.digest);
    const tree = new MergedTree(digests);
    const layerUnknowns: Unknown[] = [];
    for (let i = 0; i < image.layers.length; i++) {
      opts.signal?.throwIfAborted();
      const record = await s.obtain(i);
      tree.apply(i, record);
      appendAll(layerUnknowns, record.unknowns);
      opts.onLayer?.(i + 1, image.layers.length, digests[i] as string);
    }
    const resolver = new ImageResolver(tree, digests, s, source.describe(), limits.maxFileBytes);
    // Layer unknowns first, as unshift would put them (without spreading a list the image decides).
    const own = resolver.unknowns.splice(0);
    appendAll(appendAll(resolver.unknowns, layerUnknowns), own);
    const stats: OpenedImageStats = s.stats;
    if (registryStats) stats.registry = registryStats;
    return {
      resolver,
      metadata,
      stats,
      close: async () => {
        await resolver.close();
        await s.close();
        await source.close();
      },
    };
  } catch (err) {
    await store?.close();
    await source.close();
    throw err;
  }
}

function sourceFor(
  ref: string,
  opts: ImageOpenOptions,
  limits: ImageLimits,
): { source: ImageSource; registryStats?: RegistryStats } {
  const parsed = parseImageReference(ref);
  const max = limits.maxManifestBytes;
  switch (parsed.kind) {
    case 'docker-archive':
      return { source: new DockerArchiveSource(new TarStore(resolvePath(parsed.path)), max) };
    case 'oci':
      return {
        source: new OciLayoutSource(new DirectoryStore(resolvePath(parsed.path)), parsed.tag, max, 'oci'),
      };
    case 'oci-archive':
      return {
        source: new OciLayoutSource(new TarStore(resolvePath(parsed.path)), parsed.tag, max, 'oci-archive'),
      };
    case 'registry': {
      const credentials =
        opts.credentials ??
        (opts.dockerConfig === false
          ? undefined
          : dockerConfigCredentials(parsed.registry, opts.dockerConfigPath));
      const source = new RegistrySource(parsed, {
        egress: opts.egress ?? defaultOpenEgress(),
        maxManifestBytes: max,
        ...(credentials ? { credentials } : {}),
        ...(opts.insecure ? { insecure: true } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return { source, registryStats: source.client.stats };
    }
  }
}
