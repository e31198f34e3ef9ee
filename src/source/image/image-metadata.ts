import type { LayerDescriptor, ResolvedImage } from './image-source.js';
import { parseJson } from './manifest/manifest-resolve.js';

export interface ImageHistoryEntry {
  created?: string;
  createdBy?: string;
  comment?: string;
  emptyLayer?: boolean;
}

export interface ImageConfigFacts {
  os: string;
  architecture: string;
  variant?: string;
  created?: string;
  env: string[];
  labels: Record<string, string>;
  exposedPorts: string[];
  history: ImageHistoryEntry[];
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  workingDir?: string;
}

/** What vigil knows about an image apart from its files (DESIGN §3 image details). */
export interface ImageMetadata {
  reference: string;
  registry?: string;
  repository?: string;
  /** Manifest digest: the image's identity. */
  digest?: string;
  indexDigest?: string;
  configDigest: string;
  tags: string[];
  /** Sum of the layer blobs' sizes as stored. */
  size: number;
  config: ImageConfigFacts;
  layers: LayerDescriptor[];
}

interface RawConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
  config?: {
    Env?: string[] | null;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    User?: string;
    WorkingDir?: string;
  } | null;
}

export function imageMetadata(reference: string, image: ResolvedImage): ImageMetadata {
  const raw = parseJson(image.configBytes, 'config') as RawConfig;
  const c = raw.config ?? {};
  const config: ImageConfigFacts = {
    os: raw.os ?? 'unknown',
    architecture: raw.architecture ?? 'unknown',
    env: c.Env ?? [],
    labels: c.Labels ?? {},
    exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
    history: (raw.history ?? []).map((h) => {
      const e: ImageHistoryEntry = {};
      if (h.created) e.created = h.created;
      if (h.created_by) e.createdBy = h.created_by;
      if (h.comment) e.comment = h.comment;
      if (h.empty_layer) e.emptyLayer = true;
      return e;
    }),
  };
  if (raw.variant) config.variant = raw.variant;
  if (raw.created) config.created = raw.created;
  if (c.Entrypoint) config.entrypoint = c.Entrypoint;
  if (c.Cmd) config.cmd = c.Cmd;
  if (c.User) config.user = c.User;
  if (c.WorkingDir) config.workingDir = c.WorkingDir;
  const meta: ImageMetadata = {
    reference,
    configDigest: image.configDigest,
    tags: image.tags,
    size: image.layers.reduce((s, l) => s + l.size, 0),
    config,
    layers: image.layers,
  };
  if (image.registry) meta.registry = image.registry;
  if (image.repository) meta.repository = image.repository;
  if (image.manifestDigest) meta.digest = image.manifestDigest;
  if (image.indexDigest) meta.indexDigest = image.indexDigest;
  return meta;
}
