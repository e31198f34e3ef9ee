import { HttpError } from '../http/http-error.js';
import type { Operation } from './inspector2-operation.js';

/**
 * ListCoverage and ListCoverageStatistics serve vigil's coverage model (issue 12: GET /v1/coverage,
 * whose shapes are Inspector's own). Until that model is on this server they answer a clear
 * ValidationException rather than an empty list that would read as "nothing is covered".
 */
const notYet = (name: string): Operation => ({
  mutates: false,
  run: () =>
    Promise.reject(
      new HttpError(
        400,
        'OPERATION_NOT_SUPPORTED',
        `${name} needs vigil's coverage model (issue 12: hosts, continuously), which this server does not have yet`,
        { reason: 'OTHER', operation: name },
      ),
    ),
});

export const listCoverageOperation = notYet('ListCoverage');
export const listCoverageStatisticsOperation = notYet('ListCoverageStatistics');
