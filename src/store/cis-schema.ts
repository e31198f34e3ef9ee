/**
 * The tables of CIS scans (issue 16, Inspector v2's shape): the assessment facts each agent last
 * sent, the scan configurations of an account, the scans they started and each scan's target hosts.
 */

/** One row per host whose agent sent assessment facts (the latest document only). */
export interface HostAssessmentFactsTable {
  account_id: string;
  resource_id: string;
  /** The `vigil.assessment-facts/v1` document, as checked by src/checks' validator. */
  facts_json: string;
  /** `rootfs` or `host`: what the agent read (a `--root` directory or the running system). */
  target_mode: string;
  received_at: string;
}

/** `POST /v1/accounts/{a}/cis-scan-configurations`. */
export interface CisScanConfigTable {
  id: string;
  account_id: string;
  scan_name: string;
  /** LEVEL_1 | LEVEL_2. */
  security_level: string;
  /** The schedule as the API took it (oneTime | daily | weekly | monthly). */
  schedule_json: string;
  /** `{accountIds, targetResourceTags}`. */
  targets_json: string;
  /** When the scheduler starts the next scan; null: none (a one-time scan that ran). */
  next_run_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One run of a configuration. */
export interface CisScanTable {
  id: string;
  account_id: string;
  /**
   * The configuration that started it (null once that configuration is deleted), or the Classic
   * assessment run (`arun-…`, scan/classic) whose facts it gathers.
   */
  config_id: string | null;
  scan_name: string;
  security_level: string;
  /** IN_PROGRESS | COMPLETED | FAILED | CANCELLED. */
  status: string;
  status_reason: string | null;
  started_at: string;
  /** Targets still waiting for facts at this time fail ("no facts from the agent"). */
  deadline_at: string;
  finished_at: string | null;
  total_checks: number;
  failed_checks: number;
}

/** One host of a scan: waiting for its agent's facts, assessed, or why it was not. */
export interface CisScanTargetTable {
  scan_id: string;
  /** The scan's account (whose keys read the results); the host may be in a member account. */
  account_id: string;
  resource_account_id: string;
  resource_id: string;
  /** PENDING | COMPLETED | SKIPPED | FAILED. */
  status: string;
  status_reason: string | null;
  /** JSON CheckResult[] of the assessment (COMPLETED only). */
  results_json: string | null;
  /** `rootfs` or `host`: what the assessed facts were read from (COMPLETED only). */
  facts_mode: string | null;
  /**
   * Queue mode: when the agent's facts for this PENDING target were stored; a worker's `cis-evaluate`
   * job assesses them. Null: no facts yet (or embedded mode, which assesses at once).
   */
  facts_received_at: string | null;
  updated_at: string;
}
