import type { AssessmentFormat } from './assessment-format.js';

/**
 * The results as vigil holds them: every check with `checkId`, `title`, `level`, `status`,
 * `statusReason`, `cisSection`, `ssgRuleId` (and `remediation`), then the counts.
 */
export const jsonAssessmentFormat: AssessmentFormat = {
  name: 'json',
  render: (r) =>
    `${JSON.stringify(
      {
        tool: r.tool,
        benchmark: r.benchmark,
        level: r.level,
        profile: r.profile,
        target: r.target,
        summary: r.summary,
        results: r.results,
      },
      null,
      2,
    )}\n`,
};
