import { UsageError } from '../../core/errors/usage-error.js';
import type { AssessmentFormat } from './assessment-format.js';
import { csvAssessmentFormat } from './csv-assessment-format.js';
import { htmlAssessmentFormat } from './html-assessment-format.js';
import { jsonAssessmentFormat } from './json-assessment-format.js';
import { sarifAssessmentFormat } from './sarif-assessment-format.js';
import { tableAssessmentFormat } from './table-assessment-format.js';

/** Every assessment output format, listed explicitly. */
export const ASSESSMENT_FORMATS: readonly AssessmentFormat[] = [
  tableAssessmentFormat,
  jsonAssessmentFormat,
  csvAssessmentFormat,
  sarifAssessmentFormat,
  htmlAssessmentFormat,
];

export function assessmentFormat(name: string): AssessmentFormat {
  const f = ASSESSMENT_FORMATS.find((x) => x.name === name);
  if (!f)
    throw new UsageError(
      `unknown format "${name}" (one of ${ASSESSMENT_FORMATS.map((x) => x.name).join(', ')})`,
    );
  return f;
}
