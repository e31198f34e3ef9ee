import type { AssessmentResult } from '../model/check-result.js';

/** An assessment as a document: the results plus the tool that produced them. */
export interface AssessmentReport extends AssessmentResult {
  tool: { name: string; version: string };
}

export interface AssessmentFormat {
  name: string;
  render(report: AssessmentReport): string;
}
