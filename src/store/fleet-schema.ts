/** A secret `vigil agent` trades for a host key (issue 12); stored as its SHA-256 only. */
export interface EnrollmentTokenTable {
  id: string;
  account_id: string;
  name: string | null;
  /** The first characters of the token, shown in lists so people can tell tokens apart. */
  prefix: string;
  secret_hash: string;
  /** Tags every host enrolled with this token gets. */
  tags_json: string;
  expires_at: string | null;
  /** Null: any number of enrollments. */
  max_uses: number | null;
  uses: number;
  created_at: string;
  /** The API key id that created it, or null (`vigil admin create-enrollment-token`). */
  created_by: string | null;
  revoked_at: string | null;
}

/** The credential of one enrolled host: it may only check in, for its own resource. */
export interface HostKeyTable {
  id: string;
  account_id: string;
  resource_id: string;
  prefix: string;
  secret_hash: string;
  enrollment_token_id: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** The live facts of one enrolled host (its agent's check-ins). */
export interface HostAgentTable {
  account_id: string;
  resource_id: string;
  machine_id: string;
  hostname: string;
  ip_addresses_json: string;
  agent_version: string;
  checkin_interval_seconds: number;
  enrolled_at: string;
  last_checkin_at: string;
  /** When the host counts as AGENT_OFFLINE if it does not check in again (3 intervals). */
  offline_at: string;
  last_inventory_at: string | null;
  /** The agent's hash of the inventory the server holds and scanned; null → one is wanted. */
  inventory_hash: string | null;
  /** Since when the server has been asking for an inventory (null: it has a current one). */
  inventory_wanted_since: string | null;
  /** When the host counts as STALE_INVENTORY if no inventory arrives (3 intervals after asking). */
  stale_at: string | null;
}

/** Coverage as Inspector shows it: one row per resource and scan type. */
export interface CoverageTable {
  account_id: string;
  resource_id: string;
  scan_type: string;
  resource_type: string;
  status: string;
  reason: string;
  message: string | null;
  /** What the last scan itself said (PENDING_INITIAL_SCAN before any), whatever the shown reason. */
  outcome: string;
  outcome_message: string | null;
  last_scanned_at: string | null;
  updated_at: string;
}
