import type { CheckSeverity } from '../../checks/model/check-model.js';
import type { CheckResult } from '../../checks/model/check-result.js';
import type { ConfigurationDetails, Finding } from '../../findings/finding-types.js';

/** Classic's severity words for the v2 bands they map to (one to one: Classic had no Critical). */
const CLASSIC_WORD: Record<CheckSeverity, ConfigurationDetails['classicSeverity']> = {
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  INFORMATIONAL: 'Informational',
};

export interface RunContext {
  accountId: string;
  resourceId: string;
  assessmentRunId: string;
  assessmentTemplateId: string;
  userAttributes: Array<{ key: string; value: string }>;
}

/**
 * A failed rule as a CONFIGURATION finding. Its identity is the host and the check, so the same
 * failure on the next run is the same finding, and a check that passes later closes it. CIS checks
 * carry no severity of their own: Classic reported every failed CIS rule as High.
 */
export function configurationFinding(
  r: CheckResult,
  rulesPackage: ConfigurationDetails['rulesPackage'],
  ctx: RunContext,
): Finding {
  const severity: CheckSeverity = r.severity ?? 'HIGH';
  const details: ConfigurationDetails = {
    rulesPackage,
    checkId: r.checkId,
    classicSeverity: CLASSIC_WORD[severity],
    statusReason: r.statusReason,
    ...(r.cisSection ? { cisSection: r.cisSection } : {}),
    assessmentRunId: ctx.assessmentRunId,
    assessmentTemplateId: ctx.assessmentTemplateId,
    userAttributes: ctx.userAttributes,
  };
  const where = r.cisSection ? ` (CIS ${r.cisSection})` : '';
  return {
    id: `classic|${ctx.resourceId}|${r.checkId}`,
    accountId: ctx.accountId,
    type: 'CONFIGURATION',
    title: `${r.title}${where}`,
    description: `Instance ${ctx.resourceId} fails the rule "${r.title}": ${r.statusReason}`,
    status: 'ACTIVE',
    severity,
    firstObservedAt: '',
    lastObservedAt: '',
    updatedAt: '',
    exploitAvailable: 'NO',
    fixAvailable: 'YES',
    remediation: { recommendation: { text: r.remediation } },
    resources: [{ id: ctx.resourceId, type: 'HOST', details: {} }],
    configurationDetails: details,
  };
}
