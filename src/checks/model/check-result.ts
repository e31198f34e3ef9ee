import type { CheckLevel, CheckSeverity } from './check-model.js';

export type CheckStatus = 'PASSED' | 'FAILED' | 'SKIPPED' | 'NOT_APPLICABLE' | 'ERROR';
export const CHECK_STATUSES: readonly CheckStatus[] = [
  'PASSED',
  'FAILED',
  'SKIPPED',
  'NOT_APPLICABLE',
  'ERROR',
];

/** One check's outcome; `statusReason` says what was found (and where) in every status. */
export interface CheckResult {
  checkId: string;
  title: string;
  level: CheckLevel;
  status: CheckStatus;
  statusReason: string;
  cisSection?: string;
  ssgRuleId?: string;
  severity?: CheckSeverity;
  remediation: string;
}

export interface AssessmentSummary {
  total: number;
  counts: Record<CheckStatus, number>;
}

export interface AssessmentResult {
  benchmark: { id: string; title: string; source: string };
  level: CheckLevel;
  profile: string;
  target: { description: string; mode: 'rootfs' | 'host' };
  results: CheckResult[];
  summary: AssessmentSummary;
}

export function summarize(results: readonly CheckResult[]): AssessmentSummary {
  const counts = Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
  for (const r of results) counts[r.status]++;
  return { total: results.length, counts };
}
