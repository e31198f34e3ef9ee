import type { ColumnType, Generated } from 'kysely';
import type { CoverageTable, EnrollmentTokenTable, HostAgentTable, HostKeyTable } from './fleet-schema.js';
import type { CloudNetworkTable, HostNetworkTable, NetworkSettingsTable } from './network-schema.js';
import type { VexDocumentTable } from './vex-schema.js';
import type { AppliedObjectTable } from './applied-schema.js';
import type { QueuedUploadTable } from './upload-schema.js';
import type { FindingDocumentTable, FindingTable } from './findings-schema.js';
import type { AssessmentRunTable, AssessmentTargetTable, AssessmentTemplateTable } from './classic-schema.js';
import type {
  CisScanConfigTable,
  CisScanTable,
  CisScanTargetTable,
  HostAssessmentFactsTable,
} from './cis-schema.js';
import type {
  ImageLayerChainTable,
  ImageScanConfigTable,
  RegistryImageTable,
  RegistryTable,
} from './registry-schema.js';

export type { CoverageTable, EnrollmentTokenTable, HostAgentTable, HostKeyTable, VexDocumentTable };
export type { CloudNetworkTable, HostNetworkTable };
export type { FindingDocumentTable, FindingTable };
export type { ImageLayerChainTable, ImageScanConfigTable, RegistryImageTable, RegistryTable };

/** A nullable column an insert may omit (columns added after 0001). */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

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
  /** Inspector's ecrConfiguration (rescan window of images); null = the default, DAYS_90. */
  image_rescan_duration: Optional<string>;
  image_pull_rescan_duration: Optional<string>;
  image_pull_rescan_mode: Optional<string>;
  image_rescan_updated_at: Optional<string>;
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
  /** What the key is for ("ci", "agent on web-1"); free text. */
  name: Optional<string>;
}

export interface ResourceTable {
  id: string;
  account_id: string;
  type: string;
  tags_json: string;
  details_json: string;
  created_at: string;
  updated_at: string;
  /** Set when the resource is deleted: its findings are closed, the row kept for the audit trail. */
  deleted_at: Optional<string>;
}

/** One row per tag of a resource, so FilterCriteria `resourceTags` is an indexed EXISTS on both dialects. */
export interface ResourceTagTable {
  account_id: string;
  resource_id: string;
  key: string;
  value: string;
}

/** The last inventory of each resource (host submission or image scan): SBOM export reads it. */
/**
 * A digest of a resource's open package findings as a set (findings/finding-set-digest.ts), recorded by
 * a full re-match for what it left or by a scan for what it stored (m0012; its own table since m0033).
 * No row once anything else wrote the resource's findings. Equal to a full re-match's result for the
 * resource: nothing to read or write there.
 */
export interface FindingsDigestTable {
  account_id: string;
  resource_id: string;
  digest: string;
}

export interface InventoryTable {
  account_id: string;
  resource_id: string;
  inventory_json: string;
  updated_at: string;
  /** The inventory's OsInfo as JSON (what its packages are matched for); null without one. */
  os_json: Optional<string>;
  /** Version of the index writer that indexed it into inventory_packages; null: not indexed yet. */
  index_version: Optional<number>;
  /**
   * JSON [component, key][]: the inventory's lookup components and their keys (component-key.ts),
   * written with its index (m0028); null: indexed before, a full re-match reads its rows instead.
   */
  component_keys_json: Optional<string>;
}

/**
 * The index of stored inventories (resources/inventory-index.ts): one row per (ecosystem key, name,
 * version) the matchers read the vulnerability DB by, with the packages looked up by it.
 */
export interface InventoryPackageTable {
  account_id: string;
  resource_id: string;
  /** The OSV ecosystem key (`Debian:12`, `PyPI`), as the vulnerability DB stores it. */
  ecosystem_key: string;
  /** The name as the vulnerability DB stores it (source package, PEP 503 name). */
  package_name: string;
  /** The version the matcher compares (the source version for Debian). */
  version: string;
  /** The package key findings of matches by this key are grouped by (`deb:openssl`, finding-digest.ts). */
  package_key: string;
  /** The lookup component (match/lookup-keys.ts) the key belongs to within this inventory. */
  component: string;
  /** How many rows the component has in this inventory (most have one: a key query then holds it all). */
  component_rows: number;
  /** JSON Package[]: the inventory's packages looked up by this key (the same text on every host that has them). */
  packages_json: string;
  /** JSON number[]: their places in the inventory (matching order), apart so packages_json is shared. */
  positions_json: string;
  /**
   * A digest of packages_json (m0012): a full re-match tells components apart by it and reads the
   * JSON only for the few components it has not matched yet in the run. NULL: indexed before 0012.
   */
  packages_digest: string | null;
}

