/** A registry an account watches (issue 13): where it is, how vigil learns of images, its secrets. */
export interface RegistryTable {
  id: string;
  account_id: string;
  name: string;
  /** `host[:port]`, the registry's API host (no scheme: https unless `insecure`). */
  host: string;
  insecure: number;
  /** NOTIFICATIONS | POLLING | BOTH. */
  discovery: string;
  poll_interval_seconds: number | null;
  /** `{username, password}` as JSON, sealed under the server key; null: anonymous. */
  credentials_sealed: string | null;
  /** SHA-256 of the notification secret (shown once, at creation). */
  notification_secret_hash: string;
  created_at: string;
  updated_at: string;
  /** When polling last ran, and what it last failed with (`{code, message}` JSON), if it did. */
  last_polled_at: string | null;
  poll_error_json: string | null;
}

/** An account's image scan configuration: the inclusion rules (the window is on `accounts`). */
export interface ImageScanConfigTable {
  account_id: string;
  rules_json: string;
  updated_at: string;
}

/**
 * What vigil knows of an image (a CONTAINER_IMAGE resource, by digest) from its registry: where it
 * lives, its tags, when it was pushed and last pulled, which rule covers it and until when it is
 * re-matched, and the scan a push queued (the dedup by digest).
 */
export interface RegistryImageTable {
  account_id: string;
  resource_id: string;
  registry_id: string;
  repository: string;
  tags_json: string;
  media_type: string | null;
  pushed_at: string;
  last_pulled_at: string | null;
  /** SCAN_ON_PUSH | CONTINUOUS_SCAN; null: no inclusion rule matches its repository. */
  scan_frequency: string | null;
  /** Re-matched until then (CONTINUOUS_SCAN); null: for its lifetime. */
  eligible_until: string | null;
  /** The last scan queued for it, and when (an event older than that is already covered). */
  scan_id: string | null;
  scan_queued_at: string | null;
  deleted_at: string | null;
}

/** An image's ordered layer digests and their chain (SHA-256 of the list): migration 0022. */
export interface ImageLayerChainTable {
  account_id: string;
  resource_id: string;
  chain_digest: string;
  layer_count: number;
  layers_json: string;
}
