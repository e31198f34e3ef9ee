/**
 * The tables of Classic assessments (issue 16, Inspector Classic's shape): targets (hosts by tags),
 * templates (rules packages, duration, attributes, event subscriptions, an optional cron schedule) and
 * the runs they start. Facts are gathered by a CIS scan the run starts (store/cis-schema.ts).
 */

/** `POST /v1/accounts/{a}/assessment-targets`: all hosts of the account, or those whose tags match. */
export interface AssessmentTargetTable {
  id: string;
  account_id: string;
  name: string;
  /** `{key: [values]}`; empty: every host of the account. */
  resource_tags_json: string;
  created_at: string;
}

export interface AssessmentTemplateTable {
  id: string;
  account_id: string;
  target_id: string;
  name: string;
  /** JSON array of CVE | CIS | NETWORK_REACHABILITY | SECURITY_BEST_PRACTICES. */
  rules_packages_json: string;
  duration_seconds: number;
  /** JSON `[{key, value}]` copied into each finding the runs report. */
  user_attributes_json: string;
  /** JSON array of ASSESSMENT_RUN_STARTED | ASSESSMENT_RUN_COMPLETED | FINDING_REPORTED. */
  event_subscriptions_json: string;
  /** JSON `{cron, timezone}` or null: runs start only through the API. */
  schedule_json: string | null;
  /** When the scheduler starts the next run (null: no schedule). */
  next_run_at: string | null;
  created_at: string;
}

export interface AssessmentRunTable {
  id: string;
  account_id: string;
  template_id: string;
  name: string;
  /** The template as it was when the run started (JSON AssessmentTemplate): a run outlives edits. */
  template_json: string;
  /** JSON `[resourceId]`: the target's hosts when the run started. */
  resource_ids_json: string;
  /** CREATED | COLLECTING_DATA | EVALUATING_RULES | COMPLETED | FAILED. */
  state: string;
  state_reason: string | null;
  /** MANUAL | SCHEDULE. */
  trigger: string;
  /** The CIS scan that gathers the hosts' facts (null: no package needs facts). */
  cis_scan_id: string | null;
  /** JSON `[{state, at}]`, oldest first. */
  state_changes_json: string;
  /** JSON `[{resourceId, reason, message}]`: hosts the run could not assess. */
  exclusions_json: string;
  /** JSON per rules package: `{findingCount, findingIds}` (null until evaluated). */
  packages_json: string | null;
  created_at: string;
  completed_at: string | null;
}
