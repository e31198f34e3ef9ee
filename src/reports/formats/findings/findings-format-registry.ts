import { UsageError } from '../../../core/errors/usage-error.js';
import { csvFormat } from './csv-format.js';
import { cyclonedxFormat } from './cyclonedx-format.js';
import type { FindingsFormat } from './findings-report.js';
import { jsonFormat } from './json-format.js';
import { sarifFormat } from './sarif-format.js';
import { tableFormat } from './table-format.js';

/** Every findings output format, listed explicitly. */
export const FINDINGS_FORMATS: readonly FindingsFormat[] = [
  tableFormat,
  jsonFormat,
  sarifFormat,
  cyclonedxFormat,
  csvFormat,
];

export function findingsFormat(name: string): FindingsFormat {
  const f = FINDINGS_FORMATS.find((x) => x.name === name);
  if (!f)
    throw new UsageError(
      `unknown format "${name}" (one of ${FINDINGS_FORMATS.map((x) => x.name).join(', ')})`,
    );
  return f;
}
