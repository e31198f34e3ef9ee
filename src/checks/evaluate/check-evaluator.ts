import type { AssessmentFacts } from '../facts/fact-model.js';
import type { CheckDefinition, CheckProfile } from '../model/check-model.js';
import type { CheckResult, CheckStatus } from '../model/check-result.js';
import { evaluateCondition } from './condition-evaluator.js';
import type { Outcome } from './outcome.js';

const STATUS: Record<Outcome['status'], CheckStatus> = {
  pass: 'PASSED',
  fail: 'FAILED',
  skip: 'SKIPPED',
  error: 'ERROR',
};

/** One check over the facts: applicability first (NOT_APPLICABLE says why), then the condition. */
export function evaluateCheck(
  check: CheckDefinition,
  facts: AssessmentFacts,
  profile: CheckProfile,
): CheckResult {
  let outcome: Outcome;
  let status: CheckStatus;
  const applicable = check.applicable ? evaluateCondition(check.applicable, facts) : undefined;
  if (applicable && applicable.status !== 'pass') {
    outcome = applicable;
    status = applicable.status === 'fail' ? 'NOT_APPLICABLE' : STATUS[applicable.status];
  } else {
    outcome = evaluateCondition(check.condition, facts);
    status = STATUS[outcome.status];
  }
  return {
    checkId: check.id,
    title: check.title,
    level: check.levels[profile] ?? 2,
    status,
    statusReason: outcome.reason,
    ...(check.cisSection ? { cisSection: check.cisSection } : {}),
    ...(check.ssgRuleId ? { ssgRuleId: check.ssgRuleId } : {}),
    ...(check.severity ? { severity: check.severity } : {}),
    remediation: check.remediation,
  };
}

/** Every check, in the benchmark's order: the same facts always give the same results. */
export function evaluateChecks(
  checks: readonly CheckDefinition[],
  facts: AssessmentFacts,
  profile: CheckProfile,
): CheckResult[] {
  return checks.map((c) => evaluateCheck(c, facts, profile));
}
