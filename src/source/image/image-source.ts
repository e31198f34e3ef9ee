import type { Readable } from 'node:stream';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface LayerDescriptor {
  /** Digest of the layer blob as the manifest names it (docker-archive: the tar's diffID). */
  digest: string;
  /** sha256 of the uncompressed tar, from the config's rootfs.diff_ids. */
  diffId: string;
  size: number;
  mediaType: string;
}

/** One platform's image, with its manifest and config read and verified. */
export interface ResolvedImage {
  registry?: string;
  repository?: string;
  manifestDigest?: string;
  /** Digest of the index/list the manifest was chosen from, when there was one. */
  indexDigest?: string;
  tags: string[];
  configBytes: Buffer;
  configDigest: string;
  layers: LayerDescriptor[];
}

/** Where an image's bytes come from: a registry, a docker-archive, an OCI layout (dir or tar). */
export interface ImageSource {
  describe(): string;
  resolve(platform: Platform): Promise<ResolvedImage>;
  /** The layer blob as stored (compressed or not), verified against its digest as it streams. */
  openLayer(layer: LayerDescriptor): Promise<Readable>;
  close(): Promise<void>;
}

export function hostPlatform(): Platform {
  const arch: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ia32: '386',
    ppc64: 'ppc64le',
    s390x: 's390x',
  };
  const p: Platform = { os: 'linux', architecture: arch[process.arch] ?? process.arch };
  if (process.arch === 'arm64') p.variant = 'v8';
  return p;
}

/** `linux/arm64/v8` → Platform. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new Error(`platform must be OS/ARCH[/VARIANT], got ${text}`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}
