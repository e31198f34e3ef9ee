import { jsonErrorReason } from '../../../core/json-error-reason.js';
import { ImageFormatError } from '../errors/image-format-error.js';
import { PlatformNotFoundError } from '../errors/platform-not-found-error.js';
import { formatPlatform, type LayerDescriptor, type Platform } from '../image-source.js';
import { isIndexType, MEDIA } from './media-types.js';

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

interface ManifestJson {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

/** What a registry or an OCI layout offers: manifests by tag or digest, and small blobs (configs). */
export interface ManifestStore {
  /** Bytes verified against `ref` when it is a digest; `digest` is what the bytes hash to. */
  getManifest(ref: string): Promise<{ bytes: Buffer; mediaType?: string; digest: string }>;
  getSmallBlob(desc: Descriptor): Promise<Buffer>;
}

export interface ResolvedManifest {
  manifestDigest: string;
  indexDigest?: string;
  configBytes: Buffer;
  configDigest: string;
  layers: LayerDescriptor[];
}

/** From a tag or digest to one platform's manifest, config and layers (index → platform → manifest). */
export async function resolveManifest(
  store: ManifestStore,
  ref: string,
  platform: Platform,
): Promise<ResolvedManifest> {
  let got = await store.getManifest(ref);
  let indexDigest: string | undefined;
  let json = parseJson(got.bytes, 'manifest');
  const type = json.mediaType ?? got.mediaType;
  if (isIndexType(type) || (!json.config && Array.isArray(json.manifests))) {
    indexDigest = got.digest;
    const chosen = pickPlatform(json.manifests ?? [], platform);
    got = await store.getManifest(chosen.digest);
    json = parseJson(got.bytes, 'manifest');
  }
  return fromManifest(store, json, got.digest, indexDigest);
}

async function fromManifest(
  store: ManifestStore,
  json: ManifestJson,
  manifestDigest: string,
  indexDigest: string | undefined,
): Promise<ResolvedManifest> {
  if (
    json.schemaVersion === 1 ||
    json.mediaType === MEDIA.dockerSchema1 ||
    json.mediaType === MEDIA.dockerSchema1Signed
  )
    throw new ImageFormatError('Docker schema 1 manifests are not supported (deprecated since 2017)');
  if (!json.config || !Array.isArray(json.layers))
    throw new ImageFormatError('manifest has no config or layers');
  // An OCI artifact (a Helm chart, a signature, an SBOM attestation) is a manifest too, but no image.
  const configType = json.config.mediaType;
  if (configType !== undefined && !IMAGE_CONFIG_TYPES.has(configType))
    throw new ImageFormatError(`not a container image: its config is ${configType}`, {
      configMediaType: configType,
    });
  const configBytes = await store.getSmallBlob(json.config);
  const diffIds = diffIdsOf(configBytes);
  if (diffIds.length !== json.layers.length)
    throw new ImageFormatError(`config lists ${diffIds.length} diff_ids for ${json.layers.length} layers`);
  const layers = json.layers.map((l, i) => ({
    digest: l.digest,
    diffId: diffIds[i] as string,
    size: l.size,
    mediaType: l.mediaType ?? MEDIA.ociManifest,
  }));
  const out: ResolvedManifest = { manifestDigest, configBytes, configDigest: json.config.digest, layers };
  if (indexDigest) out.indexDigest = indexDigest;
  return out;
}

/** Config media types of a container image (OCI and Docker schema 2). */
const IMAGE_CONFIG_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);

export function diffIdsOf(configBytes: Buffer): string[] {
  const config = parseJson(configBytes, 'config') as { rootfs?: { diff_ids?: unknown } };
  const ids = config.rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string'))
    throw new ImageFormatError('image config has no rootfs.diff_ids');
  return ids;
}

/** Exact os/arch; a requested variant must match, otherwise the entry without variant (or v8 on arm64) wins. */
export function pickPlatform(manifests: Descriptor[], want: Platform): Descriptor {
  const candidates = manifests.filter(
    (m) => m.platform?.os === want.os && m.platform.architecture === want.architecture,
  );
  const exact = want.variant
    ? candidates.find((m) => m.platform?.variant === want.variant)
    : (candidates.find((m) => !m.platform?.variant) ?? candidates[0]);
  if (!exact) {
    const offered = manifests.map((m) =>
      formatPlatform({
        os: m.platform?.os ?? '?',
        architecture: m.platform?.architecture ?? '?',
        ...(m.platform?.variant ? { variant: m.platform.variant } : {}),
      }),
    );
    throw new PlatformNotFoundError(
      `no image for ${formatPlatform(want)} in the index (offers ${offered.join(', ') || 'nothing'})`,
      { offered },
    );
  }
  return exact;
}

export function parseJson(bytes: Buffer, what: string): ManifestJson {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v;
  } catch (err) {
    throw new ImageFormatError(`${what}: ${jsonErrorReason(err)}`);
  }
}