/** Per vulnerability DB identity: the last import-log seq whose changes were re-matched. */
export interface RematchStateTable {
  vulndb_id: string;
  last_seq: number;
  last_run_json: string | null;
  updated_at: string;
}

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** A scan the server runs itself (image references); inventory submissions complete inline. */
export interface ScanTable {
  id: string;
  account_id: string;
  resource_id: string | null;
  kind: string;
  status: JobStatus;
  request_json: string;
  summary_json: string | null;
  error_json: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface SuppressionRuleTable {
  id: string;
  account_id: string;
  name: string;
  reason: string;
  filter_json: string;
  expires_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReportTable {
  id: string;
  /** The account of the key that asked; the report covers `scope_json` (accounts visible then). */
  account_id: string;
  key_id: string | null;
  kind: 'findings' | 'sbom';
  format: string;
  request_json: string;
  scope_json: string;
  status: JobStatus;
  error_json: string | null;
  content: string | null;
  content_type: string | null;
  size: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface WebhookSubscriptionTable {
  id: string;
  account_id: string;
  url: string;
  /** The signing secret sealed under the server key (src/store/secret-box.ts), never plaintext. */
  secret_sealed: string;
  event_types_json: string;
  enabled: number;
  cursor_seq: number;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface WebhookDeliveryTable {
  seq: Generated<number>;
  subscription_id: string;
  outbox_seq: number;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
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

/** One finding event's status, kept as long as the finding (the outbox is purged after delivery). */
export interface FindingStatusHistoryTable {
  seq: Generated<number>;
  account_id: string;
  finding_id: string;
  event: string;
  status: string;
  at: string;
}

/** A console session (issue 14): the cookie token's SHA-256, its key, CSRF token and lifetime. */
export interface ConsoleSessionTable {
  token_hash: string;
  key_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  ended_at: string | null;
}

/** Open findings by severity of one account on one UTC day (the console's 30-day trend). */
export interface FindingDailyCountTable {
  account_id: string;
  day: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
  informational: number;
  untriaged: number;
  counted_at: string;
}

/** SigV4 credentials of the Inspector2-compatible API, bound to a vigil API key (role, account). */
export interface AwsAccessKeyTable {
  access_key_id: string;
  api_key_id: string;
  /** The secret access key sealed under the server key (a signature is recomputed from it). */
  secret_sealed: string;
  created_at: string;
}

/** Inspector's filters with action NONE: a named FilterCriteria that changes no finding. */
export interface SavedFilterTable {
  id: string;
  account_id: string;
  name: string;
  reason: string | null;
  filter_json: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** A filter's description and tags (saved filters and suppression rules alike), by filter id. */
export interface FilterAnnotationTable {
  filter_id: string;
  account_id: string;
  description: string | null;
  tags_json: string;
}

export interface ServiceDatabase {
  organizations: OrganizationTable;
  accounts: AccountTable;
  api_keys: ApiKeyTable;
  resources: ResourceTable;
  findings: FindingTable;
  finding_documents: FindingDocumentTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  finding_status_history: FindingStatusHistoryTable;
  resource_tags: ResourceTagTable;
  inventories: InventoryTable;
  findings_digests: FindingsDigestTable;
  inventory_packages: InventoryPackageTable;
  rematch_state: RematchStateTable;
  scans: ScanTable;
  suppression_rules: SuppressionRuleTable;
  reports: ReportTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
  console_sessions: ConsoleSessionTable;
  finding_daily_counts: FindingDailyCountTable;
  enrollment_tokens: EnrollmentTokenTable;
  host_keys: HostKeyTable;
  host_agents: HostAgentTable;
  coverage: CoverageTable;
  aws_access_keys: AwsAccessKeyTable;
  saved_filters: SavedFilterTable;
  filter_annotations: FilterAnnotationTable;
  host_network: HostNetworkTable;
  cloud_networks: CloudNetworkTable;
  network_settings: NetworkSettingsTable;
  vex_documents: VexDocumentTable;
  registries: RegistryTable;
  image_scan_configs: ImageScanConfigTable;
  registry_images: RegistryImageTable;
  image_layer_chains: ImageLayerChainTable;
  host_assessment_facts: HostAssessmentFactsTable;
  cis_scan_configs: CisScanConfigTable;
  cis_scans: CisScanTable;
  cis_scan_targets: CisScanTargetTable;
  applied_objects: AppliedObjectTable;
  queued_uploads: QueuedUploadTable;
  assessment_targets: AssessmentTargetTable;
  assessment_templates: AssessmentTemplateTable;
  assessment_runs: AssessmentRunTable;
}
