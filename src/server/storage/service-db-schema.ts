import type { Generated } from 'kysely';

/**
 * Row shapes of the service DB. Portable across SQLite and PostgreSQL: timestamps are ISO-8601 UTC
 * strings (they sort as text on both), booleans are 0/1 integers, JSON documents are text.
 */
export interface OrganizationTable {
  id: string;
  name: string;
  /** The account that sees and manages every member account; null until one is delegated. */
  delegated_admin_account_id: string | null;
  created_at: string;
}

export interface AccountTable {
  id: string;
  name: string;
  organization_id: string | null;
  host_scanning: number;
  image_scanning: number;
  network_scanning: number;
  created_at: string;
}

export type ApiKeyRole = 'admin' | 'member' | 'read-only';

export interface ApiKeyTable {
  id: string;
  /** The first characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  /** Hex SHA-256 of the whole key: the key itself is shown once and never stored. */
  secret_hash: string;
  role: ApiKeyRole;
  account_id: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ResourceTable {
  id: string;
  account_id: string;
  type: string;
  tags_json: string;
  details_json: string;
  created_at: string;
  updated_at: string;
}

/** The Finding JSON plus the columns FilterCriteria compiles to (indexed for list queries). */
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
  finding_json: string;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  key_id: string | null;
  account_id: string | null;
  action: string;
  target: string | null;
  result: string;
  details_json: string;
}

/** Durable events, written in the same transaction as the change they announce (at-least-once). */
export interface OutboxTable {
  seq: Generated<number>;
  type: string;
  account_id: string;
  subject: string;
  payload_json: string;
  created_at: string;
  delivered_at: string | null;
}

export interface ServiceDatabase {
  organizations: OrganizationTable;
  accounts: AccountTable;
  api_keys: ApiKeyTable;
  resources: ResourceTable;
  findings: FindingTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
}
