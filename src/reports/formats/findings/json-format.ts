import { countBySeverity, sortFindings, type FindingsFormat } from './findings-report.js';

/** vigil's own JSON: DESIGN §3 findings plus summary, applied ignore rules and notes. */
export const jsonFormat: FindingsFormat = {
  name: 'json',
  mediaType: 'application/json',
  render(report) {
    const findings = sortFindings(report.findings);
    const doc = {
      schemaVersion: 1,
      tool: report.tool,
      target: report.target,
      targetType: report.targetType,
      ...(report.os ? { os: report.os } : {}),
      createdAt: report.createdAt,
      packageCount: report.packageCount,
      summary: { total: findings.length, bySeverity: countBySeverity(findings) },
      findings,
      ignored: report.ignored,
      notes: report.notes,
    };
    return JSON.stringify(doc, null, 2) + '\n';
  },
};
