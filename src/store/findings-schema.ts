/** The findings' two tables (m0031): the filterable row and the finding's JSON document. */

/**
 * A finding's JSON (m0031), written when the finding changes; its row in `findings` carries the time it
 * was last observed, which readers overlay (findings/finding-rows.ts).
 */
export interface FindingDocumentTable {
  id: string;
  finding_json: string;
}

/** The columns FilterCriteria compiles to (indexed for list queries); the JSON is in finding_documents. */
export interface FindingTable {
  id: string;
  account_id: string;
  type: string;
  status: string;
  severity: string;
  score: number | null;
  vulnerability_id: string | null;
  package_name: string | null;
  resource_id: string;
  resource_type: string;
  first_observed_at: string;
  last_observed_at: string;
  updated_at: string;
  closed_at: string | null;
  fix_available: string;
  exploit_available: string;
  epss_score: number | null;
  /** Identity of the finding within its resource (vulnerability + package), see finding-lifecycle. */
  identity_key: string;
  /** CONTAINER_IMAGE findings: the repository (registry/name) of the image; else null. */
  repository_name: string | null;
  /** The package manager of the vulnerable package (dpkg, npm, …); null for non-package findings. */
  package_manager: string | null;
  /** The package key (`deb:openssl`) the finding's matches were grouped by; null for other findings. */
  package_key: string | null;
  /** Digest of what a scan decides about the finding (finding-rows.ts); null when written before 0009. */
  match_digest: string | null;
  /** NETWORK_REACHABILITY findings: protocol and open port range (null for other findings). */
  network_protocol: string | null;
  port_begin: number | null;
  port_end: number | null;
  /** CONTAINER_IMAGE findings: the layer that added the first vulnerable package (0022); else null. */
  layer_digest: string | null;
}
