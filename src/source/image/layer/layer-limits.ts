/** Bounds applied while reading an image (all configurable through ImageOpenOptions.limits). */
export interface ImageLimits {
  /** Total uncompressed bytes of all layers. Default 16 GiB. */
  maxImageBytes: number;
  /** Largest single file whose body is kept for catalogers. Default 256 MiB. */
  maxFileBytes: number;
  /** Largest uncompressed/compressed ratio of a layer once past `ratioFloorBytes`. Default 200. */
  maxRatio: number;
  /** Manifests, indexes and configs above this are refused unread. Default 4 MiB. */
  maxManifestBytes: number;
}

export const DEFAULT_LIMITS: ImageLimits = {
  maxImageBytes: 16 * 1024 ** 3,
  maxFileBytes: 256 * 1024 ** 2,
  maxRatio: 200,
  maxManifestBytes: 4 * 1024 ** 2,
};

/** Below this many decompressed bytes the ratio is not checked: tiny layers compress extremely well. */
export const RATIO_FLOOR_BYTES = 32 * 1024 ** 2;

/** Shared across the layers of one image: the running uncompressed total. */
export class ImageBudget {
  used = 0;
  constructor(readonly limits: ImageLimits) {}
}
