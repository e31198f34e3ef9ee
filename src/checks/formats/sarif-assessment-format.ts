import type { CheckResult, CheckStatus } from '../model/check-result.js';
import type { AssessmentFormat } from './assessment-format.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** SARIF result kinds say what a check found; only failures and errors carry a level that alerts. */
const KIND: Record<CheckStatus, string> = {
  PASSED: 'pass',
  FAILED: 'fail',
  NOT_APPLICABLE: 'notApplicable',
  SKIPPED: 'review',
  ERROR: 'review',
};
const LEVEL: Record<CheckStatus, string> = {
  PASSED: 'none',
  FAILED: 'error',
  NOT_APPLICABLE: 'none',
  SKIPPED: 'note',
  ERROR: 'warning',
};

/** The first `/path:line` a reason names: where a reader should look. */
function location(reason: string): Record<string, unknown>[] {
  const m = /(\/[^\s:()]+):(\d+)/.exec(reason);
  if (!m) return [];
  return [
    {
      physicalLocation: {
        artifactLocation: { uri: (m[1] as string).replace(/^\//, '') },
        region: { startLine: Number(m[2]) },
      },
    },
  ];
}

function rule(c: CheckResult): Record<string, unknown> {
  return {
    id: c.checkId,
    name: c.checkId.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: c.title },
    help: { text: c.remediation },
    properties: {
      tags: ['security', 'configuration', `level-${c.level}`],
      ...(c.cisSection ? { cisSection: c.cisSection } : {}),
      ...(c.ssgRuleId ? { ssgRuleId: c.ssgRuleId } : {}),
    },
  };
}

/** SARIF 2.1.0: one rule per check, one result per check with its kind (pass, fail, notApplicable, review). */
export const sarifAssessmentFormat: AssessmentFormat = {
  name: 'sarif',
  render: (r) => {
    const run = {
      tool: {
        driver: {
          name: r.tool.name,
          version: r.tool.version,
          rules: r.results.map(rule),
        },
      },
      automationDetails: { id: `${r.benchmark.id}/level-${r.level}/${r.profile}/` },
      results: r.results.map((c, i) => ({
        ruleId: c.checkId,
        ruleIndex: i,
        kind: KIND[c.status],
        level: LEVEL[c.status],
        message: { text: `${c.status}: ${c.statusReason}` },
        locations: location(c.statusReason),
        properties: { status: c.status },
      })),
      properties: { target: r.target, summary: r.summary },
    };
    return `${JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] }, null, 2)}\n`;
  },
};
