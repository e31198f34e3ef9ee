import { stringify } from 'csv-stringify/sync';
import type { AssessmentFormat } from './assessment-format.js';

export const ASSESSMENT_CSV_COLUMNS = [
  'checkId',
  'title',
  'level',
  'status',
  'statusReason',
  'cisSection',
  'ssgRuleId',
  'severity',
  'remediation',
] as const;

/** A cell a spreadsheet would run as a formula (=, +, -, @) gets a leading quote. */
const defuse = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** RFC 4180 CSV, one row per check, CRLF line ends. */
export const csvAssessmentFormat: AssessmentFormat = {
  name: 'csv',
  render: (r) =>
    stringify(
      [
        [...ASSESSMENT_CSV_COLUMNS],
        ...r.results.map((c) =>
          [
            c.checkId,
            c.title,
            String(c.level),
            c.status,
            c.statusReason,
            c.cisSection ?? '',
            c.ssgRuleId ?? '',
            c.severity ?? '',
            c.remediation,
          ].map(defuse),
        ),
      ],
      { record_delimiter: 'windows' },
    ),
};
