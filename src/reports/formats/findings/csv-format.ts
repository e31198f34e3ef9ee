import { findingsCsv } from './findings-csv.js';
import { sortFindings, type FindingsFormat } from './findings-report.js';

/** The CLI's CSV: the same writer and columns as the service's CSV reports. */
export const csvFormat: FindingsFormat = {
  name: 'csv',
  mediaType: 'text/csv',
  render(report) {
    return findingsCsv(sortFindings(report.findings), true);
  },
};
